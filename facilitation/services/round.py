"""The tour de table (day 1): each organisation's card on the screen in turn, with a speaking
timer, and the questions and notes phones post to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import CardNote, Event, Organisation
from . import Actor, DomainError, timers
from .changes import EventChange, record_event
from .phases import require_facilitator
from .presenters import card_note_form, round_form

STEPS = ("next", "previous", "first", "end")


def cards(session: Session, event: Event) -> list[Organisation]:
    """The organisations in the order of the round."""
    return list(session.scalars(select(Organisation).where(Organisation.event_id == event.id)
                                .order_by(Organisation.position, Organisation.name, Organisation.id)))


def refreshed(session: Session, event: Event) -> EventChange:
    """The round again, whole (a card was added, edited or removed)."""
    return _changed(session, event)


def _changed(session: Session, event: Event) -> EventChange:
    session.flush()
    return record_event(session, event, p.ROUND_STATE, {"round": round_form(session, event)})


def go(session: Session, event: Event, actor: Actor, *, to: int | None = None, step: str | None = None) -> EventChange:
    """Put a card on the screen: a given one (0 ends the round), or the next, previous or first.
    Its speaking timer starts stopped."""
    require_facilitator(actor)
    order = [org.id for org in cards(session, event)]
    if to is not None:
        if to and to not in order:
            raise DomainError(p.NOT_FOUND, field="to")
        target = to or None
    elif step == "end" or not order:
        target = None
    elif step == "first" or event.round_organisation_id not in order:
        target = order[0]
    else:
        here = order.index(event.round_organisation_id)
        target = order[min(len(order) - 1, here + 1)] if step == "next" else order[max(0, here - 1)]
    if target != event.round_organisation_id:
        timers.run(event, "round_timer_", "stop")
    event.round_organisation_id = target
    return _changed(session, event)


def set_timer(session: Session, event: Event, actor: Actor, *, action: str, seconds: int | None = None) -> EventChange:
    """Start, pause, resume, extend or stop the speaking timer of the card on the screen."""
    require_facilitator(actor)
    timers.run(event, "round_timer_", action, seconds)
    return _changed(session, event)


def add_note(session: Session, event: Event, actor: Actor, *, organisation_id: int, kind: str,
             text: str) -> EventChange:
    """A phone posts a question or a note to a card (kept with it, and in the bilan)."""
    org = session.get(Organisation, organisation_id)
    if org is None or org.event_id != event.id:
        raise DomainError(p.NOT_FOUND, field="organisation")
    note = CardNote(event_id=event.id, organisation_id=org.id, author_id=actor.participant_id, kind=kind, text=text,
                    for_bilan=True)
    session.add(note)
    session.flush()
    return record_event(session, event, p.CARD_NOTED, {"note": card_note_form(note)})
