"""Events, their join codes, facilitator tokens, organisations and participants."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Event, Operation, Organisation, Participant
from . import DomainError, assign, owned
from .programme import check_day

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: a code read aloud or off a screen is typed right.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6


def new_code() -> str:
    """Return a random join code from the unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Upper-case a typed code and drop spaces and dashes."""
    return "".join(ch for ch in raw.upper() if ch not in " -_.")


def hash_token(token: str) -> str:
    """Hash a facilitator token for storage (tokens are random, so sha256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


_EVENT_FIELDS = ("title", "place", "starts_on", "ends_on", "description", "timezone", "language", "next_meeting",
                 "bilan_pseudonyms")


def _apply_event_fields(event: Event, fields: dict[str, object]) -> None:
    assign(event, fields, _EVENT_FIELDS, clearable=("starts_on", "ends_on"))
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        raise DomainError(p.BAD_REQUEST, field="ends_on")
    if event.ends_on and not event.starts_on:
        raise DomainError(p.BAD_REQUEST, field="starts_on")
    # New dates may not leave a time of the programme or a workshop outside them.
    field = "starts_on" if "starts_on" in fields else "ends_on"
    for day in [item.day for item in event.programme] + [w.day for w in event.workshops]:
        check_day(event, day, field=field)


def create_event(session: Session, *, title: str, **fields: object) -> tuple[Event, str]:
    """Create an event; return it with its facilitator token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(24)
    event = Event(facilitator_token_hash=hash_token(token), title=title, place="", description="")
    _apply_event_fields(event, fields)
    for _ in range(20):
        event.code = new_code()
        if session.scalar(select(Event.id).where(Event.code == event.code)) is None:
            break
    session.add(event)
    session.flush()
    return event, token


def update_event(session: Session, event: Event, **fields: object) -> Event:
    """Change an event's title, place, dates or description."""
    _apply_event_fields(event, fields)
    session.flush()
    return event


def find_event(session: Session, code: str) -> Event:
    """Return the event with this join code, or raise not_found."""
    event = session.scalar(select(Event).where(Event.code == normalise_code(code)))
    if event is None:
        raise DomainError(p.NOT_FOUND)
    return event


def event_for_token(session: Session, token: str) -> Event | None:
    """Return the event whose facilitator token this is, or None."""
    digest = hash_token(token)
    event = session.scalar(select(Event).where(Event.facilitator_token_hash == digest))
    if event is not None and hmac.compare_digest(event.facilitator_token_hash, digest):
        return event
    return None


def rotate_token(session: Session, event: Event) -> str:
    """Give the event a new facilitator token; the old link stops working."""
    token = secrets.token_urlsafe(24)
    event.facilitator_token_hash = hash_token(token)
    session.flush()
    return token


# ---- organisations ------------------------------------------------------------
_CARD_FIELDS = ("city", "country", "website", "description", "on_subject", "contact")
_ORGANISATION_FIELDS = ("name", *_CARD_FIELDS, "card_ready", "position", "is_host")


def _check_unique_name(session: Session, event_id: int, name: str, own_id: int | None) -> None:
    # "cabiria" and "Cabiria" (and "Élan" and "élan") are the same association. Compared in
    # Python: SQLite's lower() folds ASCII only, and a clash it missed would hit the unique key.
    names = session.execute(
        select(Organisation.name).where(Organisation.event_id == event_id, Organisation.id != (own_id or 0))
    ).scalars()
    if any(other.casefold() == name.casefold() for other in names):
        raise DomainError(p.DUPLICATE)


def add_organisation(session: Session, event: Event, **fields: object) -> Organisation:
    """Add an association to the event's list."""
    org = Organisation(event_id=event.id, city="", country="")
    assign(org, fields, _ORGANISATION_FIELDS)
    _check_unique_name(session, event.id, org.name, None)
    session.add(org)
    session.flush()
    return org


def get_organisation(session: Session, event: Event, org_id: int) -> Organisation:
    """Return one of the event's organisations, or raise not_found."""
    return owned(session.get(Organisation, org_id), event.id)


def update_organisation(session: Session, org: Organisation, **fields: object) -> Organisation:
    """Rename or relocate an organisation."""
    with session.no_autoflush:
        assign(org, fields, _ORGANISATION_FIELDS)
        _check_unique_name(session, org.event_id, org.name, org.id)
    session.flush()
    return org


def update_card(session: Session, org: Organisation, participant: Participant, **fields: object) -> Organisation:
    """A member of the organisation (their phone says they are) fills in or edits its card."""
    if participant.organisation_id != org.id:
        raise DomainError(p.FORBIDDEN)
    assign(org, fields, _CARD_FIELDS)
    session.flush()
    return org


def delete_event(session: Session, event: Event) -> None:
    """Delete an event and everything of it: its organisations, programme, workshops and boards
    (notes, groups, votes, dots, actions, the change log), participants, card notes, links, and
    the answers kept for replayed commands (they may hold a note's words)."""
    people = select(Participant.id).where(Participant.event_id == event.id)
    # Answers stored before they were tied to their board or event: by their participant.
    session.execute(delete(Operation).where(Operation.actor.in_(people)))
    session.execute(delete(Operation).where(Operation.event_id == event.id))
    session.delete(event)
    session.flush()


def delete_organisation(session: Session, org: Organisation) -> None:
    """Remove an organisation; notes keep their text and lose the link."""
    session.delete(org)
    session.flush()


# ---- participants -------------------------------------------------------------
def new_participant_id() -> str:
    """A random participant id: the only thing that identifies a phone."""
    return secrets.token_urlsafe(16)


def ensure_participant(session: Session, event: Event, participant_id: str | None) -> Participant:
    """Return the participant with this id in this event, creating one if needed."""
    if participant_id:
        found = session.get(Participant, participant_id)
        if found is not None and found.event_id == event.id:
            return found
    participant = Participant(id=new_participant_id(), event_id=event.id, pseudonym="")
    session.add(participant)
    session.flush()
    return participant


def set_profile(
    session: Session, participant: Participant, *, pseudonym: str, organisation_id: int | None
) -> Participant:
    """Set the optional pseudonym and organisation shown on a participant's next notes."""
    participant.pseudonym = pseudonym
    if organisation_id is None:
        participant.organisation_id = None
    else:
        org = session.get(Organisation, organisation_id)
        if org is None or org.event_id != participant.event_id:
            raise DomainError(p.NOT_FOUND, field="organisation")
        participant.organisation_id = org.id
    session.flush()
    return participant
