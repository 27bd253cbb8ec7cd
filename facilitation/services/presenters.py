"""Who sees what. One presenter per audience; every wire form, snapshot, change-log entry
and Markdown note is made through one of them, and nothing else decides visibility.

An audience is two rules: which notes it sees (`sees_note`) and whether it sees who
wrote them (`signs`). Everything else follows from those two: the form of a change, a
snapshot, the Markdown note. A new audience (the bilan, the plenary screen) is one more
class here.

| audience | notes while writing is private | pseudonyms |
|---|---|---|
| Facilitators (owner, workshop facilitators) | all | always |
| Phone (one participant) | their own only | as the board shows them |
| Projector, and the phones' shared room | none (counts per column) | as the board shows them |
| ChangeLog (what catch-up may replay) | none (counts per column) | as the board shows them |
| MarkdownNote (the file under NOTES_DIR, the download) | none (counts per column) | as the board shows them |
| Bilan (bilan.md, its preview, the zip) | none; never a note kept out of it | only if the facilitator asks |
| Plenary (the plenary screen) | none | never |
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock, dates
from .. import protocol as p
from ..export.bilan import BilanDocument, CardEntry, OwnerActions, ProgrammeEntry, WorkshopEntry
from ..export.markdown import ActionLine, BoardNote, ColumnNotes, GroupNotes, NoteLine, Ranked
from ..export.render import note_html, render_note
from ..models import Action, Board, CardNote, Group, Note, Organisation, ProgrammeItem, Vote, Workshop
from . import queries, timers
from .phases import may

# While writing is private, these changes reach the public audiences as counts only.
HIDDEN_WHILE_PRIVATE = frozenset({p.NOTE_ADDED, p.NOTE_EDITED, p.NOTE_MOVED, p.NOTE_DELETED, p.NOTE_PURGED,
                                  p.BOARD_GROUPS})


# ---- wire forms (what a row looks like once an audience may see it) -------------------------
def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC.
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def note_form(note: Note, *, signed: bool = True) -> dict[str, Any]:
    """The wire form of a note; unsigned, without pseudonym and organisation."""
    return {
        "id": note.id,
        "column": note.column_id,
        "group": note.group_id,
        "position": note.position,
        "text": note.text,
        "html": shown_html(note.text, note_html(note.text, note.html, note.html_version)),
        "color": note.color,
        "pseudonym": note.pseudonym if signed else "",
        "organisation": note.organisation.name if signed and note.organisation else "",
        "version": note.version,
        "for_bilan": note.for_bilan,
        "created_at": _iso(note.created_at),
        "edited_at": _iso(note.edited_at) if note.edited_at else None,
    }


def shown_html(text: str, html: str) -> str | None:
    """A note's HTML for the screens, or None when it is one plain paragraph (the screens show
    the text itself: half the bytes of a board, most notes being plain)."""
    return None if html == f"<p>{escape(text, quote=False)}</p>" else html


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
        "slot": workshop.slot_id,
    }


def programme_form(item: ProgrammeItem, language: str) -> dict[str, Any]:
    """A time of the programme, with its day and hours written for a reader of this language."""
    return {
        "id": item.id,
        "day": item.day.isoformat(),
        "starts_at": item.starts_at.strftime("%H:%M"),
        "ends_at": item.ends_at.strftime("%H:%M"),
        "kind": item.kind,
        "title": item.title,
        "text": item.text,
        "room": item.room,
        "position": item.position,
        "workshops": [w.id for w in item.workshops],
        "label": dates.when(item.day, item.starts_at, item.ends_at, language),
    }


def card_form(org: Organisation) -> dict[str, Any]:
    """An organisation and its card (everything on it is meant for the whole meeting)."""
    return {
        "id": org.id,
        "name": org.name,
        "city": org.city,
        "country": org.country,
        "website": org.website,
        "description": org.description,
        "description_html": render_note(org.description) if org.description else "",
        "on_subject": org.on_subject,
        "on_subject_html": render_note(org.on_subject) if org.on_subject else "",
        "contact": org.contact,
        "card_ready": org.card_ready,
        "position": org.position,
        "is_host": org.is_host,
    }


def group_form(group: Group) -> dict[str, Any]:
    """A group of notes."""
    return {"id": group.id, "column": group.column_id, "title": group.title, "position": group.position}


def action_form(action: Action, language: str) -> dict[str, Any]:
    """An action (no pseudonym: an action belongs to an organisation), its date in words in
    the event's language (every screen of the room reads the same words)."""
    return {
        "id": action.id,
        "what": action.what,
        "organisation": action.organisation_id,
        "organisation_name": action.organisation.name if action.organisation else "",
        "due": action.due_on.isoformat() if action.due_on else None,
        "due_label": dates.short_day(action.due_on, language) if action.due_on else "",
        "note": action.note_id,
        "group": action.group_id,
        "position": action.position,
    }


