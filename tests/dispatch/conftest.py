"""Fixtures of the dispatch tests: one database per test, on SQLite and on PostgreSQL.

Every test that takes ``db_url`` runs twice: on a SQLite file in its temporary folder
and on a fresh database of a real PostgreSQL server (the one ``.ci/run`` started and
named in ``MOLTEN_TEST_POSTGRES_URL``, or a throwaway server started here from the
installed binaries). Outside CI the PostgreSQL half is skipped, with the reason, only
when no server can be started; inside CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dispatch.postgres import URL_ENV as POSTGRES_URL_ENV
from tests.dispatch.postgres import Server, fresh_database, start_server
from tests.dispatch.tools import TINY

BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    """True inside CI, where nothing may be skipped for want of a server."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server the tests may create databases on."""
    from sqlalchemy.engine import make_url

    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        yield Server(make_url(url))
        return
    try:
        with start_server() as server:
            yield server
    except RuntimeError as exc:
        message = f"no PostgreSQL server could be started: {exc}"
        if in_ci():
            pytest.fail(f"{message} (CI must run the PostgreSQL tests; set {POSTGRES_URL_ENV})")
        pytest.skip(message)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty database of the test's backend (with its password)."""
    if backend == "sqlite":
        (tmp_path / "history").mkdir(exist_ok=True)
        yield f"sqlite:///{tmp_path / 'history' / 'molten.db'}"
        return
    server: Server = request.getfixturevalue("postgres_server")
    with fresh_database(server) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def net(tmp_path: Path) -> Path:
    """A writable copy of the tiny test network."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


#: Time the visit search of managed supply may take in :func:`quick_visit_search`, s.
QUICK_SEARCH_S = 0.5


@pytest.fixture
def quick_visit_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process, the visit search of managed supply stops after
    :data:`QUICK_SEARCH_S` instead of its floor of six seconds a day (it searches until
    its time is up, even on tiny). For plans made in-process whose deliveries are not
    what is tested (a plan to store, to kill a run over, to migrate, to load back); the
    runs of the installed command under test search as the product does."""
    import logistics.pipeline.supply as supply

    monkeypatch.setattr(supply, "search_limit_s", lambda day_limit_s: QUICK_SEARCH_S)
