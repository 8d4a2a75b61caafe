"""Copy a whole database to another (SQLite <-> PostgreSQL), verified by per-table checksums.

The copy goes table by table through the shared SQLAlchemy schema (``schema.py``), parents
first, in batches streamed from the source, so it carries what the ``Store`` protocol cannot:
every source record of an article, the skipped inputs, vectors of every model and the
original timestamps. The target must be empty; all of it is written in one transaction, so a
failed copy leaves the target as it was. The target's search index is then rebuilt from the
copied articles, as the migration that creates it does.

A table's checksum is the sum (mod 2**256) of one SHA-256 per row over the row's values in a
backend-neutral form (UTC times, ISO dates, ``repr`` floats, JSON with sorted keys), so it
does not depend on row order or on how either backend spells a type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Engine, Float, Table, func, insert, select
from sqlalchemy import text as sql_text
from sqlalchemy.engine import RowMapping

from laborlens.errors import StoreError
from laborlens.store import fts, pgsearch
from laborlens.store import migrations as _migrations  # noqa: F401  (registers every table)
from laborlens.store.schema import metadata, schema_migrations

log = logging.getLogger(__name__)


def copy_tables_in_order() -> tuple[Table, ...]:
    """Every table holding data, parents first (insert order): all the migrations create
    except the migration log itself (full-text index tables are rebuilt, not copied)."""
    return tuple(t for t in metadata.sorted_tables if t is not schema_migrations)


_MODULUS = 2**256


@dataclass(frozen=True, slots=True)
class TableSum:
    rows: int
    checksum: str


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source: TableSum
    target: TableSum

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True, slots=True)
class CopyReport:
    tables: tuple[TableCopy, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "tables": {
                t.table: {
                    "source_rows": t.source.rows,
                    "target_rows": t.target.rows,
                    "source_checksum": t.source.checksum,
                    "target_checksum": t.target.checksum,
                    "ok": t.ok,
                }
                for t in self.tables
            },
        }


def _canonical(column_type: Any, value: Any) -> Any:
    """One value in the same form whichever backend it was read from."""
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat()
    if isinstance(column_type, Date):
        return value.isoformat()
    if isinstance(column_type, Float):
        return repr(float(value))
    if isinstance(column_type, JSON):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _row_digest(table: Table, row: RowMapping) -> int:
    values = [_canonical(c.type, row[c.name]) for c in table.columns]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(payload.encode()).digest(), "big")


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def table_sums(engine: Engine, batch_size: int = 1000) -> dict[str, TableSum]:
    """Row count and checksum of every data table."""
    found: dict[str, TableSum] = {}
    with engine.connect() as conn:
        for table in copy_tables_in_order():
            total = count = 0
            result = conn.execution_options(yield_per=batch_size).execute(_ordered(table))
            for part in result.mappings().partitions():
                for row in part:
                    total = (total + _row_digest(table, row)) % _MODULUS
                    count += 1
            found[table.name] = TableSum(count, f"{total:064x}"[:16])
    return found


def _is_empty(conn: Connection) -> bool:
    tables = copy_tables_in_order()
    return all(not conn.scalar(select(func.count()).select_from(t)) for t in tables)


def _follow_sequences(conn: Connection) -> None:
    """Move each PostgreSQL id sequence past the copied ids, so new rows get fresh ones."""
    for table in copy_tables_in_order():
        if table.autoincrement_column is None:
            continue
        column = table.autoincrement_column.name
        conn.execute(
            sql_text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                f"COALESCE((SELECT max({column}) FROM {table.name}), 0) + 1, false)"
            )
        )


def copy_tables(source: Engine, target: Engine, batch_size: int = 1000) -> dict[str, int]:
    """Copy every data table from ``source`` into the empty ``target``; rows per table."""
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        if not _is_empty(dst):
            raise StoreError("the target database is not empty; copy needs an empty one")
        for table in copy_tables_in_order():
            count = 0
            result = src.execution_options(yield_per=batch_size).execute(_ordered(table))
            for part in result.mappings().partitions():
                dst.execute(insert(table), [dict(row) for row in part])
                count += len(part)
            copied[table.name] = count
            log.info("copied %d rows of %s", count, table.name)
        if dst.dialect.name == "postgresql":
            _follow_sequences(dst)
            pgsearch.rebuild_index(dst)
        elif dst.dialect.name == "sqlite":
            fts.rebuild_index(dst)
    return copied


def copy_database(source: Engine, target: Engine, batch_size: int = 1000) -> CopyReport:
    """Copy, then checksum both sides: the report says per table whether they agree."""
    if batch_size < 1:
        raise StoreError(f"copy: the batch size must be at least 1 (got {batch_size})")
    before = table_sums(source, batch_size)
    copy_tables(source, target, batch_size)
    after = table_sums(target, batch_size)
    return CopyReport(
        tuple(TableCopy(name, before[name], after[name]) for name in before),
    )


__all__ = [
    "CopyReport",
    "TableCopy",
    "TableSum",
    "copy_database",
    "copy_tables",
    "copy_tables_in_order",
    "table_sums",
]
