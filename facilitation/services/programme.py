"""The programme of an event: its days, and on each the times of the meeting (a round of
presentations, workshops in parallel, a plenary, a break, free text); what is on now and next.

Times are local to the event's time zone; "now" and "next" are worked out from the server's
clock in that zone (so across midnight and a change of daylight-saving time too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Event, ProgrammeItem
from . import DomainError, assign, owned

KINDS = ("round", "workshops", "plenary", "break", "text")
_FIELDS = ("day", "starts_at", "ends_at", "kind", "title", "text", "room", "position")


def days_of(event: Event) -> list[dt.date]:
    """The event's days, first to last (none when it has no dates)."""
    if event.starts_on is None:
        return []
    last = event.ends_on or event.starts_on
    return [event.starts_on + dt.timedelta(days=i) for i in range((last - event.starts_on).days + 1)]


def check_day(event: Event, day: dt.date | None, field: str = "day") -> None:
    """Refuse a day outside the event's dates (when it has dates)."""
    if day is None or event.starts_on is None:
        return
    if not event.starts_on <= day <= (event.ends_on or event.starts_on):
        raise DomainError(p.OUTSIDE_EVENT, field=field)


def _check(event: Event, item: ProgrammeItem) -> None:
    check_day(event, item.day)
    if item.kind not in KINDS:
        raise DomainError(p.BAD_REQUEST, field="kind")
    if item.starts_at == item.ends_at:
        raise DomainError(p.BAD_REQUEST, field="ends_at")


def add_item(session: Session, event: Event, **fields: object) -> ProgrammeItem:
    """Add a time to the programme."""
    item = ProgrammeItem(event_id=event.id, title="", text="", room="", position=0)
    assign(item, fields, _FIELDS)
    _check(event, item)
    session.add(item)
    session.flush()
    return item


def get_item(session: Session, event: Event, item_id: int) -> ProgrammeItem:
    """One of the event's programme items, or not_found."""
    return owned(session.get(ProgrammeItem, item_id), event.id)


def update_item(session: Session, event: Event, item: ProgrammeItem, **fields: object) -> ProgrammeItem:
    """Change a time of the programme; its workshops follow its day."""
    assign(item, fields, _FIELDS)
    _check(event, item)
    for workshop in item.workshops:
        workshop.day = item.day
    session.flush()
    return item


def delete_item(session: Session, item: ProgrammeItem) -> None:
    """Remove a time of the programme (its workshops stay, out of any slot)."""
    session.delete(item)
    session.flush()


def zone(event: Event) -> ZoneInfo:
    """The event's time zone (Paris if it names none that exists)."""
    try:
        return ZoneInfo(event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Moment:
    """A programme item placed in time."""

    item: ProgrammeItem
    starts: dt.datetime
    ends: dt.datetime


def moments(event: Event) -> list[Moment]:
    """Every item of the programme in time order, as instants (an end before the start is the next day)."""
    tz = zone(event)
    placed = []
    for item in event.programme:
        starts = dt.datetime.combine(item.day, item.starts_at, tzinfo=tz)
        end_day = item.day + dt.timedelta(days=1) if item.ends_at <= item.starts_at else item.day
        ends = dt.datetime.combine(end_day, item.ends_at, tzinfo=tz)
        placed.append(Moment(item, starts, ends))
    return sorted(placed, key=lambda m: (m.starts.astimezone(dt.UTC), m.item.position, m.item.id))


def now_next(event: Event, now: dt.datetime) -> tuple[list[ProgrammeItem], ProgrammeItem | None]:
    """What is on now (several items may overlap) and what comes next, at this instant."""
    now = now.astimezone(dt.UTC)
    placed = moments(event)
    current = [m.item for m in placed if m.starts.astimezone(dt.UTC) <= now < m.ends.astimezone(dt.UTC)]
    coming = [m.item for m in placed if m.starts.astimezone(dt.UTC) > now]
    return current, (coming[0] if coming else None)
