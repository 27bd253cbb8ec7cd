"""A countdown on the server's clock, kept in three columns of whatever holds it (a board's
timer, the tour de table's speaking timer): `<prefix>ends_at` while running, `<prefix>left_ms`
while paused, `<prefix>total_ms` for the bar. Every screen draws it from the server's clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import clock
from .. import protocol as p
from ..payloads import TIMER_MAX_SECONDS
from . import DomainError
from .phases import aware


def run(holder: Any, prefix: str, action: str, seconds: int | None = None) -> None:
    """Start, pause, resume, extend or stop the countdown held in holder's `prefix*` columns."""
    get = lambda name: getattr(holder, prefix + name)  # noqa: E731 - three short accessors read best
    put = lambda name, value: setattr(holder, prefix + name, value)  # noqa: E731
    now = clock.now()
    running, paused = get("ends_at") is not None, get("left_ms") is not None
    if action in ("start", "extend") and seconds is None:
        raise DomainError(p.BAD_REQUEST, field="seconds")
    if action == "start":
        put("ends_at", now + dt.timedelta(seconds=seconds))
        put("left_ms", None)
        put("total_ms", seconds * 1000)
    elif action == "stop":
        put("ends_at", None)
        put("left_ms", None)
        put("total_ms", None)
    elif not (running or paused):
        raise DomainError(p.NO_TIMER)
    elif action == "pause":
        if running:
            left = (aware(get("ends_at")) - now) / dt.timedelta(milliseconds=1)
            put("left_ms", max(0, int(left)))
            put("ends_at", None)
    elif action == "resume":
        if paused:
            put("ends_at", now + dt.timedelta(milliseconds=get("left_ms")))
            put("left_ms", None)
    elif action == "extend":
        if (get("total_ms") or 0) + seconds * 1000 > TIMER_MAX_SECONDS * 1000:
            raise DomainError(p.TOO_LONG, field="seconds")
        put("total_ms", (get("total_ms") or 0) + seconds * 1000)
        if paused:
            put("left_ms", get("left_ms") + seconds * 1000)
        else:
            # An ended timer restarts from now; a running one gets the time added.
            put("ends_at", max(aware(get("ends_at")), now) + dt.timedelta(seconds=seconds))


def form(holder: Any, prefix: str) -> dict[str, Any] | None:
    """The countdown as screens get it: ends_at (ms, server clock; null when paused), left, total."""
    if getattr(holder, prefix + "total_ms") is None:
        return None
    ends_at = getattr(holder, prefix + "ends_at")
    return {"ends_at": int(aware(ends_at).timestamp() * 1000) if ends_at else None,
            "left": getattr(holder, prefix + "left_ms"), "total": getattr(holder, prefix + "total_ms")}
