"""Columns a store written by an older version required and now may leave blank.

`scores.tier` was NOT NULL: every customer was tiered, one of unknown value `standard`.
A customer without a value (a purchase log without amounts, a blank value column) now
has no tier, so a store created before keeps its batches and takes NULL there too.
PostgreSQL drops the constraint in place; SQLite cannot alter a column, so its table is
rebuilt in one transaction (rows copied, indexes made anew).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

NOW_NULLABLE = {"scores": ("tier",)}


def allow_nulls(engine: Engine, metadata: sa.MetaData) -> None:
    """Drop the NOT NULL of each `NOW_NULLABLE` column a store still has it on. Another
    process (a server's other worker) doing it meanwhile is fine: the rebuild re-checks
    inside its transaction."""
    for name, columns in NOW_NULLABLE.items():
        if not _required(engine, name, columns):
            continue
        if engine.dialect.name == "sqlite":
            _rebuild_sqlite(engine, metadata.tables[name], columns)
            continue
        with engine.begin() as conn:
            for column in columns:
                conn.execute(sa.text(f"ALTER TABLE {name} ALTER COLUMN {column} DROP NOT NULL"))


def _required(engine: Engine | sa.Connection, table: str, columns: tuple[str, ...]) -> bool:
    found = {c["name"]: c["nullable"] for c in sa.inspect(engine).get_columns(table)}
    return any(found.get(column) is False for column in columns)


def _rebuild_sqlite(engine: Engine, table: sa.Table, columns: tuple[str, ...]) -> None:
    """The table under its old name, copied into one created from `table` (its current
    definition: the columns nullable, the indexes and constraints as declared)."""
    old = f"{table.name}_before_upgrade"
    names = ", ".join(column.name for column in table.columns)
    with engine.begin() as conn:
        if not _required(conn, table.name, columns):
            return
        conn.execute(sa.text(f"ALTER TABLE {table.name} RENAME TO {old}"))
        for index in table.indexes:
            conn.execute(sa.text(f"DROP INDEX IF EXISTS {index.name}"))
        table.create(conn)
        conn.execute(sa.text(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {old}"))
        conn.execute(sa.text(f"DROP TABLE {old}"))
