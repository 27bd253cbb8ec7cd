"""Databases made before migrations existed (the first two releases), brought to the baseline.

Such a database has Relais's tables but no alembic_version. What it lacks is found by
inspection, against the baseline's own table definitions (revision 0001, never the live
models, which will move on):
- release 1: no groups, votes, ballots, dots or actions tables; boards without the
  facilitation columns; notes without group_id;
- release 2 on a database that release 1 created: those columns were added nullable,
  notes.group_id without ON DELETE SET NULL and without its index.
Missing tables and indexes are created; on PostgreSQL, columns are added, made NOT NULL
and foreign keys re-made in place; SQLite cannot alter a column or a constraint, so a
table that differs is rebuilt (new table, copy, drop, rename) with foreign keys off, so
that dropping the old table cannot cascade.
"""

from __future__ import annotations

import importlib
import io
import logging
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

log = logging.getLogger("relais.db")

baseline = importlib.import_module("facilitation.migrations.versions.0001_baseline")


def baseline_tables(dialect: str) -> dict[str, sa.Table]:
    """The baseline's table definitions, made without touching any database."""
    context = MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True, "output_buffer": io.StringIO()})
    with Operations.context(context):
        return {table.name: table for table in baseline.create_tables()}


def _foreign_keys(items: list[dict[str, Any]]) -> set[tuple]:
    return {(tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]),
             ((fk.get("options") or {}).get("ondelete") or "").upper()) for fk in items}


def _wanted_key(fk: sa.ForeignKeyConstraint) -> tuple:
    return (tuple(c.name for c in fk.columns), fk.referred_table.name, tuple(e.column.name for e in fk.elements),
            (fk.ondelete or "").upper())


def _wanted_foreign_keys(table: sa.Table) -> set[tuple]:
    return {_wanted_key(fk) for fk in table.foreign_key_constraints}


def _differences(conn: Connection, table: sa.Table) -> tuple[list[sa.Column], list[str], bool]:
    """Missing columns, columns that should be NOT NULL, and whether the foreign keys differ."""
    inspector = sa.inspect(conn)
    have = {c["name"]: c for c in inspector.get_columns(table.name)}
    missing = [c for c in table.columns if c.name not in have]
    not_null = [c.name for c in table.columns if c.name in have and not c.nullable and have[c.name]["nullable"]]
    keys_differ = _foreign_keys(inspector.get_foreign_keys(table.name)) != _wanted_foreign_keys(table)
    return missing, not_null, keys_differ


def _detached(column: sa.Column) -> sa.Column:
    """The same column, free of its table, to be added to an existing one."""
    keys = [sa.ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in column.foreign_keys]
    return sa.Column(column.name, column.type, *keys, nullable=column.nullable, server_default=column.server_default)


def _fill(conn: Connection, table: sa.Table, names: list[str]) -> None:
    """Give rows NULL in a column about to become NOT NULL its default."""
    for name in names:
        default = table.c[name].server_default
        if default is not None:
            value = default.arg if isinstance(default.arg, str) else default.arg.compile(dialect=conn.dialect)
            literal = f"'{value}'" if isinstance(default.arg, str) else str(value)
            conn.execute(sa.text(f'UPDATE "{table.name}" SET "{name}" = {literal} WHERE "{name}" IS NULL'))


def _rebuild_sqlite(conn: Connection, table: sa.Table, tables: dict[str, sa.Table]) -> None:
    """Rebuild one table to its baseline definition, keeping every row."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    metadata = sa.MetaData()
    for other in tables.values():  # so that the new table's foreign keys find their targets
        other.to_metadata(metadata)
    temporary = table.to_metadata(metadata, name=f"_new_{table.name}")
    for fk in temporary.foreign_key_constraints:
        fk.name = None
    temporary.create(conn)
    shared = ", ".join(f'"{c.name}"' for c in table.columns if c.name in have)
    conn.execute(sa.text(f'INSERT INTO "{temporary.name}" ({shared}) SELECT {shared} FROM "{table.name}"'))
    conn.execute(sa.text(f'DROP TABLE "{table.name}"'))
    conn.execute(sa.text(f'ALTER TABLE "{temporary.name}" RENAME TO "{table.name}"'))


def bring_to_baseline(conn: Connection) -> list[str]:
    """Bring a database of an earlier release to revision 0001; return what was changed.

    On SQLite the caller must have turned foreign keys off before the transaction began.
    """
    dialect = conn.dialect.name
    tables = baseline_tables(dialect)
    done: list[str] = []
    existing = set(sa.inspect(conn).get_table_names())
    with Operations.context(MigrationContext.configure(conn)) as ops:
        baseline.create_tables()
        done += [f"created {name}" for name in tables if name not in existing]
        for table in tables.values():
            if table.name not in existing:
                continue
            missing, not_null, keys_differ = _differences(conn, table)
            if not (missing or not_null or keys_differ):
                continue
            if dialect == "sqlite":
                _fill(conn, table, not_null)
                _rebuild_sqlite(conn, table, tables)
                done.append(f"rebuilt {table.name}")
                continue
            for column in missing:
                ops.add_column(table.name, _detached(column))
                done.append(f"added {table.name}.{column.name}")
            _fill(conn, table, not_null)
            for name in not_null:
                ops.alter_column(table.name, name, nullable=False)
                done.append(f"made {table.name}.{name} NOT NULL")
            if _differences(conn, table)[2]:
                _remake_foreign_keys(ops, conn, table)
                done.append(f"remade the foreign keys of {table.name}")
        baseline.create_indexes()
    if dialect == "sqlite":
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"foreign keys broken after the upgrade: {len(broken)} rows")
    log.info("database of an earlier release brought to the baseline: %s", "; ".join(done) or "nothing to do")
    return done


def _remake_foreign_keys(ops: Operations, conn: Connection, table: sa.Table) -> None:
    """PostgreSQL: drop the foreign keys that differ from the baseline and make them again."""
    wanted = _wanted_foreign_keys(table)
    kept = set()
    for fk in sa.inspect(conn).get_foreign_keys(table.name):
        key = next(iter(_foreign_keys([fk])))
        if key in wanted:
            kept.add(key)
        else:
            ops.drop_constraint(fk["name"], table.name, type_="foreignkey")
    for columns, referred, referred_columns, ondelete in wanted - kept:
        # The name PostgreSQL gives a key made with the table, so the schema matches a fresh one.
        ops.create_foreign_key(f"{table.name}_{columns[0]}_fkey", table.name, referred, list(columns),
                               list(referred_columns), ondelete=ondelete or None)
