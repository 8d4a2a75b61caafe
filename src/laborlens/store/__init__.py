"""Storage: ``open_store(url)`` picks a backend by URL scheme.

>>> store = open_store("sqlite:///:memory:")
>>> store.counts()["events"]
0
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from laborlens.errors import StoreError
from laborlens.store.base import SaveResult, Store
from laborlens.store.sqlite import MEMORY, SqliteStore

_URL_HELP = (
    "use sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite:///:memory: "
    "or postgresql://user@host:5432/dbname"
)


def _open_sqlite(url: str) -> Store:
    parsed = make_url(url)
    if parsed.host or parsed.query or parsed.username or parsed.port:
        raise StoreError(f"database URL {url!r}: SQLite takes a file path only; {_URL_HELP}")
    return SqliteStore(parsed.database or MEMORY)


def _open_postgres(url: str) -> Store:
    from laborlens.store.postgres import PostgresStore  # noqa: PLC0415  (psycopg is optional)

    driver = make_url(url).get_driver_name()
    if driver != "psycopg":
        raise StoreError(
            f"database URL {url!r}: laborlens reaches PostgreSQL through psycopg 3; "
            "write postgresql://... or postgresql+psycopg://..."
        )
    return PostgresStore(url)


STORE_BACKENDS: dict[str, Callable[[str], Store]] = {
    "sqlite": _open_sqlite,
    "postgresql": _open_postgres,
}
"""URL scheme (without a ``+driver`` part) -> function opening a store from the full URL."""


def open_store(url: str) -> Store:
    """Open the store a database URL names, creating and migrating it if needed."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise StoreError(f"database URL {url!r} is not a URL; {_URL_HELP}") from exc
    opener = STORE_BACKENDS.get(backend)
    if opener is None:
        raise StoreError(
            f"database URL {url!r}: unsupported scheme {backend!r}; "
            f"supported: {', '.join(sorted(STORE_BACKENDS))} ({_URL_HELP})"
        )
    return opener(url)


__all__ = ["STORE_BACKENDS", "SaveResult", "SqliteStore", "Store", "StoreError", "open_store"]
