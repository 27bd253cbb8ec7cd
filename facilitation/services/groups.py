"""Groups: named clusters of notes inside a column (the facilitator only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Board, Group, Note
from . import Actor, DomainError, on_board
from .changes import Change, forget, record
from .columns import get_column
from .phases import require_facilitator
from .presenters import group_form
from .queries import groups_of
from .state import forget_spotlight
from .votes import forget_target


def get_group(session: Session, board: Board, group_id: int) -> Group:
    """A group of this board, or not_found / wrong_board."""
    return on_board(session, board, Group, group_id, "group")


def renumber_notes(session: Session, column_id: int, group_id: int | None, order: list[int]) -> None:
    """Give the notes of one container (a group, or a column's loose notes) positions 0..n."""
    if order:
        session.execute(update(Note), [{"id": nid, "position": i, "group_id": group_id} for i, nid in enumerate(order)])


def container_ids(session: Session, column_id: int, group_id: int | None, without: set[int] = frozenset()) -> list[int]:
    """The note ids of one container (a group, or a column's loose notes), in order."""
    ids = session.scalars(
        select(Note.id)
        .where(Note.column_id == column_id, Note.group_id.is_(None) if group_id is None else Note.group_id == group_id)
        .order_by(Note.position, Note.id)
    ).all()
    return [i for i in ids if i not in without]


def _renumber_groups(session: Session, column_id: int, order: list[int]) -> None:
    if order:
        session.execute(update(Group), [{"id": gid, "position": i} for i, gid in enumerate(order)])


def _column_groups(session: Session, column_id: int, without: int | None = None) -> list[int]:
    ids = session.scalars(
        select(Group.id).where(Group.column_id == column_id).order_by(Group.position, Group.id)
    ).all()
    return [i for i in ids if i != without]


def _placements(session: Session, board: Board, column_ids: set[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Note.id, Note.column_id, Note.group_id, Note.position).where(
            Note.board_id == board.id, Note.column_id.in_(column_ids)
        )
    ).all()
    return [{"id": r.id, "column": r.column_id, "group": r.group_id, "position": r.position} for r in rows]


def _changed(session: Session, board: Board, columns: set[int], own: list | None = None) -> Change:
    session.flush()
    data = {"groups": [group_form(g) for g in groups_of(session, board)],
            "notes": _placements(session, board, columns)}
    return record(session, board, p.BOARD_GROUPS, data, own=own)


def add(
    session: Session, board: Board, actor: Actor, *, column_id: int, title: str, note_ids: list[int] | None = None
) -> Change:
    """Make a group at the end of a column, and gather the given notes into it."""
    require_facilitator(actor)
    column = get_column(session, board, column_id)
    if not title:
        raise DomainError(p.EMPTY, field="title")
    last = session.scalar(select(func.max(Group.position)).where(Group.column_id == column.id))
    group = Group(board_id=board.id, column_id=column.id, title=title, position=0 if last is None else last + 1)
    session.add(group)
    session.flush()
    touched = {column.id}
    notes = [on_board(session, board, Note, nid, "notes", note=nid) for nid in note_ids or []]
    touched.update(note.column_id for note in notes)
    moving = {n.id for n in notes}
    for old_column, old_group in {(n.column_id, n.group_id) for n in notes}:
        renumber_notes(session, old_column, old_group, container_ids(session, old_column, old_group, moving))
    if moving:
        session.execute(
            update(Note).where(Note.id.in_(moving)).values(column_id=column.id),
            execution_options={"synchronize_session": False},
        )
    renumber_notes(session, column.id, group.id, [n.id for n in notes])
    return _changed(session, board, touched)


def edit(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    group_id: int,
    title: str | None = None,
    column_id: int | None = None,
    index: int | None = None,
) -> Change:
    """Rename a group, or move it (with its notes) to an index of a column."""
    require_facilitator(actor)
    group = get_group(session, board, group_id)
    if title is None and column_id is None and index is None:
        raise DomainError(p.BAD_REQUEST, field="title")
    if title is not None:
        if not title:
            raise DomainError(p.EMPTY, field="title")
        group.title = title
    touched = {group.column_id}
    if column_id is not None or index is not None:
        target = get_column(session, board, column_id) if column_id is not None else None
        new_column = target.id if target else group.column_id
        old_column = group.column_id
        _renumber_groups(session, old_column, _column_groups(session, old_column, without=group.id))
        order = _column_groups(session, new_column, without=group.id)
        order.insert(min(index if index is not None else len(order), len(order)), group.id)
        group.column_id = new_column
        session.flush()
        session.execute(
            update(Note).where(Note.group_id == group.id).values(column_id=new_column),
            execution_options={"synchronize_session": False},
        )
        _renumber_groups(session, new_column, order)
        session.refresh(group)
        touched.add(new_column)
    return _changed(session, board, touched)


def delete(session: Session, board: Board, actor: Actor, *, group_id: int) -> Change:
    """Split a group up: its notes stay in the column, after the loose ones."""
    require_facilitator(actor)
    group = get_group(session, board, group_id)
    column_id = group.column_id
    order = container_ids(session, column_id, None) + container_ids(session, column_id, group.id)
    own = forget_target(session, board, "groups", group.id)
    forget_spotlight(board, "group", group.id)
    renumber_notes(session, column_id, None, order)
    session.delete(group)
    session.flush()
    _renumber_groups(session, column_id, _column_groups(session, column_id))
    forget(session, board, group=group_id)
    change = _changed(session, board, {column_id}, own)
    change.erases = True
    return change
