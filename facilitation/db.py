"""Engine and per-request database sessions."""

from __future__ import annotations

import sqlite3
import time

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# SQLite's own wait for a lock sleeps inside C, holding the one thread every greenlet shares:
# everything else (pages, joins, other boards) would stop with it. So its own wait is short,
# and a transaction's first write takes the write lock here instead, trying again between
# sleeps that let the others run, for at most WRITE_WAIT seconds.
BUSY_TIMEOUT_MS = 20
WRITE_WAIT = 10.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class DatabaseBusy(Exception):
    """Another process held SQLite's write lock for longer than WRITE_WAIT: try again later."""


def take_write_lock(dbapi_conn: sqlite3.Connection, wait: float = WRITE_WAIT) -> None:
    """BEGIN IMMEDIATE, trying again (and yielding) until the lock is free or wait is over."""
    deadline = time.monotonic() + wait
    pause = 0.005
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy() from None
        time.sleep(pause)  # gevent's sleep once monkey-patched: the other greenlets run meanwhile
        pause = min(pause * 2, 0.1)


def make_engine(url: str, write_wait: float = WRITE_WAIT, pool_size: int = 10, max_overflow: int = 20) -> Engine:
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
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # What is deleted is overwritten with zeros in the file, not only marked free.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(engine, "before_cursor_execute")
        def _write_lock(conn, _cursor, statement, _parameters, _context, _many):  # noqa: ANN001
            raw = conn.connection.driver_connection
            if not raw.in_transaction and statement.lstrip()[:7].upper().startswith(_WRITES):
                take_write_lock(raw, write_wait)

        return engine
    # hide_parameters: SQL errors must not quote note text into a log line.
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True)


def forget_deleted(engine: Engine) -> None:
    """After a deletion for good: on SQLite, copy the write-ahead log into the database (whose
    deleted pages secure_delete has zeroed) and empty it, so no deleted words stay in the
    -wal file. PostgreSQL keeps dead rows until VACUUM (docs/deploy.md says what it does)."""
    if engine.dialect.name != "sqlite":
        return
    for _ in range(40):  # a reader in the middle of a query holds the log a moment
        with engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
        if not busy:
            return
        time.sleep(0.05)


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app."""
    cfg = app.config
    engine = make_engine(cfg["DATABASE_URL"], write_wait=cfg.get("DB_WRITE_WAIT", WRITE_WAIT),
                         pool_size=cfg.get("DB_POOL_SIZE", 10), max_overflow=cfg.get("DB_MAX_OVERFLOW", 20))
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
