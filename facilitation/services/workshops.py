"""Workshops: each with its board and its first columns."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, BoardChange, Column, Event, ProgrammeItem, Workshop
from . import DomainError, assign, owned
from .changes import Change, record
from .presenters import workshop_form
from .programme import check_day

_FIELDS = ("title", "question", "day", "time_slot", "room", "position", "summary")


def _place(session: Session, event: Event, workshop: Workshop, fields: dict[str, object]) -> None:
    """Put the workshop in a workshops slot of the programme (0: none); check its day."""
    if fields.get("slot") is not None:
        slot_id = fields["slot"] or None
        if slot_id is not None:
            slot = session.get(ProgrammeItem, slot_id)
            if slot is None or slot.event_id != event.id:
                raise DomainError(p.NOT_FOUND, field="slot")
            if slot.kind != "workshops":
                raise DomainError(p.BAD_REQUEST, field="slot")
            workshop.day = slot.day
        workshop.slot_id = slot_id
    check_day(event, workshop.day)


def add_workshop(session: Session, event: Event, columns: list[str], *, title: str, **fields: object) -> Workshop:
    """Add a workshop with its board and these columns."""
    workshop = Workshop(event_id=event.id, title=title, question="", time_slot="", room="", position=0, summary="")
    assign(workshop, fields, _FIELDS, clearable=("day",))
    _place(session, event, workshop, fields)
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
    """Change a workshop's title, question, day, slot, room, place in the list or summary; return the broadcast."""
    assign(workshop, fields, _FIELDS, clearable=("day",))
    _place(session, workshop.event, workshop, fields)
    session.flush()
    return record(session, workshop.board, p.BOARD_WORKSHOP, {"workshop": workshop_form(workshop)})


def delete_workshop(session: Session, workshop: Workshop) -> int:
    """Delete a workshop, its board and its notes; return the board id."""
    board_id = workshop.board.id
    session.execute(delete(BoardChange).where(BoardChange.board_id == board_id))
    session.delete(workshop)
    session.flush()
    return board_id

