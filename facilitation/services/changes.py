"""Changes of a board: the sequence number, the change log and catch-up.

Every committed change of a board bumps its seq in the same transaction and is kept in
the change log in the form the ChangeLog presenter allows (what the shared room was
sent), so that a reconnecting screen can catch up without ever replaying a private note
or a hidden pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, BoardChange, Event
from .access import credentials
from .presenters import LOG

BOARDS, CHANGES = Board.__table__, BoardChange.__table__


@dataclass
class Change:
    """One committed change of a board, in the form each audience receives.

    Facilitators get name/payload (the full form); phones and projectors get
    public_name/public (the same seq, as the ChangeLog presenter allows); `own` holds
    unsequenced events for one participant's sockets; `reply` goes into the sender's ack only.
    """

    board_id: int
    name: str
    payload: dict[str, Any]
    public_name: str
    public: dict[str, Any]
    own: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)
    # The facilitator credentials valid when it was made: their consoles get the full form.
    credentials: tuple[str, ...] = ()
    # It deleted someone's words: the Markdown file is rewritten at once, not a moment later.
    erases: bool = False
    # A vote's totals moved (a dot cast): no seq; the room hears the latest totals, coalesced.
    tally: bool = False


def record(
    session: Session,
    board: Board,
    name: str,
    data: dict[str, Any],
    *,
    own: list[tuple[str, str, dict[str, Any]]] | None = None,
    reply: dict[str, Any] | None = None,
) -> Change:
    """Bump the board's seq and log the change in this transaction; return it for publishing.

    Both are plain statements on the session's connection (every command of every board runs
    them; through the ORM's unit of work each cost five times the statement), after what the
    command changed through the ORM is flushed."""
    session.flush()
    connection = session.connection()
    seq = connection.execute(
        update(BOARDS).where(BOARDS.c.id == board.id).values(seq=BOARDS.c.seq + 1).returning(BOARDS.c.seq)
    ).scalar_one()
    head = {"board": board.id, "seq": seq}
    public_name, public = LOG.change(session, board, name, data)
    change = Change(board.id, name, {**head, **data}, public_name, {**head, **public}, own or [], reply or {},
                    credentials(board))
    connection.execute(insert(CHANGES).values(board_id=board.id, seq=seq, name=public_name, payload=change.public))
    return change


def forget(session: Session, board: Board, *, note: int | None = None, group: int | None = None,
           column: int | None = None) -> int:
    """Delete from the change log every change that carried the words of this note, group or
    column (deleted for good: its text must not stay anywhere). A screen behind those changes
    then catches up with a snapshot (the log has a gap). Returns how many were deleted."""
    names = {p.NOTE_ADDED, p.NOTE_EDITED, p.NOTE_MOVED} if note is not None else \
        {p.BOARD_GROUPS} if group is not None else {p.BOARD_COLUMNS}
    rows = session.execute(select(BoardChange.id, BoardChange.payload).where(
        BoardChange.board_id == board.id, BoardChange.name.in_(names))).all()

    def carries(payload: dict[str, Any]) -> bool:
        if note is not None:
            return isinstance(payload.get("note"), dict) and payload["note"].get("id") == note
        key, wanted = ("groups", group) if group is not None else ("columns", column)
        return any(isinstance(item, dict) and item.get("id") == wanted for item in payload.get(key) or [])

    doomed = [row.id for row in rows if carries(row.payload)]
    if doomed:
        session.execute(delete(BoardChange).where(BoardChange.id.in_(doomed)))
    return len(doomed)


@dataclass
class EventChange:
    """One committed change of the live parts of a whole event (the round, the plenary
    screen): everything in it is for everyone, so it has one form."""

    event_id: int
    name: str
    payload: dict[str, Any]
    reply: dict[str, Any] = field(default_factory=dict)


def record_event(session: Session, event: Event, name: str, data: dict[str, Any], **reply: Any) -> EventChange:
    """Bump the event's seq in this transaction; return the change for publishing. No log:
    a screen that missed one takes a fresh snapshot (it is small)."""
    session.flush()
    events = Event.__table__
    seq = session.connection().execute(
        update(events).where(events.c.id == event.id).values(seq=events.c.seq + 1).returning(events.c.seq)
    ).scalar_one()
    return EventChange(event.id, name, {"event": event.id, "seq": seq, **data}, reply)


def changes_since(session: Session, board: Board, since: int) -> list[dict[str, Any]] | None:
    """The changes after seq `since`, in order, or None when a snapshot is needed instead
    (too far behind, a gap, or a change that alters what this screen may see)."""
    current = session.scalar(select(Board.seq).where(Board.id == board.id)) or 0
    if since > current or current - since > p.CATCH_UP_MAX:
        return None
    rows = session.execute(
        select(BoardChange.name, BoardChange.payload)
        .where(BoardChange.board_id == board.id, BoardChange.seq > since)
        .order_by(BoardChange.seq)
    ).all()
    if len(rows) != current - since or any(
        row.payload["seq"] != since + i + 1 or row.payload.get("resync") for i, row in enumerate(rows)
    ):
        return None
    return [{"event": row.name, "data": row.payload} for row in rows]
