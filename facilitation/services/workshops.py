"""Workshops: each with its board and its first columns."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, BoardChange, Column, Event, Workshop
from . import assign, owned
from .changes import Change, record
from .presenters import workshop_form

_FIELDS = ("title", "question", "day", "time_slot", "room", "position")


def add_workshop(session: Session, event: Event, columns: list[str], *, title: str, **fields: object) -> Workshop:
    """Add a workshop with its board and these columns."""
    workshop = Workshop(event_id=event.id, title=title, question="", time_slot="", room="", position=0)
    assign(workshop, fields, _FIELDS, clearable=("day",))
    session.add(workshop)
    session.flush()
    board = Board(workshop_id=workshop.id, event_id=event.id, seq=0)
    board.columns = [Column(title=t, position=i) for i, t in enumerate(columns)]
    session.add(board)
    session.flush()
    return workshop


def get_workshop(session: Session, event: Event, workshop_id: int) -> Workshop:
    """Return one of the event's workshops, or raise not_found."""
    return owned(session.get(Workshop, workshop_id), event.id)


def update_workshop(session: Session, workshop: Workshop, **fields: object) -> Change:
    """Change a workshop's title, question, day, slot, room or place in the list; return the broadcast."""
    assign(workshop, fields, _FIELDS, clearable=("day",))
    session.flush()
    return record(session, workshop.board, p.BOARD_WORKSHOP, {"workshop": workshop_form(workshop)})


def delete_workshop(session: Session, workshop: Workshop) -> int:
    """Delete a workshop, its board and its notes; return the board id."""
    board_id = workshop.board.id
    session.execute(delete(BoardChange).where(BoardChange.board_id == board_id))
    session.delete(workshop)
    session.flush()
    return board_id

