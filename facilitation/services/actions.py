"""Actions: what the workshop decided to do, who carries it, by when (the facilitator only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Action, Board, Note, Organisation
from ..text import clean_line
from . import Actor, DomainError, on_board
from .changes import Change, record
from .groups import get_group
from .phases import require_facilitator
from .presenters import action_form
from .queries import actions_of


def _changed(session: Session, board: Board) -> Change:
    session.flush()
    return record(session, board, p.BOARD_ACTIONS, {"actions": [action_form(a, board.event.language)
                                                                 for a in actions_of(session, board)]})


def _apply(session: Session, board: Board, action: Action, fields: dict[str, Any]) -> None:
    if "what" in fields:
        if not fields["what"]:
            raise DomainError(p.EMPTY, field="what")
        action.what = fields["what"]
    if "organisation" in fields:
        org_id = fields["organisation"] or None
        if org_id is not None:
            org = session.get(Organisation, org_id)
            if org is None or org.event_id != board.event_id:
                raise DomainError(p.NOT_FOUND, field="organisation")
        action.organisation_id = org_id
    if "due" in fields:
        action.due_on = fields["due"]


def add(session: Session, board: Board, actor: Actor, *, note_id: int | None = None,
        group_id: int | None = None, **fields: Any) -> Change:
    """Turn a note or a group (or nothing: a free line) into an action."""
    require_facilitator(actor)
    if note_id is not None and group_id is not None:
        raise DomainError(p.BAD_REQUEST, field="group")
    what = ""
    if note_id is not None:
        if board.private:
            raise DomainError(p.PRIVATE_WRITING)
        what = clean_line(on_board(session, board, Note, note_id, "note").text)
    if group_id is not None:
        what = get_group(session, board, group_id).title
    fields.setdefault("what", what)
    if not fields["what"]:
        fields["what"] = what
    last = session.scalar(select(func.max(Action.position)).where(Action.board_id == board.id))
    action = Action(board_id=board.id, note_id=note_id, group_id=group_id, what="",
                    position=0 if last is None else last + 1)
    _apply(session, board, action, fields)
    session.add(action)
    return _changed(session, board)


def _get(session: Session, board: Board, action_id: int) -> Action:
    return on_board(session, board, Action, action_id, "action")


def edit(session: Session, board: Board, actor: Actor, *, action_id: int, **fields: Any) -> Change:
    """Change what, who or when."""
    require_facilitator(actor)
    action = _get(session, board, action_id)
    if not fields:
        raise DomainError(p.BAD_REQUEST, field="what")
    _apply(session, board, action, fields)
    session.flush()
    session.refresh(action, ["organisation"])
    return _changed(session, board)


def delete(session: Session, board: Board, actor: Actor, *, action_id: int) -> Change:
    """Remove an action."""
    require_facilitator(actor)
    session.delete(_get(session, board, action_id))
    return _changed(session, board)
