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


def previous_answers(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """previous_answer for many (actor, op id) at once (a burst of dots): one query."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = session.connection().execute(
        select(OPERATIONS.c.actor, OPERATIONS.c.op_id, OPERATIONS.c.answer).where(
            OPERATIONS.c.actor.in_({a for a, _ in keys}), OPERATIONS.c.op_id.in_({o for _, o in keys})))
    return {(a, o): answer for a, o, answer in rows if (a, o) in wanted}


def remember(session: Session, actor: str, op_id: str, answer: dict[str, Any], *, board_id: int | None = None,
             event_id: int | None = None) -> None:
    """Store the answer in the same transaction as the change it answers, with the board (or
    the event) it belongs to, so that deleting that deletes it too."""
    session.connection().execute(
        insert(OPERATIONS).values(actor=actor, op_id=op_id, answer=answer, board_id=board_id, event_id=event_id))


def remember_many(session: Session, answers: list[tuple[str, str, dict[str, Any]]], *, board_id: int) -> None:
    """remember for many (actor, op id, answer) of one board at once: one statement."""
    if answers:
        session.connection().execute(insert(OPERATIONS), [
            {"actor": a, "op_id": o, "answer": answer, "board_id": board_id, "event_id": None}
            for a, o, answer in answers])
