"""Dot voting. The budget and the per-note cap are conditions of single UPDATE
statements, so parallel votes (two tabs, two workers) can never exceed them:
the database row lock orders them, and the loser's WHERE no longer matches.

Who voted for what stays in the ballots and dots tables; only totals leave the server,
and only once the facilitator allows it.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import protocol as p
from ..models import Ballot, Board, Dot, Group, Note, Vote
from . import Actor, DomainError, check_on_board, on_board
from .changes import Change, record
from .phases import check_may, require_facilitator
from .presenters import vote_form
from .queries import current_vote, my_dots


def _changed(session: Session, board: Board, vote: Vote, **extra: Any) -> Change:
    session.flush()
    return record(session, board, p.BOARD_VOTE, {"vote": vote_form(session, vote)}, **extra)


def open_vote(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    target: str = "notes",
    budget: int = 3,
    cap: int = 1,
    hide_results: bool = True,
) -> Change:
    """Open a round of dot voting (in the vote phase, one round at a time)."""
    require_facilitator(actor)
    if board.phase != p.VOTE:
        raise DomainError(p.WRONG_PHASE, phase=board.phase)
    latest = current_vote(session, board)
    if latest is not None and latest.is_open:
        raise DomainError(p.VOTE_OPEN_ALREADY)
    if cap > budget:
        raise DomainError(p.BAD_REQUEST, field="cap")
    if target == "groups" and not session.scalar(select(func.count(Group.id)).where(Group.board_id == board.id)):
        raise DomainError(p.NO_GROUPS)
    vote = Vote(board_id=board.id, target=target, budget=budget, cap=cap, hide_results=hide_results,
                is_open=True, revealed=False)
    session.add(vote)
    return _changed(session, board, vote)


def _the_vote(session: Session, board: Board, vote_id: int) -> Vote:
    return on_board(session, board, Vote, vote_id, "vote")


def close_vote(session: Session, board: Board, actor: Actor, *, vote_id: int) -> Change:
    """Stop accepting dots."""
    require_facilitator(actor)
    vote = _the_vote(session, board, vote_id)
    if not vote.is_open:
        raise DomainError(p.NO_VOTE)
    vote.is_open = False
    return _changed(session, board, vote)


def reveal_vote(session: Session, board: Board, actor: Actor, *, vote_id: int) -> Change:
    """Show the totals to everyone (the ranking on the projector)."""
    require_facilitator(actor)
    vote = _the_vote(session, board, vote_id)
    vote.revealed = True
    return _changed(session, board, vote)


def _open_vote_for(session: Session, board: Board, actor: Actor, vote_id: int, target_id: int) -> Vote:
    check_may(board, actor, "vote")
    vote = current_vote(session, board)
    if vote is None or vote.id != vote_id:
        _the_vote(session, board, vote_id)  # not_found or wrong_board, naming the field, when it is not this board's
        raise DomainError(p.NO_VOTE)
    if not vote.is_open:
        raise DomainError(p.NO_VOTE)
    check_on_board(session, board, Note if vote.target == "notes" else Group, target_id, "target")
    return vote


def _mine_change(session: Session, board: Board, vote: Vote, actor: Actor, used: int) -> Change:
    """A dot cast or taken back: no seq and no change-log entry (the board's row is not
    touched, so a room casting at once is not queued behind it). The caster hears its ack and
    `vote:mine` at once; the room hears the totals as a tally, coalesced (tallies.py, which
    also reads then which consoles to tell)."""
    mine = {"vote": vote.id, **my_dots(session, vote, actor.participant_id, used=used)}
    own = [(actor.participant_id, p.VOTE_MINE, {"board": board.id, **mine})]
    form = {"board": board.id, "vote": vote_form(session, vote)}
    return Change(board.id, p.BOARD_TALLY, form, p.BOARD_TALLY, form, own, {"mine": mine}, tally=True)


@functools.cache
def _spending(dialect: str, model: type, keys: tuple[str, ...], column_name: str) -> Any:
    """INSERT the row at 1, or add one to it while it stays under :limit; RETURNING the count.
    Built once per table, on the table itself: a dot storm runs it hundreds of times a second,
    and through the ORM each cost five times the statement."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    column = table.c[column_name]
    return (
        insert(table).values(**{k: bindparam(k) for k in keys}, **{column_name: 1})
        .on_conflict_do_update(index_elements=list(keys), set_={column_name: column + 1},
                               where=column < bindparam("limit"))
        .returning(column)
    )


