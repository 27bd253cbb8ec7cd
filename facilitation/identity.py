"""Who is asking, read from the signed session cookie (never from a payload)."""

from __future__ import annotations

import hmac

from flask import session
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Event, Participant
from .services import Actor
from .services import events as event_service


def participant_id(event_id: int) -> str | None:
    """The participant id this browser holds for an event, if any."""
    return (session.get("p") or {}).get(str(event_id))


def ensure_participant(db: Session, event: Event) -> Participant:
    """Give this browser a participant of the event (its id stored in the cookie)."""
    participant = event_service.ensure_participant(db, event, participant_id(event.id))
    ids = dict(session.get("p") or {})
    if ids.get(str(event.id)) != participant.id:
        ids[str(event.id)] = participant.id
        session["p"] = ids
        session.permanent = True
    return participant


def is_facilitator(event: Event) -> bool:
    """True when this browser opened the event's current facilitator link."""
    held = (session.get("f") or {}).get(str(event.id))
    # The hash is kept in the cookie so that a new link revokes every old session.
    return bool(held) and hmac.compare_digest(held, event.facilitator_token_hash)


def grant_facilitator(event: Event) -> None:
    """Remember in the cookie that this browser is the event's facilitator."""
    rights = dict(session.get("f") or {})
    rights[str(event.id)] = event.facilitator_token_hash
    session["f"] = rights
    session.permanent = True


def actor_for(event: Event) -> Actor | None:
    """The actor for this event, or None when the browser never joined it."""
    pid = participant_id(event.id)
    if pid is None:
        return None
    facilitator = is_facilitator(event)
    return Actor(event_id=event.id, participant_id=pid, facilitator=facilitator,
                 credential=event.facilitator_token_hash if facilitator else None)


def facilitated_events(db: Session) -> list[Event]:
    """The events this browser may still facilitate (their current link was opened here)."""
    rights = session.get("f") or {}
    ids = [int(k) for k in rights if k.isdigit()]
    if not ids:
        return []
    events = db.scalars(select(Event).where(Event.id.in_(ids)).order_by(Event.created_at.desc())).all()
    return [e for e in events if is_facilitator(e)]
