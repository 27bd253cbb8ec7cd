"""Engine and per-request database sessions."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 15, "check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            # The driver begins a transaction just before the first write, so a command that
            # reads then writes never holds a read snapshot that SQLite could refuse to upgrade
            # once another writer has committed. Migrations begin their own (migrate.py).
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # hide_parameters: SQL errors must not quote note text into a log line.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app; bring the schema up to date unless told not to."""
    from . import migrate

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["relais.engine"] = engine
    app.extensions["relais.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    migrate.init_app(app)
    if app.config.get("MIGRATE_ON_START", True):
        migrate.prepare(engine)


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
