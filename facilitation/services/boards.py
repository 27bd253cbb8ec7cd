"""Boards: sequence numbers, the change log, snapshots, catch-up, workshops and columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..export.render import render_note
from ..models import Board, BoardChange, Column, Event, Note, Workshop
from . import DomainError, owned
from .fields import apply_fields, text_field


@dataclass
class Viewer:
    """Who a snapshot is for: a participant (or nobody, for a projector); full for a console."""

    participant_id: str | None
    full: bool = False

    def sees(self, board: Board, note: Note) -> bool:
        """Whether this viewer may see the note (private writing hides other people's)."""
        return self.full or not board.private or (
            self.participant_id is not None and note.author_id == self.participant_id
        )


@dataclass
class Change:
    """One committed change of a board, in the form each audience receives.

    Facilitators get name/payload; phones and projectors get public_name/public (the
    same seq, with pseudonyms or private notes taken out); `own` holds unsequenced
    events for one participant's sockets; `reply` goes into the sender's ack only.
    """

    board_id: int
    name: str
    payload: dict[str, Any]
    public_name: str
    public: dict[str, Any]
    own: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)


def note_dict(note: Note, board: Board | None = None) -> dict[str, Any]:
    """The wire form of a note. Given its board, the public form: no pseudonym or
    organisation when the board hides them."""
    hide = board is not None and board.anonymity != p.SHOWN
    return {
        "id": note.id,
        "column": note.column_id,
        "group": note.group_id,
        "position": note.position,
        "text": note.text,
        "html": render_note(note.text),
        "color": note.color,
        "pseudonym": "" if hide else note.pseudonym,
        "organisation": "" if hide or not note.organisation else note.organisation.name,
        "version": note.version,
        "created_at": _iso(note.created_at),
        "edited_at": _iso(note.edited_at) if note.edited_at else None,
    }


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC.
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def columns_list(board: Board) -> list[dict[str, Any]]:
    """The wire form of a board's columns, in order."""
    return [{"id": c.id, "title": c.title, "position": c.position} for c in board.columns]


def workshop_dict(workshop: Workshop, board_id: int | None = None) -> dict[str, Any]:
    """The wire form of a workshop (pass board_id when it is known, to spare a query)."""
    if board_id is None and workshop.board is not None:
        board_id = workshop.board.id
    return {
        "id": workshop.id,
        "board": board_id,
        "title": workshop.title,
        "question": workshop.question,
        "day": workshop.day.isoformat() if workshop.day else None,
        "time_slot": workshop.time_slot,
        "room": workshop.room,
        "position": workshop.position,
    }


# ---- sequence and change log -------------------------------------------------
# While writing is private, these changes reach phones and projectors as counts only.
_HIDDEN_WHILE_PRIVATE = {p.NOTE_ADDED, p.NOTE_EDITED, p.NOTE_MOVED, p.NOTE_DELETED, p.BOARD_GROUPS}


def note_counts(session: Session, board: Board) -> dict[str, int]:
    """How many notes each column holds (column ids as strings, as JSON keys are)."""
    rows = session.execute(
        select(Note.column_id, func.count(Note.id)).where(Note.board_id == board.id).group_by(Note.column_id)
    ).all()
    return {str(column): count for column, count in rows}


