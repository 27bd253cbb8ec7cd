"""How long an event is kept: a number of days after its last day (the server's
RETENTION_DAYS, which its owner may shorten, never lengthen), then it is deleted for good."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Event
from . import DomainError


def last_day(event: Event) -> dt.date:
    """The day its retention counts from: its last day (its end, else its start, else the day
    it was made), but not before retention_from (events older than retention: the upgrade)."""
    created = event.created_at if event.created_at.tzinfo else event.created_at.replace(tzinfo=dt.UTC)
    day = event.ends_on or event.starts_on or created.date()
    return max(day, event.retention_from) if event.retention_from else day


def days_of(event: Event, server_days: int) -> int:
    """Its retention, in days after its last day."""
    return min(event.retention_days or server_days, server_days)


def erased_on(event: Event, server_days: int) -> dt.date:
    """The day it will be deleted for good."""
    return last_day(event) + dt.timedelta(days=days_of(event, server_days))


def set_days(event: Event, days: int | None, server_days: int) -> None:
    """Shorten its retention (None: the server's); longer than the server's is refused."""
    if days is not None and days > server_days:
        raise DomainError(p.TOO_LONG, field="retention_days")
    event.retention_days = days


def expired(session: Session, today: dt.date, server_days: int) -> list[int]:
    """The ids of the events to delete on this day: their erasing day has come."""
    return [e.id for e in session.scalars(select(Event).order_by(Event.id)) if erased_on(e, server_days) <= today]


def claim(session: Session, event_id: int) -> Event | None:
    """An event to delete, locked for this transaction (a write to its row: PostgreSQL's row
    lock, SQLite's write lock), so that a worker purging at the same time waits, then finds it
    gone; None when it is gone."""
    touched = session.execute(update(Event).where(Event.id == event_id).values(seq=Event.seq)
                              .execution_options(synchronize_session=False)).rowcount
    return session.get(Event, event_id) if touched else None
