"""The JSON Schema of ``plan.json``, generated from the plan models.

``plan.schema.json`` beside this module is the published schema: it is what
:meth:`Plan.model_json_schema` generates (a test keeps the two equal; regenerate it
with ``python -m logistics.plan.schema``, which also refreshes ``docs/plan.schema.json``),
and every ``plan.json`` is validated against it before it is written.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = "plan.schema.json"
SCHEMA_ID = "https://github.com/molten-logistics/molten-logistics/plan.schema.json"


def generated_schema() -> dict[str, Any]:
    """The schema the plan models generate, with its title, id and units."""
    from logistics.plan.model import Plan

    schema = Plan.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "molten-logistics plan",
        "description": (
            "plan.json written by `molten plan`, `molten dispatch` and the planning app. "
            "Units: tonnes (t), °C, km, hours (h), CNY; times ISO 8601 with the "
            "network's UTC offset."
        ),
    }


@cache
def published_schema() -> dict[str, Any]:
    """The schema shipped with the package (``logistics/plan/plan.schema.json``)."""
    text = resources.files("logistics.plan").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = published_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_document(document: dict[str, Any]) -> None:
    """Validate a ``plan.json`` document against the published schema.

    Raises
    ------
    jsonschema.ValidationError
        The first way the document breaks the schema.
    """
    _validator().validate(document)


def write_schema(path: Path) -> None:
    """Write the generated schema to ``path`` (the package file, or the docs)."""
    path.write_text(json.dumps(generated_schema(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # regenerate the package's copy and the docs' copy
    write_schema(Path(__file__).with_name(SCHEMA_FILE))
    docs = Path(__file__).resolve().parents[2] / "docs" / SCHEMA_FILE
    if docs.parent.is_dir():
        write_schema(docs)