def _public_form(session: Session, board: Board, name: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if board.private and name in _HIDDEN_WHILE_PRIVATE:
        return p.BOARD_COUNTS, {"counts": note_counts(session, board)}
    if board.anonymity == p.SHOWN:
        return name, data
    public = dict(data)
    for key in ("note",):
        if isinstance(public.get(key), dict):
            public[key] = {**public[key], "pseudonym": "", "organisation": ""}
    return name, public


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

    Only the public form goes into the change log, so a reconnecting phone can never
    catch up on a private note or a hidden pseudonym. Consoles always rejoin with a snapshot.
    """
    seq = session.execute(
        update(Board)
        .where(Board.id == board.id)
        .values(seq=Board.seq + 1)
        .returning(Board.seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    head = {"board": board.id, "seq": seq}
    public_name, public = _public_form(session, board, name, data)
    change = Change(board.id, name, {**head, **data}, public_name, {**head, **public}, own or [], reply or {})
    session.add(BoardChange(board_id=board.id, seq=seq, name=public_name, payload=change.public))
    session.flush()
    return change


def state_dict(board: Board) -> dict[str, Any]:
    """The facilitation state everyone sees: phase, private writing, lock, anonymity, timer, spotlight."""
    timer = None
    if board.timer_total_ms is not None:
        timer = {
            "ends_at": _epoch_ms(board.timer_ends_at) if board.timer_ends_at else None,
            "left": board.timer_left_ms,
            "total": board.timer_total_ms,
            "locks": board.timer_locks,
        }
    spotlight = {"kind": board.spotlight_kind, "id": board.spotlight_id} if board.spotlight_kind else None
    return {
        "phase": board.phase,
        "private": board.private,
        "locked": board.locked,
        "anonymity": board.anonymity,
        "timer": timer,
        "spotlight": spotlight,
    }


def _epoch_ms(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1000)


def now_ms() -> int:
    """The server's clock, which every screen's timer follows."""
    return int(dt.datetime.now(dt.UTC).timestamp() * 1000)


def snapshot(session: Session, board: Board, viewer: Viewer) -> tuple[dict[str, Any], list[int]]:
    """The whole board as this viewer may see it, and the ids of the viewer's own notes in it.

    seq is read before the notes, so the snapshot is never older than its seq;
    replaying changes after seq is harmless because clients apply them idempotently.
    """
    from . import actions as action_service
    from . import groups as group_service
    from . import votes as vote_service

    seq = session.scalar(select(Board.seq).where(Board.id == board.id))
    notes = [
        n
        for n in session.scalars(
            select(Note).where(Note.board_id == board.id).order_by(Note.column_id, Note.position, Note.id)
        )
        if viewer.sees(board, n)
    ]
    public = None if viewer.full else board
    payload = {
        "id": board.id,
        "seq": seq,
        "event": {"code": board.event.code, "title": board.event.title},
        "workshop": workshop_dict(board.workshop, board.id),
        "columns": columns_list(board),
        "notes": [note_dict(n, public) for n in notes],
        "state": state_dict(board),
        "counts": note_counts(session, board) if board.private else None,
        "groups": group_service.groups_list(session, board) if (viewer.full or not board.private) else [],
        "vote": vote_service.vote_for(session, board, viewer.participant_id),
        "actions": action_service.actions_list(session, board),
    }
    return payload, [n.id for n in notes if viewer.participant_id is not None and n.author_id == viewer.participant_id]


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


# ---- workshops -----------------------------------------------------------------
_WORKSHOP_TEXTS = {"title": (120, True), "question": (500, False), "time_slot": (40, False), "room": (80, False)}


def _workshop_fields(workshop: Workshop, fields: dict[str, object]) -> None:
    apply_fields(workshop, fields, _WORKSHOP_TEXTS, dates=("day",))
    if "position" in fields:
        pos = fields["position"]
        if not isinstance(pos, int) or isinstance(pos, bool) or not 0 <= pos < 10_000:
            raise DomainError(p.BAD_REQUEST, field="position")
        workshop.position = pos


def add_workshop(
    session: Session, event: Event, default_columns: list[str], **fields: object
) -> Workshop:
    """Add a workshop with its board and the default columns."""
    workshop = Workshop(event_id=event.id, question="", time_slot="", room="", position=0)
    _workshop_fields(workshop, {"title": fields.get("title"), **fields})
    session.add(workshop)
    session.flush()
    board = Board(workshop_id=workshop.id, event_id=event.id, seq=0)
    board.columns = [Column(title=t, position=i) for i, t in enumerate(default_columns)]
    session.add(board)
    session.flush()
    return workshop


def get_workshop(session: Session, event: Event, workshop_id: int) -> Workshop:
    """Return one of the event's workshops, or raise not_found."""
    return owned(session.get(Workshop, workshop_id), event.id)


def update_workshop(session: Session, workshop: Workshop, **fields: object) -> Change:
    """Change a workshop's title, question, day, slot or room; return the broadcast."""
    _workshop_fields(workshop, fields)
    session.flush()
    return record(session, workshop.board, p.BOARD_WORKSHOP, {"workshop": workshop_dict(workshop)})


def delete_workshop(session: Session, workshop: Workshop) -> int:
    """Delete a workshop, its board and its notes; return the board id."""
    board_id = workshop.board.id
    session.execute(delete(BoardChange).where(BoardChange.board_id == board_id))
    session.delete(workshop)
    session.flush()
    return board_id


# ---- columns -----------------------------------------------------------------
def _columns_changed(session: Session, board: Board) -> Change:
    session.flush()
    session.refresh(board, ["columns"])
    return record(session, board, p.BOARD_COLUMNS, {"columns": columns_list(board)})


def _renumber(columns: list[Column]) -> None:
    for i, column in enumerate(columns):
        column.position = i


def on_board(session: Session, board: Board, model: type, row_id: int, field: str | None = None, **details: Any) -> Any:
    """The row of model with this id, if it belongs to this board: else not_found or wrong_board
    (naming the field at fault, when given)."""
    if field is not None:
        details["field"] = field
    row = session.get(model, row_id)
    if row is None:
        raise DomainError(p.NOT_FOUND, **details)
    if row.board_id != board.id:
        raise DomainError(p.WRONG_BOARD, **details)
    return row


def get_column(session: Session, board: Board, column_id: int) -> Column:
    """Return a column of this board, or raise wrong_board."""
    column = session.get(Column, column_id)
    if column is None or column.board_id != board.id:
        raise DomainError(p.WRONG_BOARD)
    return column


def add_column(session: Session, board: Board, title: object) -> Change:
    """Append a column to the board."""
    if len(board.columns) >= 12:
        raise DomainError(p.BAD_REQUEST, field="columns")
    board.columns.append(Column(title=text_field(title, 80, required=True, name="title"), position=len(board.columns)))
    return _columns_changed(session, board)


def update_column(
    session: Session, board: Board, column_id: int, *, title: object = None, index: object = None
) -> Change:
    """Rename a column and/or move it to another index."""
    column = get_column(session, board, column_id)
    if title is not None:
        column.title = text_field(title, 80, required=True, name="title")
    if index is not None:
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise DomainError(p.BAD_REQUEST, field="index")
        ordered = [c for c in board.columns if c.id != column.id]
        ordered.insert(min(index, len(ordered)), column)
        _renumber(ordered)
    return _columns_changed(session, board)


def delete_column(session: Session, board: Board, column_id: int) -> Change:
    """Delete an empty column (never the last one)."""
    column = get_column(session, board, column_id)
    if len(board.columns) <= 1:
        raise DomainError(p.LAST_COLUMN)
    if session.scalar(select(func.count(Note.id)).where(Note.column_id == column.id)):
        raise DomainError(p.COLUMN_NOT_EMPTY)
    board.columns.remove(column)
    session.delete(column)
    _renumber(board.columns)
    return _columns_changed(session, board)