def _spend(session: Session, model: type, keys: dict[str, Any], column: Any, limit: int) -> int | None:
    """Add one to the row's count if it stays within limit, creating the row at 1 (one
    statement, the row locked by it: no race). The new count, or None when at the limit."""
    statement = _spending(session.get_bind().dialect.name, model, tuple(keys), column.key)
    return session.connection().execute(statement, {**keys, "limit": limit}).scalar_one_or_none()


def cast(session: Session, board: Board, actor: Actor, *, vote_id: int, target_id: int) -> Change:
    """Put one dot on a note or group: within the budget and the cap, atomically."""
    vote = _open_vote_for(session, board, actor, vote_id, target_id)
    pid = actor.participant_id
    # Lock order, always: the ballot row, then the dot row (so cast and take-back never deadlock).
    used = _spend(session, Ballot, {"vote_id": vote.id, "participant_id": pid}, Ballot.used, vote.budget)
    if used is None:
        raise DomainError(p.NO_DOTS_LEFT)
    placed = _spend(session, Dot, {"vote_id": vote.id, "participant_id": pid, "target_id": target_id}, Dot.count,
                    vote.cap)
    if placed is None:
        raise DomainError(p.CAP_REACHED)  # the caller rolls back the ballot's +1
    return _mine_change(session, board, vote, actor, used)


def uncast(session: Session, board: Board, actor: Actor, *, vote_id: int, target_id: int) -> Change:
    """Take one dot back from a note or group."""
    vote = _open_vote_for(session, board, actor, vote_id, target_id)
    pid = actor.participant_id
    returned = session.execute(
        update(Ballot)
        .where(Ballot.vote_id == vote.id, Ballot.participant_id == pid, Ballot.used > 0)
        .values(used=Ballot.used - 1)
        .returning(Ballot.used)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    taken = None
    if returned is not None:
        taken = session.execute(
            update(Dot)
            .where(Dot.vote_id == vote.id, Dot.participant_id == pid, Dot.target_id == target_id, Dot.count > 0)
            .values(count=Dot.count - 1)
            .returning(Dot.count)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
    if taken is None:
        raise DomainError(p.NOT_VOTED)
    return _mine_change(session, board, vote, actor, returned)


def forget_target(session: Session, board: Board, target: str, target_id: int) -> list[tuple[str, str, dict]]:
    """A note or group is gone: give its dots back to their owners, in every vote of the board.

    Returns the vote:mine events for the participants whose dots came back.
    """
    rows = session.execute(
        select(Dot.vote_id, Dot.participant_id, Dot.count)
        .join(Vote, Vote.id == Dot.vote_id)
        .where(Vote.board_id == board.id, Vote.target == target, Dot.target_id == target_id, Dot.count > 0)
    ).all()
    own = []
    for vote_id, pid, count in rows:
        session.execute(
            update(Ballot)
            .where(Ballot.vote_id == vote_id, Ballot.participant_id == pid)
            .values(used=Ballot.used - count)
            .execution_options(synchronize_session=False)
        )
    if rows:
        vote_ids = {r.vote_id for r in rows}
        session.execute(delete(Dot).where(Dot.vote_id.in_(vote_ids), Dot.target_id == target_id))
        for vote_id, pid, _count in rows:
            vote = session.get(Vote, vote_id)
            own.append((pid, p.VOTE_MINE, {"board": board.id, "vote": vote_id, **my_dots(session, vote, pid)}))
    return own
