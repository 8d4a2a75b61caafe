"""Stores for the contract tests: ``store`` is a new store on each backend (SQLite file and
PostgreSQL schema, see tests/conftest.py); ``db_path`` is a SQLite file for SQLite-only tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from laborlens.store import open_store
from laborlens.store.sql import SqlStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "laborlens.db"


@pytest.fixture
def store(new_db_url: Callable[[], str]) -> Iterator[SqlStore]:
    opened = open_store(new_db_url())
    assert isinstance(opened, SqlStore)
    yield opened
    opened.close()