def state_form(board: Board) -> dict[str, Any]:
    """The facilitation state: step, private writing, lock, anonymity, timer, spotlight, and
    what a participant may do at this step (`may`), so no phone has to know the rules."""
    timer = timers.form(board, "timer_")
    if timer is not None:
        timer["locks"] = board.timer_locks
    spotlight = {"kind": board.spotlight_kind, "id": board.spotlight_id} if board.spotlight_kind else None
    return {
        "phase": board.phase,
        "private": board.private,
        "locked": board.locked,
        "anonymity": board.anonymity,
        "timer": timer,
        "spotlight": spotlight,
        "page_seconds": board.page_seconds,
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
        # When these totals were read (server ms): a screen keeps the latest of the tallies and
        # votes it hears, whatever order they arrive in.
        "at": clock.now_ms(),
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

    def shared_key(self, board: Board) -> str | None:
        """Which audience's board this one sees, when every screen of it sees the same (its
        snapshot may then be built once per seq and shared); None when it is its own."""
        return None

    def snapshot(self, session: Session, board: Board) -> tuple[dict[str, Any], list[int]]:
        """The whole board as this audience sees it, and the ids of its own notes in it."""
        payload = self.shared(session, board)
        payload["vote"] = self.vote(session, queries.current_vote(session, board))
        mine = set(self.own_notes(session, board))
        return payload, [n["id"] for n in payload["notes"] if n["id"] in mine]

    def own_notes(self, session: Session, board: Board) -> list[int]:
        """The ids of this audience's own notes on the board (none but a phone's)."""
        if self.participant is None:
            return []
        return list(session.scalars(select(Note.id).where(Note.board_id == board.id,
                                                          Note.author_id == self.participant).order_by(Note.id)))

    def shared(self, session: Session, board: Board) -> dict[str, Any]:
        """The board as this audience sees it, but the vote (dots are cast without a seq: see
        realtime's tallies) and the audience's own part.

        seq is read before the notes, so the snapshot is never older than its seq;
        replaying changes after seq is harmless because clients apply them idempotently.
        """
        seq = session.scalar(select(Board.seq).where(Board.id == board.id))
        notes = [n for n in queries.notes_of(session, board) if self.sees_note(board, n)]
        open_board = self.sees_private(board)
        return {
            "id": board.id,
            "seq": seq,
            "event": {"code": board.event.code, "title": board.event.title},
            "workshop": workshop_form(board.workshop, board.id),
            "columns": columns_form(board),
            "notes": [note_form(n, signed=self.signs(board)) for n in notes],
            "state": state_form(board),
            "counts": None if open_board else queries.note_counts(session, board),
            "groups": [group_form(g) for g in queries.groups_of(session, board)] if open_board else [],
            "actions": [action_form(a, board.event.language) for a in queries.actions_of(session, board)],
        }

    def board_parts(self, session: Session, board: Board) -> tuple[list[ColumnNotes], list[list[Ranked]]]:
        """A board as a document shows it to this audience: its columns with their groups and
        notes (while private, counts only), and the rankings of its revealed votes."""
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
        return columns, rankings


class Facilitators(Presenter):
    """The owner and the workshop's facilitators: everything, pseudonyms included."""

    audience = "facilitators"

    def shared_key(self, board: Board) -> str | None:
        return "facilitators"

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

    def shared_key(self, board: Board) -> str | None:
        return "public" if self.audience == "projector" else None  # not the documents made from it


class ChangeLog(Projector):
    """What catch-up may replay: never more than the shared room was sent."""

    audience = "log"


class Phone(Presenter):
    """One participant's phone: what the room sees, and their own notes even while private."""

    audience = "phone"

    def __init__(self, participant: str | None) -> None:
        self.participant = participant

    def shared_key(self, board: Board) -> str | None:
        return None if board.private else "public"  # while private, their own notes are in it

    def sees_note(self, board: Board, note: Note) -> bool:
        return not board.private or (self.participant is not None and note.author_id == self.participant)


class MarkdownNote(Projector):
    """The board's Markdown file and its download: what the room sees, as a document."""

    audience = "markdown"

    def actions(self, session: Session, board: Board) -> list[Action]:
        """The board's actions this document holds."""
        return queries.actions_of(session, board)

    def when(self, workshop: Workshop, language: str) -> tuple[str, str]:
        """A workshop's day and hours in words: its programme slot's, else its own."""
        day = workshop.day
        slot = next((item for item in workshop.event.programme if item.id == workshop.slot_id), None)
        hours = dates.hours(slot.starts_at, slot.ends_at, language) if slot else ""
        return (dates.day(day, language) if day else ""), workshop.time_slot or hours

    def document(self, session: Session, board: Board) -> BoardNote:
        """Gather the Markdown note of a board: columns with their groups and notes, the
        rankings of revealed votes, the actions; while private, counts only."""
        workshop = board.workshop
        event = workshop.event
        columns, rankings = self.board_parts(session, board)
        day_label, hours = self.when(workshop, event.language)
        return BoardNote(
            event=event.title,
            place=event.place,
            workshop=workshop.title,
            question=workshop.question,
            day=workshop.day,
            time_slot=hours,
            room=workshop.room,
            columns=columns,
            written_at=clock.now(),
            rankings=rankings,
            actions=[action_line(a, event.language) for a in self.actions(session, board)],
            day_label=day_label,
        )


class Bilan(MarkdownNote):
    """The bilan of the whole meeting, and each workshop's file as the bilan's zip holds it:
    what the room saw, but for the notes their author or the facilitator kept out of it (and
    the actions made from them, which carry their words), and without pseudonyms unless the
    facilitator asks for them."""

    audience = "bilan"

    def __init__(self, event: Any) -> None:
        self.event = event

    def sees_note(self, board: Board, note: Note) -> bool:
        return not board.private and note.for_bilan

    def signs(self, board: Board) -> bool:
        return self.event.bilan_pseudonyms and board.anonymity == p.SHOWN

    def actions(self, session: Session, board: Board) -> list[Action]:
        kept_out = set(session.scalars(select(Note.id).where(Note.board_id == board.id, Note.for_bilan.is_(False))))
        return [a for a in queries.actions_of(session, board) if a.note_id not in kept_out]

    def whole(self, session: Session) -> BilanDocument:
        """Everything the bilan holds, from the database, in the event's language."""
        event, language = self.event, self.event.language
        orgs = list(session.scalars(select(Organisation).where(Organisation.event_id == event.id)
                                    .order_by(Organisation.position, Organisation.name, Organisation.id)))
        remarks: dict[int, list[tuple[str, str]]] = {}
        for note in session.scalars(select(CardNote).where(CardNote.event_id == event.id, CardNote.for_bilan)
                                    .order_by(CardNote.id)):
            remarks.setdefault(note.organisation_id, []).append((note.kind, note.text))
        cards = [CardEntry(o.name, o.city, o.country, o.website, o.description, o.on_subject, o.contact, o.is_host,
                           remarks.get(o.id, ())) for o in orgs]
        programme: dict[str, list[ProgrammeEntry]] = {}
        for item in event.programme:
            programme.setdefault(dates.day(item.day, language), []).append(ProgrammeEntry(
                dates.hours(item.starts_at, item.ends_at, language), item.kind, item.title, item.text,
                [w.title for w in item.workshops]))
        workshops: list[WorkshopEntry] = []
        owned: dict[str, list[tuple[str, ActionLine]]] = {}
        for workshop in event.workshops:
            board = workshop.board
            columns, rankings = self.board_parts(session, board)
            actions = [action_line(a, language) for a in self.actions(session, board)]
            for action in actions:
                owned.setdefault(action.organisation, []).append((workshop.title, action))
            when = " · ".join(x for x in self.when(workshop, language) if x)
            workshops.append(WorkshopEntry(workshop.title, workshop.question, when, workshop.room, workshop.summary,
                                           columns, rankings, actions))
        owners = [OwnerActions(name, owned[name]) for name in sorted(owned, key=lambda n: (n == "", n.casefold()))]
        return BilanDocument(event.title, event.place, dates.event_dates(event.starts_on, event.ends_on, language),
                             [o.name for o in orgs if o.is_host], cards, list(programme.items()), workshops, owners,
                             event.next_meeting, clock.now())


class Plenary(Projector):
    """The plenary screen: of each workshop, its question, the top of its revealed votes and
    its actions; never a pseudonym, never a note the room has not seen."""

    audience = "plenary"
    TOP = 5

    def signs(self, board: Board) -> bool:
        return False

    def summary(self, session: Session, workshop: Workshop) -> dict[str, Any]:
        """One workshop as the plenary shows it."""
        board = workshop.board
        notes = {n.id: n for n in queries.notes_of(session, board) if self.sees_note(board, n)}
        groups = {g.id: g for g in queries.groups_of(session, board)} if self.sees_private(board) else {}
        rankings = []
        for vote in queries.revealed_votes(session, board):
            top = []
            for row in queries.results(session, vote):
                found = notes.get(row["id"]) if vote.target == "notes" else groups.get(row["id"])
                if found is None:
                    continue
                text = found.text if vote.target == "notes" else found.title
                top.append({"text": text, "html": render_note(text) if vote.target == "notes" else "",
                            "dots": row["dots"]})
                if len(top) == self.TOP:
                    break
            rankings.append(top)
        actions = [action_form(a, board.event.language) for a in queries.actions_of(session, board)]
        return {"id": workshop.id, "title": workshop.title, "question": workshop.question, "room": workshop.room,
                "rankings": rankings, "actions": actions}

    def state(self, session: Session, event: Any) -> dict[str, Any]:
        """The plenary screen: which workshop it shows (None: all in turn), and each one's summary."""
        return {"workshop": event.plenary_workshop_id,
                "workshops": [self.summary(session, w) for w in event.workshops]}


def round_form(session: Session, event: Any) -> dict[str, Any]:
    """The tour de table as every screen sees it: the cards in order, the one on the screen
    (its place, "4 / 13"), its speaking timer, and the questions and notes posted to it."""
    orgs = list(session.scalars(select(Organisation).where(Organisation.event_id == event.id)
                                .order_by(Organisation.position, Organisation.name, Organisation.id)))
    ids = [o.id for o in orgs]
    current = event.round_organisation_id if event.round_organisation_id in ids else None
    notes = session.scalars(select(CardNote).where(CardNote.organisation_id == current)
                            .order_by(CardNote.id)).all() if current else []
    return {"cards": [card_form(o) for o in orgs], "current": current,
            "index": ids.index(current) + 1 if current else 0, "total": len(ids),
            "timer": timers.form(event, "round_timer_"), "notes": [card_note_form(n) for n in notes]}


def card_note_form(note: Any) -> dict[str, Any]:
    """A question or a note posted to a card: its words only, never who wrote it."""
    return {"id": note.id, "organisation": note.organisation_id, "kind": note.kind, "text": note.text,
            "html": render_note(note.text), "created_at": _iso(note.created_at)}


def action_line(action: Action, language: str) -> ActionLine:
    """An action as the Markdown files write it."""
    return ActionLine(action.what, action.organisation.name if action.organisation else "", action.due_on,
                      dates.short_day(action.due_on, language) if action.due_on else "")


FACILITATORS = Facilitators()
PROJECTOR = Projector()
LOG = ChangeLog()
MARKDOWN = MarkdownNote()
PLENARY = Plenary()


def for_view(view: str, participant: str | None) -> Presenter:
    """The presenter of a screen that joined a board as this view."""
    if view == "console":
        return FACILITATORS
    if view == "projector":
        return PROJECTOR
    return Phone(participant)
