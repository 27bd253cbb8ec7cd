"""Who is asking, read from the signed session cookie (never from a payload)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from flask import session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Board, Event, FacilitatorLink, Participant
from .services import Actor
from .services import events as event_service
from .services.access import link_covering, live_links


class CookieOncePerSocket(SecureCookieSessionInterface):
    """The signed cookie, read once per socket rather than once per event.

    Flask opens the session (its signature checked, its JSON read) whenever a request context
    is pushed, and Flask-SocketIO pushes one for every event of a socket, then replaces that
    session at once with its own copy, made from the cookie at the socket's first event and
    kept in the socket's environ (`saved_session`). So after the first event the cookie was
    read for nothing: about 90 µs of every join, note and dot (in-process, this machine's
    profile). Pages and the API read it as before."""

    def open_session(self, app: Any, request: Any) -> Any:
        if "saved_session" in request.environ:  # a socket's later event: its copy is used
            return self.session_class()
        return super().open_session(app, request)


@dataclass(frozen=True)
class Held:
    """What this browser's cookie holds, read once: a command counted away from its own
    request (a burst of dots, bursts.py) still knows who sent it."""

    participants: dict[str, str]  # event id -> participant id
    owners: dict[str, str]  # event id -> the owner link's hash
    links: dict[str, list[str]]  # event id -> the workshop links' hashes


def held() -> Held:
    """The cookie of the request (or socket) being served."""
    return Held(dict(session.get("p") or {}), dict(session.get("f") or {}),
                {k: list(v) for k, v in (session.get("w") or {}).items()})


def participant_id(event_id: int) -> str | None:
    """The participant id this browser holds for an event, if any."""
    return held().participants.get(str(event_id))


def ensure_participant(db: Session, event: Event) -> Participant:
    """Give this browser a participant of the event (its id stored in the cookie)."""
    participant = event_service.ensure_participant(db, event, participant_id(event.id))
    ids = dict(session.get("p") or {})
    if ids.get(str(event.id)) != participant.id:
        ids[str(event.id)] = participant.id
        session["p"] = ids
        session.permanent = True
    return participant


def is_facilitator(event: Event, cookie: Held | None = None) -> bool:
    """True when this browser opened the event's current owner link (it runs everything)."""
    owner = (cookie or held()).owners.get(str(event.id))
    # The hash is kept in the cookie so that a new link revokes every old session.
    return bool(owner) and hmac.compare_digest(owner, event.facilitator_token_hash)


def grant_facilitator(event: Event) -> None:
    """Remember in the cookie that this browser is the event's owner."""
    rights = dict(session.get("f") or {})
    rights[str(event.id)] = event.facilitator_token_hash
    session["f"] = rights
    session.permanent = True


def held_links(event_id: int, cookie: Held | None = None) -> list[str]:
    """The hashes of the workshop links this browser opened for an event."""
    return list((cookie or held()).links.get(str(event_id)) or [])


def grant_link(link: FacilitatorLink) -> None:
    """Remember in the cookie that this browser opened a workshop facilitator link."""
    rights = {k: list(v) for k, v in (session.get("w") or {}).items()}
    mine = rights.setdefault(str(link.event_id), [])
    if link.token_hash not in mine:
        mine.append(link.token_hash)
    session["w"] = rights
    session.permanent = True


def board_credential(db: Session, event: Event, board: Board, cookie: Held | None = None) -> str | None:
    """The credential with which this browser runs this board: the owner's, else a workshop
    link that covers it and still exists; None when it may not."""
    cookie = cookie or held()
    if is_facilitator(event, cookie):
        return event.facilitator_token_hash
    return link_covering(db, held_links(event.id, cookie), board)


def runs_board(db: Session, event: Event, board: Board) -> bool:
    """Whether this browser may run this board (the owner, or its workshop's facilitator)."""
    return board_credential(db, event, board) is not None


def workshop_links(db: Session, event: Event) -> list[FacilitatorLink]:
    """The workshop links this browser holds for this event and that still exist."""
    return live_links(db, event, held_links(event.id))


def actor_for(event: Event, board: Board | None = None, cookie: Held | None = None) -> Actor | None:
    """The actor for this event (and, for a board's command, that board), or None when the
    browser never joined it. `facilitator` means: may run this board (the owner or one of its
    workshop's facilitators), or, without a board, the whole event (the owner only). The
    cookie is the request's own unless given."""
    cookie = cookie or held()
    pid = cookie.participants.get(str(event.id))
    if pid is None:
        return None
    if board is None:
        credential = event.facilitator_token_hash if is_facilitator(event, cookie) else None
    else:
        from .db import get_session

        credential = board_credential(get_session(), event, board, cookie)
    return Actor(event_id=event.id, participant_id=pid, facilitator=credential is not None, credential=credential)


def facilitated_events(db: Session) -> list[Event]:
    """The events this browser may still run, all of it or some workshops."""
    ids = {int(k) for k in (session.get("f") or {}) if k.isdigit()}
    ids |= {int(k) for k in (session.get("w") or {}) if k.isdigit()}
    if not ids:
        return []
    events = db.scalars(select(Event).where(Event.id.in_(ids)).order_by(Event.created_at.desc())).all()
    return [e for e in events if is_facilitator(e) or workshop_links(db, e)]
