"""Who sees what. One presenter per audience; every wire form, snapshot, change-log entry
and Markdown note is made through one of them, and nothing else decides visibility.

An audience is two rules: which notes it sees (`sees_note`) and whether it sees who
wrote them (`signs`). Everything else follows from those two: the form of a change, a
snapshot, the Markdown note. A new audience (the bilan, the plenary screen) is one more
class here.

| audience | notes while writing is private | pseudonyms when the board hides them |
|---|---|---|
| Facilitators (owner, workshop facilitators) | all | shown |
| Phone (one participant) | their own only | hidden |
| Projector, and the phones' shared room | none (counts per column) | hidden |
| ChangeLog (what catch-up may replay) | none (counts per column) | hidden |
| MarkdownNote (the file under NOTES_DIR, the download) | none (counts per column) | hidden |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from .. import protocol as p
from ..export.markdown import ActionLine, BoardNote, ColumnNotes, GroupNotes, NoteLine, Ranked
from ..export.render import render_note
from ..models import Action, Board, Group, Note, Vote, Workshop
from . import queries
from .phases import may

# While writing is private, these changes reach the public audiences as counts only.
HIDDEN_WHILE_PRIVATE = frozenset({p.NOTE_ADDED, p.NOTE_EDITED, p.NOTE_MOVED, p.NOTE_DELETED, p.NOTE_PURGED,
                                  p.BOARD_GROUPS})


# ---- wire forms (what a row looks like once an audience may see it) -------------------------
def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC.
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch_ms(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1000)


def note_form(note: Note, *, signed: bool = True) -> dict[str, Any]:
    """The wire form of a note; unsigned, without pseudonym and organisation."""
    return {
        "id": note.id,
        "column": note.column_id,
        "group": note.group_id,
        "position": note.position,
        "text": note.text,
        "html": render_note(note.text),
        "color": note.color,
        "pseudonym": note.pseudonym if signed else "",
        "organisation": note.organisation.name if signed and note.organisation else "",
        "version": note.version,
        "created_at": _iso(note.created_at),
        "edited_at": _iso(note.edited_at) if note.edited_at else None,
    }


def unsigned(note: dict[str, Any]) -> dict[str, Any]:
    """A note's wire form without who wrote it."""
    return {**note, "pseudonym": "", "organisation": ""}


def columns_form(board: Board) -> list[dict[str, Any]]:
    """A board's columns, in order."""
    return [{"id": c.id, "title": c.title, "position": c.position} for c in board.columns]


def workshop_form(workshop: Workshop, board_id: int | None = None) -> dict[str, Any]:
    """A workshop (pass board_id when it is known, to spare a query)."""
    if board_id is None and workshop.board is not None:
        board_id = workshop.board.id
    return {
        "id": workshop.id,
        "board": board_id,
        "title": workshop.title,
        "question": workshop.question,
        "day": workshop.day.isoformat() if workshop.day else None,
        "time_slot": workshop.time_slot,
        "room": workshop.room,
        "position": workshop.position,
    }


def group_form(group: Group) -> dict[str, Any]:
    """A group of notes."""
    return {"id": group.id, "column": group.column_id, "title": group.title, "position": group.position}


def action_form(action: Action) -> dict[str, Any]:
    """An action (no pseudonym: an action belongs to an organisation)."""
    return {
        "id": action.id,
        "what": action.what,
        "organisation": action.organisation_id,
        "organisation_name": action.organisation.name if action.organisation else "",
        "due": action.due_on.isoformat() if action.due_on else None,
        "note": action.note_id,
        "group": action.group_id,
        "position": action.position,
    }


def state_form(board: Board) -> dict[str, Any]:
    """The facilitation state: step, private writing, lock, anonymity, timer, spotlight, and
    what a participant may do at this step (`may`), so no phone has to know the rules."""
    timer = None
    if board.timer_total_ms is not None:
        timer = {
            "ends_at": _epoch_ms(board.timer_ends_at) if board.timer_ends_at else None,
            "left": board.timer_left_ms,
            "total": board.timer_total_ms,
            "locks": board.timer_locks,
        }
    spotlight = {"kind": board.spotlight_kind, "id": board.spotlight_id} if board.spotlight_kind else None
    return {
        "phase": board.phase,
        "private": board.private,
        "locked": board.locked,
        "anonymity": board.anonymity,
        "timer": timer,
        "spotlight": spotlight,
        "may": may(board.phase),
    }


def vote_form(session: Session, vote: Vote) -> dict[str, Any]:
    """What anyone may know of a vote: its rules, how many dots were cast, and the totals
    only once they are shown (who gave which dot is never in it)."""
    cast, voters = queries.turnout(session, vote)
    shown = vote.revealed or not vote.hide_results
    return {
        "id": vote.id,
        "target": vote.target,
        "budget": vote.budget,
        "cap": vote.cap,
        "hide_results": vote.hide_results,
        "open": vote.is_open,
        "revealed": vote.revealed,
        "cast": cast,
        "voters": voters,
        "results": queries.results(session, vote) if shown else None,
    }


