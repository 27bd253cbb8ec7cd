"""Sticky notes: who may add, edit, move and delete them, and how order is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .. import clock
from .. import protocol as p
from ..export.render import RENDER_VERSION, rendered
from ..models import Board, Note, Participant
from . import Actor, DomainError, on_board
from .changes import Change, forget, record
from .columns import get_column
from .groups import container_ids, get_group, renumber_notes
from .phases import check_may
from .presenters import FACILITATORS, Phone, note_form
from .state import forget_spotlight
from .votes import forget_target


def _get_note(session: Session, board: Board, note_id: int) -> Note:
    return on_board(session, board, Note, note_id)


def _may_change(board: Board, actor: Actor, note: Note, action: str) -> None:
    if not actor.facilitator and note.author_id != actor.participant_id:
        raise DomainError(p.FORBIDDEN)
    check_may(board, actor, action)


def _noted(session: Session, board: Board, name: str, note: Note | None, data: dict[str, Any],
           author: str | None, own: list | None = None) -> Change:
    """Record a note change; the author's other tabs hear of it too (without seq), so they
    know the note is theirs and, while writing is private, see it at all."""
    own = list(own or [])
    if author is not None:
        body = {"note": Phone(author).note(board, note)} if note is not None else {"deleted": data["note"]}
        own.append((author, p.NOTE_OWN, {"board": board.id, **body}))
    return record(session, board, name, data, own=own)


def add(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    column_id: int,
    text: str,
    color: str | None = None,
) -> Change:
    """Append a note to a column's loose notes; the change carries {note}."""
    check_may(board, actor, "add")
    column = get_column(session, board, column_id)
    author = session.get(Participant, actor.participant_id)
    last = session.scalar(
        select(func.max(Note.position)).where(Note.column_id == column.id, Note.group_id.is_(None))
    )
    # A fully anonymous board never stores who wrote what, beyond the author id that
    # lets them edit their own note.
    signed = author is not None and board.anonymity != p.ANONYMOUS
    note = Note(
        board_id=board.id,
        column_id=column.id,
        author_id=author.id if author else None,
        text=text,
        color=color or "yellow",
        position=0 if last is None else last + 1,
        pseudonym=author.pseudonym if signed else "",
        organisation_id=author.organisation_id if signed else None,
        version=1,
    )
    note.html, note.html_version = rendered(text)
    session.add(note)
    session.flush()
    return _noted(session, board, p.NOTE_ADDED, note, {"note": note_form(note)}, note.author_id)


def edit(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    note_id: int,
    text: str | None = None,
    color: str | None = None,
    version: int | None = None,
) -> Change:
    """Change a note's text or colour; an edit made on an older version is refused."""
    note = _get_note(session, board, note_id)
    _may_change(board, actor, note, "edit")
    if version is not None and version != note.version:
        seen = FACILITATORS if actor.facilitator else Phone(actor.participant_id)
        raise DomainError(p.CONFLICT, note=seen.note(board, note))
    if text is None and color is None:
        raise DomainError(p.BAD_REQUEST, field="text")
    if text is not None:
        note.text = text
        note.html, note.html_version = rendered(text)
    if color is not None:
        note.color = color
    note.version += 1
    note.edited_at = clock.now()
    session.flush()
    return _noted(session, board, p.NOTE_EDITED, note, {"note": note_form(note)}, note.author_id)


def keep_for_bilan(session: Session, board: Board, actor: Actor, *, note_id: int, keep: bool) -> Change:
    """Keep a note out of the bilan, or let it back in: its author (in any step: it is their
    word) or the facilitator. The note stays on the board; its version does not change, so an
    edit under way is not refused for it."""
    note = _get_note(session, board, note_id)
    if not actor.facilitator and note.author_id != actor.participant_id:
        raise DomainError(p.FORBIDDEN)
    note.for_bilan = keep
    session.flush()
    return _noted(session, board, p.NOTE_EDITED, note, {"note": note_form(note)}, note.author_id)


