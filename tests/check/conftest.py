"""Fixtures of the checker's tests: the hand-made plan of the tiny day, row by row."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_DATA, read_rows

#: The hand-made plan of ``tests/data/tiny`` the checker's tests mutate.
PLAN = TEST_DATA / "tiny_plan"
Rows = list[dict[str, str]]


@pytest.fixture
def runs() -> Rows:
    """A fresh copy of the plan's ``runs.csv`` rows."""
    return read_rows(PLAN / "runs.csv")


@pytest.fixture
def unserved() -> Rows:
    """A fresh copy of the plan's ``unserved.csv`` rows."""
    return read_rows(PLAN / "unserved.csv")
