"""What the process knows of its own health, for /healthz (liveness) and /readyz (readiness)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text


def _database(app: Flask) -> str:
    try:
        with app.extensions["relais.engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means: not reachable now
        return "unreachable"
    return "ok"


def _redis(app: Flask) -> str | None:
    url = app.config["REDIS_URL"]
    if not url:
        return None
    from .extensions import socketio

    manager = socketio.server.manager
    return "ok" if getattr(manager, "reachable", True) else "unreachable"


def report(app: Flask) -> dict[str, Any]:
    """The database, Redis (when used) and the Markdown files, as seen from this worker."""
    behind = app.extensions["relais.mirror"].behind()
    files = {"behind": len(behind), "causes": sorted(set(behind.values()))}
    found: dict[str, Any] = {"database": _database(app), "files": files}
    redis = _redis(app)
    if redis is not None:
        found["redis"] = redis
    return found


def is_ready(found: dict[str, Any]) -> bool:
    """Whether this worker should be sent traffic."""
    return found["database"] == "ok" and found.get("redis", "ok") == "ok" and not found["files"]["behind"]
