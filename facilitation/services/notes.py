"""Sticky notes: who may add, edit, move and delete them, and how order is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Note, Participant, utcnow
from . import Actor, DomainError
from .boards import get_column, note_dict, record


def _get_note(session: Session, board: Board, note_id: int) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        raise DomainError(p.NOT_FOUND)
    if note.board_id != board.id:
        raise DomainError(p.WRONG_BOARD)
    return note


def _may_change(actor: Actor, note: Note) -> None:
    if not actor.facilitator and note.author_id != actor.participant_id:
        raise DomainError(p.FORBIDDEN)


def add(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    column_id: int,
    text: str,
    color: str | None = None,
) -> dict[str, Any]:
    """Append a note to a column; return the broadcast payload {board, seq, note}."""
    column = get_column(session, board, column_id)
    author = session.get(Participant, actor.participant_id)
    last = session.scalar(select(func.max(Note.position)).where(Note.column_id == column.id))
    note = Note(
        board_id=board.id,
        column_id=column.id,
        author_id=author.id if author else None,
        text=text,
        color=color or "yellow",
        position=0 if last is None else last + 1,
        pseudonym=author.pseudonym if author else "",
        organisation_id=author.organisation_id if author else None,
        version=1,
    )
    session.add(note)
    session.flush()
    return record(session, board.id, p.NOTE_ADDED, {"note": note_dict(note)})


def edit(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    note_id: int,
    text: str | None = None,
    color: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """Change a note's text or colour; an edit made on an older version is refused."""
    note = _get_note(session, board, note_id)
    _may_change(actor, note)
    if version is not None and version != note.version:
        raise DomainError(p.CONFLICT, note=note_dict(note))
    if text is None and color is None:
        raise DomainError(p.BAD_REQUEST, field="text")
    if text is not None:
        note.text = text
    if color is not None:
        note.color = color
    note.version += 1
    note.edited_at = utcnow()
    session.flush()
    return record(session, board.id, p.NOTE_EDITED, {"note": note_dict(note)})


def move(
    session: Session, board: Board, actor: Actor, *, note_id: int, column_id: int, index: int
) -> dict[str, Any]:
    """Move a note to index in a column (the facilitator only); renumber that column."""
    if not actor.facilitator:
        raise DomainError(p.NOT_FACILITATOR)
    note = _get_note(session, board, note_id)
    column = get_column(session, board, column_id)
    siblings = session.scalars(
        select(Note.id)
        .where(Note.column_id == column.id, Note.id != note.id)
        .order_by(Note.position, Note.id)
    ).all()
    order = list(siblings)
    order.insert(min(index, len(order)), note.id)
    note.column_id = column.id
    session.flush()
    # One executemany, whatever the column's length.
    session.execute(
        update(Note), [{"id": nid, "position": pos} for pos, nid in enumerate(order)]
    )
    session.refresh(note)
    return record(
        session, board.id, p.NOTE_MOVED, {"note": note_dict(note), "order": order}
    )


def delete(session: Session, board: Board, actor: Actor, *, note_id: int) -> dict[str, Any]:
    """Delete a note (its author or the facilitator)."""
    note = _get_note(session, board, note_id)
    _may_change(actor, note)
    column_id = note.column_id
    session.delete(note)
    session.flush()
    return record(session, board.id, p.NOTE_DELETED, {"note": note_id, "column": column_id})


def authored_by(session: Session, board: Board, actor: Actor) -> list[int]:
    """Ids of the actor's own notes on this board (so a phone knows what it may edit)."""
    return list(
        session.scalars(
            select(Note.id).where(Note.board_id == board.id, Note.author_id == actor.participant_id)
        )
    )
