"""Read-only questions about a board that several modules ask: counts, tallies, lists.

Nothing here decides who may see an answer; the presenters do.
"""

from __future__ import annotations

from sqlalchemy import Row, String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from ..models import Action, Ballot, Board, Dot, Event, Group, Note, Participant, Vote


def notes_of(session: Session, board: Board) -> list[Note]:
    """Every note of the board, column by column, in order."""
    return list(session.scalars(
        select(Note).where(Note.board_id == board.id).order_by(Note.column_id, Note.position, Note.id)))


def note_counts(session: Session, board: Board) -> dict[str, int]:
    """How many notes each column holds (column ids as strings, as JSON keys are)."""
    rows = session.execute(
        select(Note.column_id, func.count(Note.id)).where(Note.board_id == board.id).group_by(Note.column_id)
    ).all()
    return {str(column): count for column, count in rows}


def groups_of(session: Session, board: Board) -> list[Group]:
    """The board's groups, column by column, in order."""
    return list(session.scalars(
        select(Group).where(Group.board_id == board.id).order_by(Group.column_id, Group.position, Group.id)))


def actions_of(session: Session, board: Board) -> list[Action]:
    """The board's actions, in the order they were decided."""
    return list(session.scalars(
        select(Action).where(Action.board_id == board.id).order_by(Action.position, Action.id)))


def current_vote(session: Session, board: Board) -> Vote | None:
    """The board's latest vote (open or not), if any."""
    return session.scalar(select(Vote).where(Vote.board_id == board.id).order_by(Vote.id.desc()).limit(1))


# What a screen's join needs to know of a board, in one statement: its seq and whether writing
# is private, its event (who may run it, what its snapshot is stamped with), whether it has a
# vote, and the ids of the caller's own notes (`pids`: the participant ids the cookie holds;
# the one of this board's event is the author of its notes). Built once: the statement is
# compiled once and every join only binds its values.
_LATEST_VOTE = select(Vote.id).where(Vote.board_id == Board.id).order_by(Vote.id.desc()).limit(1)
_OWN_NOTES = (
    select(func.aggregate_strings(cast(Note.id, String), ","))
    .join(Participant, Participant.id == Note.author_id)
    .where(Note.board_id == Board.id, Participant.event_id == Board.event_id,
           Note.author_id.in_(bindparam("pids", expanding=True)))
)
JOIN_FACTS = (
    select(Board.id, Board.seq, Board.private, Board.event_id, Event.code, Event.title, Event.language,
           _LATEST_VOTE.scalar_subquery().label("vote_id"), _OWN_NOTES.scalar_subquery().label("own_notes"))
    .join(Event, Event.id == Board.event_id)
    .where(Board.id == bindparam("board"))
)


def join_facts(session: Session, board_id: int, participant_ids: list[str]) -> Row | None:
    """What a join needs of a board (JOIN_FACTS), or None when there is no such board. Read
    through the session's connection, without loading the board as an object: a storm of
    joins asks this hundreds of times a second."""
    return session.connection().execute(JOIN_FACTS, {"board": board_id, "pids": participant_ids or [""]}).one_or_none()


def own_note_ids(facts: Row) -> list[int]:
    """The caller's note ids from join_facts, in the order of Presenter.own_notes."""
    return sorted(int(i) for i in facts.own_notes.split(",")) if facts.own_notes else []


def revealed_votes(session: Session, board: Board) -> list[Vote]:
    """The votes whose results everyone may see, oldest first."""
    return list(session.scalars(select(Vote).where(Vote.board_id == board.id, Vote.revealed).order_by(Vote.id)))


def results(session: Session, vote: Vote) -> list[dict[str, int]]:
    """Totals per note or group, most dots first (ties by id)."""
    rows = session.execute(
        select(Dot.target_id, func.sum(Dot.count).label("dots"))
        .where(Dot.vote_id == vote.id)
        .group_by(Dot.target_id)
        .having(func.sum(Dot.count) > 0)
    ).all()
    return [{"id": t, "dots": int(d)} for t, d in sorted(rows, key=lambda r: (-r.dots, r.target_id))]


def turnout(session: Session, vote: Vote) -> tuple[int, int]:
    """How many dots were cast, by how many people."""
    cast, voters = session.execute(
        select(func.coalesce(func.sum(Ballot.used), 0), func.count(Ballot.id).filter(Ballot.used > 0)).where(
            Ballot.vote_id == vote.id
        )
    ).one()
    return int(cast), int(voters)


def dots_of(session: Session, vote: Vote, participant_ids: list[str]) -> dict[str, dict[str, int]]:
    """Several participants' own dots, read at once: {participant: {target id: count}} (the
    ones with none are left out)."""
    if not participant_ids:
        return {}
    rows = session.execute(
        select(Dot.participant_id, Dot.target_id, Dot.count).where(
            Dot.vote_id == vote.id, Dot.participant_id.in_(participant_ids), Dot.count > 0
        )
    ).all()
    found: dict[str, dict[str, int]] = {}
    for pid, target, count in rows:
        found.setdefault(pid, {})[str(target)] = count
    return found


def my_dots(session: Session, vote: Vote, participant_id: str | None) -> dict:
    """One participant's own dots: {left, dots: {target id: count}} (for them only)."""
    if participant_id is None:
        return {"left": vote.budget, "dots": {}}
    used = session.scalar(select(Ballot.used).where(Ballot.vote_id == vote.id, Ballot.participant_id == participant_id))
    return {"left": vote.budget - (used or 0), "dots": dots_of(session, vote, [participant_id]).get(participant_id, {})}
