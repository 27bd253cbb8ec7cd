"""Client op ids: a replayed command is applied once and answered with the first answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import Operation

# Every command reads and writes here: plain statements on the session's connection, not
# through the ORM's unit of work (five times the cost of the statement for a row nobody
# loads as an object).
OPERATIONS = Operation.__table__


def previous_answer(session: Session, actor: str, op_id: str) -> dict[str, Any] | None:
    """Return the answer given the first time this op was applied, if it was."""
    return session.connection().execute(
        select(OPERATIONS.c.answer).where(OPERATIONS.c.actor == actor, OPERATIONS.c.op_id == op_id)
    ).scalar()


def remember(session: Session, actor: str, op_id: str, answer: dict[str, Any], *, board_id: int | None = None,
             event_id: int | None = None) -> None:
    """Store the answer in the same transaction as the change it answers, with the board (or
    the event) it belongs to, so that deleting that deletes it too."""
    session.connection().execute(
        insert(OPERATIONS).values(actor=actor, op_id=op_id, answer=answer, board_id=board_id, event_id=event_id))