# ---- the audiences ------------------------------------------------------------------------
class Presenter:
    """An audience of a board. Subclasses say what it sees; the forms follow."""

    audience = "public"
    participant: str | None = None

    def sees_note(self, board: Board, note: Note) -> bool:
        """Whether this audience may see this note at all."""
        return not board.private

    def signs(self, board: Board) -> bool:
        """Whether this audience may see who wrote the notes."""
        return board.anonymity == p.SHOWN

    def sees_private(self, board: Board) -> bool:
        """Whether it sees the board as it is while writing is private (notes and groups)."""
        return not board.private

    # -- derived forms --
    def note(self, board: Board, note: Note) -> dict[str, Any] | None:
        """The note as this audience sees it, or None."""
        if not self.sees_note(board, note):
            return None
        return note_form(note, signed=self.signs(board))

    def change(self, session: Session, board: Board, name: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The form of a change (its full form is `data`) that this audience receives."""
        if name in HIDDEN_WHILE_PRIVATE and not self.sees_private(board):
            counts = {"counts": queries.note_counts(session, board)}
            return p.BOARD_COUNTS, {**counts, "resync": True} if data.get("resync") else counts
        if isinstance(data.get("note"), dict) and not self.signs(board):
            data = {**data, "note": unsigned(data["note"])}
        return name, data

    def vote(self, session: Session, vote: Vote | None) -> dict[str, Any] | None:
        """The current vote, with this audience's own dots (none but a phone's)."""
        if vote is None:
            return None
        return {**vote_form(session, vote), "mine": queries.my_dots(session, vote, self.participant)}

    def snapshot(self, session: Session, board: Board) -> tuple[dict[str, Any], list[int]]:
        """The whole board as this audience sees it, and the ids of its own notes in it.

        seq is read before the notes, so the snapshot is never older than its seq;
        replaying changes after seq is harmless because clients apply them idempotently.
        """
        seq = session.scalar(select(Board.seq).where(Board.id == board.id))
        notes = [n for n in queries.notes_of(session, board) if self.sees_note(board, n)]
        open_board = self.sees_private(board)
        payload = {
            "id": board.id,
            "seq": seq,
            "event": {"code": board.event.code, "title": board.event.title},
            "workshop": workshop_form(board.workshop, board.id),
            "columns": columns_form(board),
            "notes": [note_form(n, signed=self.signs(board)) for n in notes],
            "state": state_form(board),
            "counts": None if open_board else queries.note_counts(session, board),
            "groups": [group_form(g) for g in queries.groups_of(session, board)] if open_board else [],
            "vote": self.vote(session, queries.current_vote(session, board)),
            "actions": [action_form(a) for a in queries.actions_of(session, board)],
        }
        own = [n.id for n in notes if self.participant is not None and n.author_id == self.participant]
        return payload, own


class Facilitators(Presenter):
    """The owner and the workshop's facilitators: everything, pseudonyms included."""

    audience = "facilitators"

    def sees_note(self, board: Board, note: Note) -> bool:
        return True

    def signs(self, board: Board) -> bool:
        return True

    def sees_private(self, board: Board) -> bool:
        return True

    def change(self, session: Session, board: Board, name: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return name, data


class Projector(Presenter):
    """The big screen, and the room that every phone of the board shares."""

    audience = "projector"


class ChangeLog(Projector):
    """What catch-up may replay: never more than the shared room was sent."""

    audience = "log"


class Phone(Presenter):
    """One participant's phone: what the room sees, and their own notes even while private."""

    audience = "phone"

    def __init__(self, participant: str | None) -> None:
        self.participant = participant

    def sees_note(self, board: Board, note: Note) -> bool:
        return not board.private or (self.participant is not None and note.author_id == self.participant)


class MarkdownNote(Projector):
    """The board's Markdown file and its download: what the room sees, as a document."""

    audience = "markdown"

    def document(self, session: Session, board: Board) -> BoardNote:
        """Gather the Markdown note of a board: columns with their groups and notes, the
        rankings of revealed votes, the actions; while private, counts only."""
        workshop = board.workshop
        event = workshop.event
        signed = self.signs(board)
        notes = [n for n in session.scalars(
            select(Note).where(Note.board_id == board.id).order_by(Note.position, Note.id)) if self.sees_note(board, n)]
        lines = {
            n.id: NoteLine(n.text, n.pseudonym if signed else "",
                           n.organisation.name if signed and n.organisation else "")
            for n in notes
        }
        groups = queries.groups_of(session, board) if self.sees_private(board) else []
        counts = {} if self.sees_private(board) else queries.note_counts(session, board)
        columns = []
        for column in board.columns:
            if not self.sees_private(board):
                columns.append(ColumnNotes(column.title, [], hidden=counts.get(str(column.id), 0)))
                continue
            loose = [lines[n.id] for n in notes if n.column_id == column.id and n.group_id is None]
            gathered = [GroupNotes(g.title, [lines[n.id] for n in notes if n.group_id == g.id])
                        for g in sorted(groups, key=lambda g: (g.position, g.id)) if g.column_id == column.id]
            columns.append(ColumnNotes(column.title, loose, gathered))
        rankings: list[list[Ranked]] = []
        if self.sees_private(board):
            texts = {("notes", n.id): n.text for n in notes} | {("groups", g.id): g.title for g in groups}
            rankings = [
                [Ranked(texts[(v.target, r["id"])], r["dots"]) for r in queries.results(session, v)
                 if (v.target, r["id"]) in texts]
                for v in queries.revealed_votes(session, board)
            ]
        return BoardNote(
            event=event.title,
            place=event.place,
            workshop=workshop.title,
            question=workshop.question,
            day=workshop.day,
            time_slot=workshop.time_slot,
            room=workshop.room,
            columns=columns,
            written_at=clock.now(),
            rankings=rankings,
            actions=[ActionLine(a.what, a.organisation.name if a.organisation else "", a.due_on)
                     for a in queries.actions_of(session, board)],
        )


FACILITATORS = Facilitators()
PROJECTOR = Projector()
LOG = ChangeLog()
MARKDOWN = MarkdownNote()


def for_view(view: str, participant: str | None) -> Presenter:
    """The presenter of a screen that joined a board as this view."""
    if view == "console":
        return FACILITATORS
    if view == "projector":
        return PROJECTOR
    return Phone(participant)
