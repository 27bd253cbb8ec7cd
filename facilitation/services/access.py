"""Who may run what: the credentials (hashes of facilitator tokens) that are valid now.

Two roles. The owner (the event's own link) runs everything: the event, its settings, every
workshop, the round and the plenary, deletion, links. A workshop facilitator (a link the
owner made, named, for one or more workshops) runs those workshops' boards: every board
command, the board's page and its notes download, its columns and its summary; nothing else.

A console joins its board's facilitators' room under the credential it was opened with
(protocol.facilitators_room(board, credential)); changes are sent only to the rooms of the
credentials valid now. A replaced or revoked link's consoles are thus cut off at once, on
every worker, without anyone having to find their sockets.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Event, FacilitatorLink, Workshop
from . import DomainError, owned
from .events import hash_token

# The part of a credential's hash that names its room (enough to tell them apart; the room
# name never leaves the server).
ROOM_KEY = 16
LINKS_MAX = 50  # per event


def room_key(credential: str) -> str:
    """The short form of a credential that names its facilitators' room."""
    return credential[:ROOM_KEY]


def credentials(board: Board) -> tuple[str, ...]:
    """The credentials that may run this board now: the owner's link and its workshop's links."""
    return (board.event.facilitator_token_hash, *(link.token_hash for link in board.workshop.links))


def event_credentials(event: Event) -> tuple[str, ...]:
    """The credentials that may run the whole event now (the owner's link)."""
    return (event.facilitator_token_hash,)


def link_covering(session: Session, held: list[str], board: Board) -> str | None:
    """Of the workshop links this browser holds, one that runs this board now (its hash)."""
    if not held:
        return None
    return session.scalar(
        select(FacilitatorLink.token_hash)
        .join(FacilitatorLink.workshops)
        .where(FacilitatorLink.token_hash.in_(held), FacilitatorLink.event_id == board.event_id,
               Workshop.id == board.workshop_id)
        .limit(1)
    )


def live_links(session: Session, event: Event, held: list[str]) -> list[FacilitatorLink]:
    """Of the workshop links this browser holds for this event, those that still exist."""
    if not held:
        return []
    return list(session.scalars(select(FacilitatorLink).where(FacilitatorLink.event_id == event.id,
                                                              FacilitatorLink.token_hash.in_(held))))


def link_form(link: FacilitatorLink) -> dict[str, Any]:
    """A link as the owner's console lists it: its name and workshops, never its token."""
    return {"id": link.id, "name": link.name, "workshops": [w.id for w in link.workshops],
            "created_at": link.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def create_link(session: Session, event: Event, *, name: str, workshop_ids: list[int]) -> tuple[FacilitatorLink, str]:
    """A new workshop facilitator link for these workshops; its token, to show once."""
    if not workshop_ids:
        raise DomainError(p.BAD_REQUEST, field="workshops")
    if len(event.links) >= LINKS_MAX:
        raise DomainError(p.TOO_LONG, field="links")
    workshops = [owned(session.get(Workshop, i), event.id) for i in dict.fromkeys(workshop_ids)]
    token = secrets.token_urlsafe(24)
    link = FacilitatorLink(event_id=event.id, name=name, token_hash=hash_token(token), workshops=workshops)
    session.add(link)
    session.flush()
    return link, token


def get_link(session: Session, event: Event, link_id: int) -> FacilitatorLink:
    """One of the event's links, or not_found."""
    return owned(session.get(FacilitatorLink, link_id), event.id)


def revoke_link(session: Session, link: FacilitatorLink) -> list[tuple[int, str]]:
    """Delete a link; the (board, room) of each of its consoles, to tell and close."""
    rooms = [(w.board.id, p.facilitators_room(w.board.id, room_key(link.token_hash))) for w in link.workshops]
    session.delete(link)
    session.flush()
    return rooms


def link_for_token(session: Session, token: str) -> FacilitatorLink | None:
    """The workshop link of this token, or None."""
    return session.scalar(select(FacilitatorLink).where(FacilitatorLink.token_hash == hash_token(token)))
