"""Checks of the plain fields a facilitator types (titles, places, dates)."""

from __future__ import annotations

import datetime as dt

from .. import protocol as p
from . import DomainError


def text_field(value: object, limit: int, *, required: bool = False, name: str = "text") -> str:
    """A trimmed string of at most limit characters (bad_request, empty, too_long)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(p.BAD_REQUEST, field=name)
    value = value.strip()
    if required and not value:
        raise DomainError(p.EMPTY, field=name)
    if len(value) > limit:
        raise DomainError(p.TOO_LONG, field=name)
    return value


def date_field(value: object, *, name: str = "date") -> dt.date | None:
    """An ISO date, or None for empty (bad_request otherwise)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise DomainError(p.BAD_REQUEST, field=name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(p.BAD_REQUEST, field=name) from exc
