"""The database schema, brought to the latest revision once, whoever starts first.

`prepare(engine)` runs at start-up (and as `flask --app wsgi db upgrade`):
- an empty database gets the current schema (create_all) and is stamped at the head;
- a database made by an earlier release, before migrations (no alembic_version), is
  brought to the baseline by inspection (migrations/legacy.py), stamped, then upgraded;
- any other database is upgraded to the head (nothing to do when it is there).
All of it happens in one transaction under a lock: PostgreSQL's advisory lock, or a file
lock beside the SQLite file. Workers that start together wait for the first one, then
find nothing to do.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import Connection, Engine

from .db import take_write_lock
from .models import Base

log = logging.getLogger("relais.db")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
# Any fixed number: the key of the advisory lock that Relais workers share.
_PG_LOCK = 7_301_920_512


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, pointed at our migrations and (when given) an open connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision a database is at (None: not under migrations yet)."""
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_lock(engine: Engine):  # noqa: ANN202 - a context manager
    database = engine.url.database
    if not database or database == ":memory:":
        return nullcontext()
    return _file_lock(Path(database).with_name(Path(database).name + ".migrate-lock"))


def prepare(engine: Engine) -> str:
    """Bring the database to the head revision; return what was done, in a few words."""
    sqlite = engine.dialect.name == "sqlite"
    with _sqlite_lock(engine) if sqlite else nullcontext(), engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:
            # Rebuilding a table drops it: with foreign keys on, that would cascade. The
            # pragma only takes effect outside a transaction, so it is set before BEGIN, and
            # the driver is told to leave transactions to us, so that DDL is inside one too.
            raw.isolation_level = None
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if sqlite:
                    take_write_lock(raw, wait=120)  # a running worker may be writing: wait our turn
                else:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                done = _migrate(conn)
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
                raw.isolation_level = ""
    if done != "up to date":
        log.info("database schema: %s", done)
    return done


def _migrate(conn: Connection) -> str:
    tables = set(sa.inspect(conn).get_table_names())
    ours = {t.name for t in Base.metadata.sorted_tables}
    if "alembic_version" not in tables:
        if not tables & ours:
            Base.metadata.create_all(conn)
            command.stamp(config(conn), "head")
            return "created"
        from .migrations.legacy import bring_to_baseline

        bring_to_baseline(conn)
        command.stamp(config(conn), BASELINE)
        command.upgrade(config(conn), "head")
        return "brought from an earlier release to " + head()
    before = current(conn)
    if before == head():
        return "up to date"
    command.upgrade(config(conn), "head")
    return f"upgraded from {before} to {head()}"


def init_app(app: Flask) -> None:
    """Add `flask --app wsgi db upgrade` and `db current`; bring the schema up to date now
    unless told not to (MIGRATE_ON_START=0)."""
    if app.config.get("MIGRATE_ON_START", True):
        prepare(app.extensions["relais.engine"])

    @app.cli.group("db")
    def db_group() -> None:
        """The database schema."""

    @db_group.command("upgrade")
    def upgrade_command() -> None:
        """Bring the database to the latest schema (safe to run while workers start)."""
        click.echo(prepare(app.extensions["relais.engine"]))

    @db_group.command("current")
    def current_command() -> None:
        """Print the database's revision and the newest one."""
        with app.extensions["relais.engine"].connect() as conn:
            click.echo(f"{current(conn)} (newest: {head()})")
