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


# A text field: (maximum length, required).
TextSpec = dict[str, tuple[int, bool]]


def apply_fields(row: object, fields: dict[str, object], texts: TextSpec, dates: tuple[str, ...] = ()) -> None:
    """Check and set the given text and date fields on row; fields not named are left alone."""
    for name, (limit, required) in texts.items():
        if name in fields:
            setattr(row, name, text_field(fields[name], limit, required=required, name=name))
    for name in dates:
        if name in fields:
            setattr(row, name, date_field(fields[name], name=name))
