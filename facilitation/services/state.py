"""How a facilitator runs a board: phase, private writing, lock, anonymity, timer, spotlight."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Group, Note
from . import Actor, DomainError, on_board, timers
from .changes import Change, record
from .phases import require_facilitator, timer_expired
from .presenters import state_form


def _state_changed(session: Session, board: Board, resync: bool = False) -> Change:
    session.flush()
    data: dict = {"state": state_form(board)}
    if resync:
        # What screens may see has changed: they reload the board, and catch-up stops here.
        data["resync"] = True
    return record(session, board, p.BOARD_STATE, data)


def set_board(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    phase: str | None = None,
    private: bool | None = None,
    locked: bool | None = None,
    anonymity: str | None = None,
    page_seconds: int | None = None,
) -> Change:
    """Change the phase, private writing, the lock, the anonymity of a board, or the pace
    at which the projector turns its pages."""
    require_facilitator(actor)
    if phase is None and private is None and locked is None and anonymity is None and page_seconds is None:
        raise DomainError(p.BAD_REQUEST, field="phase")
    resync = False
    target_phase = phase or board.phase
    if private and target_phase != p.COLLECT:
        # Private writing is an option of the collect phase.
        raise DomainError(p.WRONG_PHASE, field="private", phase=target_phase)
    if private is not None and private != board.private:
        board.private = private
        resync = True
    if phase is not None and phase != board.phase:
        if board.private and phase != p.COLLECT:
            board.private = False  # leaving the writing step reveals the notes
            resync = True
        board.phase = phase
    if board.private:
        board.spotlight_kind = board.spotlight_id = None
    if locked is not None:
        board.locked = locked
        if not locked and timer_expired(board) and board.timer_locks:
            board.timer_locks = False  # unlocking after the timer's end keeps the board open
    if anonymity is not None and anonymity != board.anonymity:
        if anonymity == p.ANONYMOUS:
            # Fully anonymous: the pseudonyms already stored on this board are erased.
            session.execute(
                update(Note).where(Note.board_id == board.id).values(pseudonym="", organisation_id=None),
                execution_options={"synchronize_session": False},
            )
        board.anonymity = anonymity
        resync = True
    if page_seconds is not None:
        board.page_seconds = page_seconds
    return _state_changed(session, board, resync)


def set_timer(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    action: str,
    seconds: int | None = None,
    locks: bool | None = None,
) -> Change:
    """Start, pause, resume, extend or stop the board's countdown (server clock)."""
    require_facilitator(actor)
    timers.run(board, "timer_", action, seconds)
    if action == "start":
        board.timer_locks = bool(locks)
    elif action == "stop":
        board.timer_locks = False
    if locks is not None and action != "stop":
        board.timer_locks = locks
    return _state_changed(session, board)


def set_spotlight(session: Session, board: Board, actor: Actor, *, kind: str | None, target: int | None) -> Change:
    """Show one note or group large on the projector; no kind releases it."""
    require_facilitator(actor)
    if kind is None:
        board.spotlight_kind = board.spotlight_id = None
        return _state_changed(session, board)
    if target is None:
        raise DomainError(p.BAD_REQUEST, field="id")
    if board.private:
        raise DomainError(p.PRIVATE_WRITING)
    on_board(session, board, Note if kind == "note" else Group, target, "id")
    board.spotlight_kind, board.spotlight_id = kind, target
    return _state_changed(session, board)


def forget_spotlight(board: Board, kind: str, target: int) -> None:
    """Release the spotlight when its note or group goes away."""
    if board.spotlight_kind == kind and board.spotlight_id == target:
        board.spotlight_kind = board.spotlight_id = None
