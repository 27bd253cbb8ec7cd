"""Who may run a board: the credentials (hashes of facilitator tokens) that are valid now.

A console joins its board's facilitators' room under the credential it was opened with
(protocol.facilitators_room(board, credential)); changes are sent only to the rooms of the
credentials valid now. A replaced link's consoles are thus cut off at once, on every worker,
without anyone having to find their sockets.
"""

from __future__ import annotations

from ..models import Board, Event

# The part of a credential's hash that names its room (enough to tell them apart; the room
# name never leaves the server).
ROOM_KEY = 16


def room_key(credential: str) -> str:
    """The short form of a credential that names its facilitators' room."""
    return credential[:ROOM_KEY]


def credentials(board: Board) -> tuple[str, ...]:
    """The credentials that may run this board now (the owner's link)."""
    return (board.event.facilitator_token_hash,)


def event_credentials(event: Event) -> tuple[str, ...]:
    """The credentials that may run the whole event now (the owner's link)."""
    return (event.facilitator_token_hash,)
