"""Dot voting. The budget and the per-note cap are conditions of single UPDATE
statements, so parallel votes (two tabs, two workers) can never exceed them:
the database row lock orders them, and the loser's WHERE no longer matches.

Who voted for what stays in the ballots and dots tables; only totals leave the server,
and only once the facilitator allows it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
from .queries import current_vote, dots_of, my_dots


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


class Ballots:
    """The dots cast and taken back on one board in one transaction: one dot alone (`cast`,
    `uncast`) or a burst of them (bursts.py). The vote is read once, each target checked
    once, and each dot spent by its own statement (the budget and the cap are its WHERE, so
    no order of dots can exceed them); the totals and each caster's dots are read once, at
    the end (`change`)."""

    def __init__(self, session: Session, board: Board) -> None:
        self.session, self.board = session, board
        self.vote = current_vote(session, board)
        self.targets: set[int] = set()  # checked: this board's
        self.used: dict[str, int] = {}  # participant -> their ballot's count after their last dot here

    def _open_for(self, actor: Actor, vote_id: int, target_id: int) -> Vote:
        check_may(self.board, actor, "vote")
        vote = self.vote
        if vote is None or vote.id != vote_id:
            _the_vote(self.session, self.board, vote_id)  # not_found or wrong_board, naming the field
            raise DomainError(p.NO_VOTE)
        if not vote.is_open:
            raise DomainError(p.NO_VOTE)
        if target_id not in self.targets:
            check_on_board(self.session, self.board, Note if vote.target == "notes" else Group, target_id, "target")
            self.targets.add(target_id)
        return vote

    def cast(self, actor: Actor, vote_id: int, target_id: int) -> None:
        """Put one dot on a note or group: within the budget and the cap, atomically."""
        vote = self._open_for(actor, vote_id, target_id)
        ballot = {"vote_id": vote.id, "participant_id": actor.participant_id}
        # Lock order, always: the ballot row, then the dot row (so cast and take-back never deadlock).
        used = _spend(self.session, Ballot, ballot, Ballot.used, vote.budget)
        if used is None:
            raise DomainError(p.NO_DOTS_LEFT)
        if _spend(self.session, Dot, {**ballot, "target_id": target_id}, Dot.count, vote.cap) is None:
            self._give_back(ballot, 1)  # the other dots of a burst share this transaction
            raise DomainError(p.CAP_REACHED)
        self.used[actor.participant_id] = used

    def uncast(self, actor: Actor, vote_id: int, target_id: int) -> None:
        """Take one dot back from a note or group."""
        vote = self._open_for(actor, vote_id, target_id)
        pid = actor.participant_id
        returned = self.session.execute(
            update(Ballot)
            .where(Ballot.vote_id == vote.id, Ballot.participant_id == pid, Ballot.used > 0)
            .values(used=Ballot.used - 1)
            .returning(Ballot.used)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if returned is None:
            raise DomainError(p.NOT_VOTED)
        taken = self.session.execute(
            update(Dot)
            .where(Dot.vote_id == vote.id, Dot.participant_id == pid, Dot.target_id == target_id, Dot.count > 0)
            .values(count=Dot.count - 1)
            .returning(Dot.count)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if taken is None:
            self._give_back({"vote_id": vote.id, "participant_id": pid}, -1)
            raise DomainError(p.NOT_VOTED)
        self.used[pid] = returned

    def _give_back(self, ballot: dict[str, Any], spent: int) -> None:
        """Undo what a refused dot did to its ballot."""
        self.session.execute(
            update(Ballot)
            .where(Ballot.vote_id == ballot["vote_id"], Ballot.participant_id == ballot["participant_id"])
            .values(used=Ballot.used - spent)
            .execution_options(synchronize_session=False)
        )

    def change(self) -> Change:
        """What the dots counted here changed: no seq and no change-log entry (the board's row
        is not touched, so a room casting at once is not queued behind it). Each caster hears
        its ack and `vote:mine` at once, its dots as they are after all of them (`reply["mine"]`:
        participant -> theirs); the room hears the totals as a tally, coalesced (tallies.py,
        which also reads then which consoles to tell)."""
        vote, board = self.vote, self.board
        dots = dots_of(self.session, vote, list(self.used))
        mine = {pid: {"vote": vote.id, "left": vote.budget - used, "dots": dots.get(pid, {})}
                for pid, used in self.used.items()}
        own = [(pid, p.VOTE_MINE, {"board": board.id, **form}) for pid, form in mine.items()]
        form = {"board": board.id, "vote": vote_form(self.session, vote)}
        return Change(board.id, p.BOARD_TALLY, form, p.BOARD_TALLY, form, own, {"mine": mine}, tally=True)


def _one_dot(session: Session, board: Board, actor: Actor, count: Callable[[Ballots], None]) -> Change:
    ballots = Ballots(session, board)
    count(ballots)
    change = ballots.change()
    change.reply["mine"] = change.reply["mine"][actor.participant_id]
    return change


def cast(session: Session, board: Board, actor: Actor, *, vote_id: int, target_id: int) -> Change:
    """Put one dot on a note or group: within the budget and the cap, atomically."""
    return _one_dot(session, board, actor, lambda ballots: ballots.cast(actor, vote_id, target_id))


def uncast(session: Session, board: Board, actor: Actor, *, vote_id: int, target_id: int) -> Change:
    """Take one dot back from a note or group."""
    return _one_dot(session, board, actor, lambda ballots: ballots.uncast(actor, vote_id, target_id))


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
