"""Engine and per-request database sessions."""

from __future__ import annotations

import logging

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from .models import Base


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 15, "check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # hide_parameters: SQL errors must not quote note text into a log line.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)


def upgrade_schema(engine: Engine) -> list[str]:
    """Create missing tables, and add the columns a newer Relais brought to older tables.

    Only additions: every column added after the first release is nullable or has a
    server default, so ALTER TABLE ... ADD COLUMN fills the existing rows. Returns the
    columns added, as "table.column".
    """
    Base.metadata.create_all(engine)
    added: list[str] = []
    existing = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                ddl = f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type.compile(engine.dialect)}"
                if column.server_default is not None:
                    default = column.server_default.arg
                    # Our defaults are plain words ('collect') or SQL constants (false()).
                    value = f"'{default}'" if isinstance(default, str) else default.compile(dialect=engine.dialect)
                    ddl += f" DEFAULT {value}"
                for fk in column.foreign_keys:
                    ddl += f" REFERENCES {fk.column.table.name}({fk.column.name})"
                conn.execute(text(ddl))
                added.append(f"{table.name}.{column.name}")
    if added:
        logging.getLogger("relais.db").info("database upgraded: added %s", ", ".join(added))
    return added


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app, create or upgrade the schema."""
    engine = make_engine(app.config["DATABASE_URL"])
    upgrade_schema(engine)
    app.extensions["relais.engine"] = engine
    app.extensions["relais.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """Return this request's (or socket event's) session, opened lazily."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["relais.sessionmaker"]()
    return g.db


def _close_session(_exc: BaseException | None) -> None:
    """Close the session at the end of the app context."""
    db = g.pop("db", None)
    if db is not None:
        db.close()