def move(
    session: Session,
    board: Board,
    actor: Actor,
    *,
    note_id: int,
    column_id: int,
    index: int,
    group_id: int | None = None,
) -> Change:
    """Move a note to index among the loose notes of a column, or of a group (the facilitator
    only); renumber where it left and where it went. The change carries {note, order}, and
    {left} when it changed container."""
    if not actor.facilitator:
        raise DomainError(p.NOT_FACILITATOR)
    note = _get_note(session, board, note_id)
    column = get_column(session, board, column_id)
    if group_id is not None:
        group = get_group(session, board, group_id)
        if group.column_id != column.id:
            raise DomainError(p.WRONG_BOARD, field="group")
    old_column, old_group = note.column_id, note.group_id
    left = None
    if (old_column, old_group) != (column.id, group_id):
        left = container_ids(session, old_column, old_group, {note.id})
        renumber_notes(session, old_column, old_group, left)
    order = container_ids(session, column.id, group_id, {note.id})
    order.insert(min(index, len(order)), note.id)
    note.column_id = column.id
    session.flush()
    # One executemany, whatever the container's length.
    renumber_notes(session, column.id, group_id, order)
    session.refresh(note)
    data = {"note": note_form(note), "order": order}
    if left is not None:
        # The container it left was renumbered too: every screen renumbers it the same way.
        data["left"] = {"column": old_column, "group": old_group, "order": left}
    return _noted(session, board, p.NOTE_MOVED, note, data, note.author_id)


def delete(session: Session, board: Board, actor: Actor, *, note_id: int) -> Change:
    """Delete a note (its author or the facilitator); its dots go back to their owners."""
    note = _get_note(session, board, note_id)
    _may_change(board, actor, note, "delete")
    column_id, author = note.column_id, note.author_id
    refunds = forget_target(session, board, "notes", note_id)
    forget_spotlight(board, "note", note_id)
    session.delete(note)
    session.flush()
    forget(session, board, note=note_id)
    change = _noted(session, board, p.NOTE_DELETED, None, {"note": note_id, "column": column_id}, author, refunds)
    change.erases = True
    return change


def purge(session: Session, board: Board, actor: Actor, *, note_id: int) -> Change:
    """Delete every note on this board written by the author of this note (the facilitator only,
    against a phone flooding the board); their dots go back. Screens reload the board."""
    if not actor.facilitator:
        raise DomainError(p.NOT_FACILITATOR)
    note = _get_note(session, board, note_id)
    if note.author_id is None:
        doomed = [note]
    else:
        doomed = list(session.scalars(select(Note).where(Note.board_id == board.id, Note.author_id == note.author_id)))
    own: list = []
    for gone in doomed:
        own += forget_target(session, board, "notes", gone.id)
        forget_spotlight(board, "note", gone.id)
        session.delete(gone)
    session.flush()
    ids = sorted(n.id for n in doomed)
    for note_id in ids:
        forget(session, board, note=note_id)
    change = record(session, board, p.NOTE_PURGED, {"notes": ids, "resync": True}, own=own)
    change.erases = True
    return change


def authored_by(session: Session, board: Board, actor: Actor) -> list[int]:
    """Ids of the actor's own notes on this board (so a phone knows what it may edit)."""
    return Phone(actor.participant_id).own_notes(session, board)


def refresh_html(session: Session, batch: int = 500) -> int:
    """Render, and store, the HTML of every note that an older renderer made (or none: notes
    written before HTML was stored). Run at start-up; several workers doing it together write
    the same thing. Returns how many notes were rendered."""
    done, after = 0, 0
    stale = or_(Note.html_version.is_(None), Note.html_version != RENDER_VERSION)
    while True:
        rows = session.execute(select(Note.id, Note.text).where(stale, Note.id > after)
                               .order_by(Note.id).limit(batch)).all()
        if not rows:
            return done
        values = []
        for note_id, text in rows:
            html, made_with = rendered(text)
            values.append({"id": note_id, "html": html, "html_version": made_with})
        session.execute(update(Note), values)
        session.commit()
        done += len(rows)
        after = rows[-1][0]
