"""Columns of a board: add, rename, reorder, delete (the facilitator, through the API)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Column, Note
from ..payloads import COLUMNS_MAX
from . import DomainError
from .changes import Change, forget, record
from .presenters import columns_form


def get_column(session: Session, board: Board, column_id: int) -> Column:
    """Return a column of this board, or raise wrong_board."""
    column = session.get(Column, column_id)
    if column is None or column.board_id != board.id:
        raise DomainError(p.WRONG_BOARD)
    return column


def _changed(session: Session, board: Board) -> Change:
    session.flush()
    session.refresh(board, ["columns"])
    return record(session, board, p.BOARD_COLUMNS, {"columns": columns_form(board)})


def _renumber(columns: list[Column]) -> None:
    for i, column in enumerate(columns):
        column.position = i


def add_column(session: Session, board: Board, title: str) -> Change:
    """Append a column to the board (at most twelve)."""
    if len(board.columns) >= COLUMNS_MAX:
        raise DomainError(p.BAD_REQUEST, field="columns")
    board.columns.append(Column(title=title, position=len(board.columns)))
    return _changed(session, board)


def update_column(
    session: Session, board: Board, column_id: int, *, title: str | None = None, index: int | None = None
) -> Change:
    """Rename a column and/or move it to another index."""
    column = get_column(session, board, column_id)
    if title is not None:
        column.title = title
    if index is not None:
        ordered = [c for c in board.columns if c.id != column.id]
        ordered.insert(min(index, len(ordered)), column)
        _renumber(ordered)
    return _changed(session, board)


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
    forget(session, board, column=column_id)
    change = _changed(session, board)
    change.erases = True
    return change
