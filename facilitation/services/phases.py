"""What a participant may do at each step of a workshop, and when the board is locked.

One table, read by the rules (which refuse) and by the presenters (which tell each phone
what it may do, so that no script has to know the table).
"""

from __future__ import annotations

import datetime as dt

from .. import clock
from .. import protocol as p
from ..models import Board
from . import Actor, DomainError

# What a participant's phone may do in each phase. The facilitator is not bound by it
# (they tidy notes in any phase), except for voting, which needs the vote phase for all.
ALLOWED: dict[str, frozenset[str]] = {
    "add": frozenset({p.COLLECT}),
    "edit": frozenset({p.COLLECT, p.GROUP}),
    "delete": frozenset({p.COLLECT, p.GROUP}),
    "vote": frozenset({p.VOTE}),
}


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def timer_expired(board: Board, now: dt.datetime | None = None) -> bool:
    """True when a running countdown has reached zero."""
    if board.timer_ends_at is None:
        return False
    return aware(board.timer_ends_at) <= (now or clock.now())


def is_locked(board: Board, now: dt.datetime | None = None) -> bool:
    """Locked by the facilitator, or by a timer set to lock the board when it ends."""
    return board.locked or (board.timer_locks and timer_expired(board, now))


def may(phase: str) -> dict[str, bool]:
    """What a participant may do in this phase (before any lock)."""
    return {action: phase in phases for action, phases in ALLOWED.items()}


def check_may(board: Board, actor: Actor, action: str) -> None:
    """Raise wrong_phase or locked when a participant may not do this now."""
    if actor.facilitator and action != "vote":
        return
    if board.phase not in ALLOWED[action]:
        raise DomainError(p.WRONG_PHASE, phase=board.phase)
    if not actor.facilitator and is_locked(board):
        raise DomainError(p.LOCKED)


def require_facilitator(actor: Actor) -> None:
    """Raise not_facilitator for anyone else."""
    if not actor.facilitator:
        raise DomainError(p.NOT_FACILITATOR)
