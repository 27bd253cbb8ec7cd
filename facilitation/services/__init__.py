"""Workshop rules. No Flask here: every function takes a SQLAlchemy session,
flushes, and raises DomainError; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..protocol import NOT_FOUND, WRONG_BOARD


class DomainError(Exception):
    """A rule refused a command; code is one of protocol's error codes."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Actor:
    """Who is asking: a participant of one event, maybe its facilitator."""

    event_id: int
    participant_id: str
    facilitator: bool = False
    # The facilitator credential (a token's hash) this browser holds, when it has one.
    credential: str | None = None


def owned(row: Any, event_id: int) -> Any:
    """Return row if it exists and belongs to the event; else raise not_found."""
    if row is None or row.event_id != event_id:
        raise DomainError(NOT_FOUND)
    return row


def assign(row: Any, fields: dict[str, Any], names: tuple[str, ...], clearable: tuple[str, ...] = ()) -> None:
    """Set the named fields that were given (already checked at the edge); None leaves a field
    as it is, except for the clearable ones (a date), which it empties."""
    for name in names:
        if name in fields and (fields[name] is not None or name in clearable):
            setattr(row, name, fields[name])


def _on_this_board(board: Any, owner: int | None, details: dict[str, Any]) -> None:
    """not_found when there is no such row (its board id is None), wrong_board when it is
    another board's."""
    if owner is None:
        raise DomainError(NOT_FOUND, **details)
    if owner != board.id:
        raise DomainError(WRONG_BOARD, **details)


def on_board(session: Session, board: Any, model: type, row_id: int, field: str | None = None, **details: Any) -> Any:
    """The row of model with this id, if it belongs to this board: else not_found or wrong_board
    (naming the field at fault, when given)."""
    if field is not None:
        details["field"] = field
    row = session.get(model, row_id)
    _on_this_board(board, None if row is None else row.board_id, details)
    return row


def check_on_board(session: Session, board: Any, model: type, row_id: int, field: str) -> None:
    """As on_board, for a caller that needs only to know the row is this board's: its board
    id is read, not the whole row (a note's text and HTML)."""
    table = model.__table__
    owner = session.connection().execute(select(table.c.board_id).where(table.c.id == row_id)).scalar()
    _on_this_board(board, owner, {"field": field})
