"""Shared fixtures: the seed articles and gold beside the clone, and real databases.

The shared directory (``<repo>/../shared``) is required: a missing corpus fails the run
loudly instead of silently skipping the tests that need it.

Store tests run on SQLite files and on PostgreSQL. The session creates one database
``laborlens_test_<random>`` through the admin URL ``LABORLENS_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``) and drops it at the end; each store gets a
fresh schema in it. An unreachable server skips the PostgreSQL tests on a workstation and
fails them under CI (``CI=true``), so they never go quietly missing there.
"""

from __future__ import annotations

import json
import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from laborlens.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = (REPO / ".." / "shared").resolve()
    if not (path / "seeds").is_dir() or not (path / "gold").is_dir():
        pytest.fail(
            f"the shared corpus is missing: expected {path}/seeds and {path}/gold beside the "
            "repository (clone laborlens next to its shared/ directory)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def seed_paths(shared_dir: Path) -> list[Path]:
    paths = sorted((shared_dir / "seeds").glob("*.txt"))
    if not paths:
        pytest.fail(f"no seed articles in {shared_dir / 'seeds'}", pytrace=False)
    return paths


@pytest.fixture(scope="session")
def gold_path(shared_dir: Path) -> Path:
    return shared_dir / "gold" / "seeds.jsonl"


@pytest.fixture(scope="session")
def gold_records(gold_path: Path) -> list[dict[str, Any]]:
    """The seed gold as plain dicts, in file order (CODEBOOK section 6)."""
    records = [
        json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line
    ]
    if not records:
        pytest.fail(f"{gold_path} has no records", pytrace=False)
    return records


@pytest.fixture(scope="session")
def gold_by_lang(gold_records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in gold_records:
        grouped[record["lang"]].append(record)
    return dict(grouped)


@pytest.fixture
def tmp_db_url(new_db_url: Callable[[], str]) -> str:
    """A new database on each backend (a SQLite file in the test's own directory)."""
    return new_db_url()


@pytest.fixture
def tmp_store(tmp_db_url: str) -> Iterator[Store]:
    store = open_store(tmp_db_url)
    try:
        yield store
    finally:
        store.close()


PG_ADMIN_URL = os.environ.get(
    "LABORLENS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def _admin_engine(url: str | URL) -> Any:
    return create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    admin = _admin_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as exc:
        admin.dispose()
        message = f"PostgreSQL at {make_url(PG_ADMIN_URL)!r} is unreachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = f"laborlens_test_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name)
    db = _admin_engine(url)
    with db.connect() as conn:  # shared by every schema's trigram index
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    db.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url(pg_database: URL) -> Iterator[Callable[[], str]]:
    """Call it for the URL of a new, empty schema in the session's database (the schemas go
    with the database at the end of the session)."""
    engine = _admin_engine(pg_database)

    def new_schema() -> str:
        schema = f"t_{secrets.token_hex(6)}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = f"-csearch_path={schema},public"
        return pg_database.update_query_dict({"options": options}).render_as_string(
            hide_password=False
        )

    yield new_schema
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Parametrised over the backends: call it for the URL of a new, empty database."""
    if request.param == "postgresql":
        factory: Callable[[], str] = request.getfixturevalue("pg_url")
        return factory
    count = [0]

    def new_file() -> str:
        count[0] += 1
        return f"sqlite:///{tmp_path / f'laborlens-{count[0]}.db'}"

    return new_file


@pytest.fixture
def any_store(new_db_url: Callable[[], str]) -> Iterator[Store]:
    """A new, empty store on each backend."""
    store = open_store(new_db_url())
    try:
        yield store
    finally:
        store.close()
