"""The plenary screen: every workshop's question, the top of its revealed votes and its
actions, live, one workshop at a time or all in turn, steered from the console."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Event, Workshop
from . import Actor, DomainError, owned
from .changes import Change, EventChange, record_event
from .phases import require_facilitator
from .presenters import PLENARY

# The board changes that alter what the plenary screen shows of a workshop.
SHOWN_CHANGES = frozenset({p.BOARD_VOTE, p.BOARD_TALLY, p.BOARD_ACTIONS, p.BOARD_WORKSHOP})


def show(session: Session, event: Event, actor: Actor, *, workshop_id: int | None) -> EventChange:
    """Show one workshop on the plenary screen, or every workshop in turn (None)."""
    require_facilitator(actor)
    if workshop_id is not None:
        owned(session.get(Workshop, workshop_id), event.id)
    event.plenary_workshop_id = workshop_id
    return refreshed(session, event)


def refreshed(session: Session, event: Event) -> EventChange:
    """The plenary screen again, whole (a workshop was added or removed)."""
    session.flush()
    session.expire(event, ["workshops"])
    return record_event(session, event, p.PLENARY_STATE, {"plenary": PLENARY.state(session, event)})


def after_board_change(session: Session, board: Board, change: Change) -> EventChange | None:
    """A workshop's summary as the plenary shows it, when that change altered it (a vote
    revealed, an action decided); None otherwise."""
    if change.name not in SHOWN_CHANGES:
        return None
    if change.name in (p.BOARD_VOTE, p.BOARD_TALLY) and not change.payload["vote"]["revealed"]:
        return None  # a vote not revealed (dots cast, results shown live in the room): not on the plenary
    if board.event is None:
        raise DomainError(p.NOT_FOUND)
    summary = PLENARY.summary(session, board.workshop)
    return record_event(session, board.event, p.PLENARY_WORKSHOP, {"workshop": summary})
