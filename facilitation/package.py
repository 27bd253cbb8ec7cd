"""The hand-over package: an event as a .zip that another Relais server imports, as a
template (its structure: organisations and their cards, programme, workshops, questions,
columns) or as a full copy (also the notes, groups, votes, actions, summaries and the questions
of the round). Format: docs/package.md; JSON Schema: docs/package.schema.json (written from
the declarations below by `python -m facilitation.package`).

The zip holds `manifest.json` (everything imported is in it), each workshop's Markdown note
under `notes/`, and `bilan.md`; the Markdown files are for people and are never read back.

A package from elsewhere is hostile until proved otherwise: its size and every member's size
and compression ratio are checked before anything is inflated; a member path that is absolute
or leaves the package, a symbolic link, a duplicate name, an unknown or future format version,
a field missing, of the wrong type or over its limit, a key that points nowhere: each refuses
the whole package (`bad_package`) and nothing is created.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import stat
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import protocol as p
from .export.bilan import bilan_markdown
from .export.markdown import board_markdown
from .export.render import rendered
from .models import (
    Action,
    Ballot,
    Board,
    CardNote,
    Dot,
    Event,
    Group,
    Note,
    Organisation,
    Participant,
    ProgrammeItem,
    Vote,
    Workshop,
)
from .payloads import (
    ACTION_MAX,
    BUDGET_MAX,
    CARD_TEXT_MAX,
    CITY_MAX,
    COLUMN_TITLE_MAX,
    COLUMNS_MAX,
    DESCRIPTION_MAX,
    GROUP_TITLE_MAX,
    NOTE_MAX,
    PLACE_MAX,
    POSITION_MAX,
    PSEUDONYM_MAX,
    QUESTION_MAX,
    RETENTION_MAX_DAYS,
    ROOM_MAX,
    SUMMARY_MAX,
    TIME_SLOT_MAX,
    TITLE_MAX,
    WEBSITE_MAX,
    Clock,
    Color,
    Language,
    Line,
    Prose,
    RequiredDay,
    TimeZone,
)
from .safejson import check_depth
from .services import DomainError, queries
from .services import events as event_service
from .services import programme as programme_service
from .services import workshops as workshop_service
from .services.presenters import MARKDOWN, Bilan

FORMAT = "relais-event"
VERSION = 1
MANIFEST = "manifest.json"
# Bounds checked before anything is inflated (a zip bomb is refused from its directory).
PACKAGE_MAX_BYTES = 16 * 1024 * 1024
UNPACKED_MAX_BYTES = 64 * 1024 * 1024
MEMBERS_MAX = 1000
RATIO_MAX = 100  # a member may not inflate to more than 100 times its stored size
# Bounds on what a manifest may hold.
ORGANISATIONS_MAX, PROGRAMME_MAX, WORKSHOPS_MAX = 500, 500, 100
NOTES_MAX, GROUPS_MAX, VOTES_MAX, ACTIONS_MAX, CARD_NOTES_MAX = 5000, 500, 50, 500, 5000
VOTERS_MAX = 1000

DOC_SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "package.schema.json"


class PackageError(Exception):
    """A package refused: `reason` says why, in a few plain words (for the log and the CLI);
    people see protocol's one translated message for bad_package."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = p.BAD_PACKAGE


# ---- the manifest's declarations ------------------------------------------------------------
def Key(prefix: str) -> Any:  # noqa: N802 - a type factory
    """A key that names a row inside the manifest ("o1", "w2"): never a database id."""
    return Annotated[str, Field(pattern=rf"^{prefix}[0-9]{{1,6}}$")]


Stamp = Annotated[dt.datetime, Field(description="ISO 8601, UTC")]
Position = Annotated[int, Field(ge=0, le=POSITION_MAX)]


class Part(BaseModel):
    """A part of the manifest: strict, nothing more than declared."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class EventPart(Part):
    title: Line(TITLE_MAX, required=True)
    place: Line(PLACE_MAX) = ""
    starts_on: RequiredDay | None = None
    ends_on: RequiredDay | None = None
    description: Prose(DESCRIPTION_MAX) = ""
    timezone: TimeZone = "Europe/Paris"
    language: Language = "fr"
    next_meeting: Prose(SUMMARY_MAX) = ""
    bilan_pseudonyms: bool = False
    retention_days: Annotated[int, Field(ge=1, le=RETENTION_MAX_DAYS)] | None = None


class OrganisationPart(Part):
    key: Key("o")
    name: Line(TITLE_MAX, required=True)
    city: Line(CITY_MAX) = ""
    country: Line(CITY_MAX) = ""
    website: Line(WEBSITE_MAX) = ""
    description: Prose(CARD_TEXT_MAX) = ""
    on_subject: Prose(CARD_TEXT_MAX) = ""
    contact: Line(WEBSITE_MAX) = ""
    card_ready: bool = False
    position: Position = 0
    is_host: bool = False


class ProgrammePart(Part):
    key: Key("p")
    day: RequiredDay
    starts_at: Clock
    ends_at: Clock
    kind: Literal["round", "workshops", "plenary", "break", "text"]
    title: Line(TITLE_MAX) = ""
    text: Prose(DESCRIPTION_MAX) = ""
    room: Line(ROOM_MAX) = ""
    position: Position = 0


class ColumnPart(Part):
    key: Key("c")
    title: Line(COLUMN_TITLE_MAX, required=True)


class GroupPart(Part):
    key: Key("g")
    column: Key("c")
    title: Line(GROUP_TITLE_MAX, required=True)
    position: Position = 0


class NotePart(Part):
    key: Key("n")
    column: Key("c")
    group: Key("g") | None = None
    position: Annotated[int, Field(ge=0, le=NOTES_MAX)] = 0
    text: Prose(NOTE_MAX, required=True)
    color: Color = "yellow"
    pseudonym: Line(PSEUDONYM_MAX) = ""
    organisation: Key("o") | None = None
    for_bilan: bool = True
    version: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    created_at: Stamp
    edited_at: Stamp | None = None


class ResultPart(Part):
    target: Annotated[str, Field(pattern=r"^[ng][0-9]{1,6}$")]
    dots: Annotated[int, Field(ge=1, le=BUDGET_MAX * VOTERS_MAX)]


class VotePart(Part):
    target: Literal["notes", "groups"]
    budget: Annotated[int, Field(ge=1, le=BUDGET_MAX)] = 3
    cap: Annotated[int, Field(ge=1, le=BUDGET_MAX)] = 1
    hide_results: bool = True
    revealed: bool = False
    voters: Annotated[int, Field(ge=0, le=VOTERS_MAX)] = 0
    results: Annotated[list[ResultPart], Field(max_length=NOTES_MAX)] = []


class ActionPart(Part):
    what: Line(ACTION_MAX, required=True)
    organisation: Key("o") | None = None
    due: RequiredDay | None = None
    note: Key("n") | None = None
    group: Key("g") | None = None


class WorkshopPart(Part):
    key: Key("w")
    title: Line(TITLE_MAX, required=True)
    question: Line(QUESTION_MAX) = ""
    day: RequiredDay | None = None
    time_slot: Line(TIME_SLOT_MAX) = ""
    room: Line(ROOM_MAX) = ""
    position: Position = 0
    slot: Key("p") | None = None
    columns: Annotated[list[ColumnPart], Field(min_length=1, max_length=COLUMNS_MAX)]
    # The full copy only:
    summary: Prose(SUMMARY_MAX) = ""
    phase: Literal["collect", "group", "vote", "discuss", "closed"] = "collect"
    anonymity: Literal["shown", "hidden", "anonymous"] = "shown"
    groups: Annotated[list[GroupPart], Field(max_length=GROUPS_MAX)] = []
    notes: Annotated[list[NotePart], Field(max_length=NOTES_MAX)] = []
    votes: Annotated[list[VotePart], Field(max_length=VOTES_MAX)] = []
    actions: Annotated[list[ActionPart], Field(max_length=ACTIONS_MAX)] = []


class CardNotePart(Part):
    organisation: Key("o")
    kind: Literal["question", "note"] = "question"
    text: Prose(NOTE_MAX, required=True)
    for_bilan: bool = True
    created_at: Stamp


class Manifest(Part):
    """Everything an imported event is made from."""

    format: Literal["relais-event"]
    version: Annotated[int, Field(ge=1)]
    exported_at: Stamp
    contents: Literal["full", "structure"] = Field(description="structure: no note, vote, action or summary")
    event: EventPart
    organisations: Annotated[list[OrganisationPart], Field(max_length=ORGANISATIONS_MAX)] = []
    programme: Annotated[list[ProgrammePart], Field(max_length=PROGRAMME_MAX)] = []
    workshops: Annotated[list[WorkshopPart], Field(max_length=WORKSHOPS_MAX)] = []
    card_notes: Annotated[list[CardNotePart], Field(max_length=CARD_NOTES_MAX)] = []


def json_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (docs/package.schema.json)."""
    schema = Manifest.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Relais event package, format {FORMAT} version {VERSION}"
    return schema


# ---- export ----------------------------------------------------------------------------------
def _stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _keys(prefix: str, rows: Iterable[Any]) -> dict[int, str]:
    return {row.id: f"{prefix}{i}" for i, row in enumerate(rows, 1)}


def manifest_of(session: Session, event: Event, *, full: bool, now: dt.datetime) -> dict[str, Any]:
    """The manifest of an event: the structure, and with full, everything said in it."""
    orgs = list(session.scalars(select(Organisation).where(Organisation.event_id == event.id)
                                .order_by(Organisation.id)))
    items = list(session.scalars(select(ProgrammeItem).where(ProgrammeItem.event_id == event.id)
                                 .order_by(ProgrammeItem.id)))
    workshops = list(session.scalars(select(Workshop).where(Workshop.event_id == event.id).order_by(Workshop.id)))
    org_key, item_key = _keys("o", orgs), _keys("p", items)
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "exported_at": _stamp(now), "contents": "full" if full else "structure",
        "event": {"title": event.title, "place": event.place,
                  "starts_on": event.starts_on.isoformat() if event.starts_on else None,
                  "ends_on": event.ends_on.isoformat() if event.ends_on else None,
                  "description": event.description, "timezone": event.timezone, "language": event.language,
                  "next_meeting": event.next_meeting if full else "", "bilan_pseudonyms": event.bilan_pseudonyms,
                  "retention_days": event.retention_days},
        "organisations": [{"key": org_key[o.id], "name": o.name, "city": o.city, "country": o.country,
                           "website": o.website, "description": o.description, "on_subject": o.on_subject,
                           "contact": o.contact, "card_ready": o.card_ready, "position": o.position,
                           "is_host": o.is_host} for o in orgs],
        "programme": [{"key": item_key[i.id], "day": i.day.isoformat(), "starts_at": i.starts_at.strftime("%H:%M"),
                       "ends_at": i.ends_at.strftime("%H:%M"), "kind": i.kind, "title": i.title, "text": i.text,
                       "room": i.room, "position": i.position} for i in items],
        "workshops": [],
        "card_notes": [],
    }
    for w, workshop in enumerate(workshops, 1):
        board = workshop.board
        columns = sorted(board.columns, key=lambda c: (c.position, c.id))
        column_key = {c.id: f"c{i}" for i, c in enumerate(columns, 1)}
        part: dict[str, Any] = {
            "key": f"w{w}", "title": workshop.title, "question": workshop.question,
            "day": workshop.day.isoformat() if workshop.day else None, "time_slot": workshop.time_slot,
            "room": workshop.room, "position": workshop.position, "slot": item_key.get(workshop.slot_id),
            "columns": [{"key": column_key[c.id], "title": c.title} for c in columns],
        }
        if full:
            groups = list(session.scalars(select(Group).where(Group.board_id == board.id).order_by(Group.id)))
            notes = list(session.scalars(select(Note).where(Note.board_id == board.id).order_by(Note.id)))
            group_key, note_key = _keys("g", groups), _keys("n", notes)
            votes = list(session.scalars(select(Vote).where(Vote.board_id == board.id).order_by(Vote.id)))
            part.update({
                "summary": workshop.summary, "phase": board.phase, "anonymity": board.anonymity,
                "groups": [{"key": group_key[g.id], "column": column_key[g.column_id], "title": g.title,
                            "position": g.position} for g in groups],
                "notes": [{"key": note_key[n.id], "column": column_key[n.column_id],
                           "group": group_key.get(n.group_id), "position": n.position, "text": n.text,
                           "color": n.color, "pseudonym": n.pseudonym, "organisation": org_key.get(n.organisation_id),
                           "for_bilan": n.for_bilan, "version": n.version, "created_at": _stamp(n.created_at),
                           "edited_at": _stamp(n.edited_at)} for n in notes],
                "votes": [_vote_part(session, v, note_key if v.target == "notes" else group_key) for v in votes],
                "actions": [{"what": a.what, "organisation": org_key.get(a.organisation_id),
                             "due": a.due_on.isoformat() if a.due_on else None, "note": note_key.get(a.note_id),
                             "group": group_key.get(a.group_id)} for a in queries.actions_of(session, board)],
            })
        data["workshops"].append(part)
    if full:
        for note in session.scalars(select(CardNote).where(CardNote.event_id == event.id).order_by(CardNote.id)):
            data["card_notes"].append({"organisation": org_key[note.organisation_id], "kind": note.kind,
                                       "text": note.text, "for_bilan": note.for_bilan,
                                       "created_at": _stamp(note.created_at)})
    return data


def _vote_part(session: Session, vote: Vote, target_key: dict[int, str]) -> dict[str, Any]:
    """A vote as the package keeps it: its rules and its totals (never who gave which dot)."""
    _cast, voters = queries.turnout(session, vote)
    results = [{"target": target_key[r["id"]], "dots": r["dots"]} for r in queries.results(session, vote)
               if r["id"] in target_key and r["dots"] > 0]
    return {"target": vote.target, "budget": vote.budget, "cap": vote.cap, "hide_results": vote.hide_results,
            "revealed": vote.revealed, "voters": voters, "results": results}


def export_package(session: Session, event: Event, *, full: bool = True, now: dt.datetime,
                   labels: tuple[Any, Any] | None = None) -> bytes:
    """The event as a zip: manifest.json, and (full) each board's note and the bilan as
    Markdown. labels: the (board, bilan) labels in the event's language, from the caller."""
    manifest = manifest_of(session, event, full=full, now=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        if full and labels is not None:
            board_labels, bilan_labels = labels
            from .mirror import board_file_parts

            for workshop in sorted(event.workshops, key=lambda w: w.id):
                _, stem = board_file_parts(workshop.board)
                archive.writestr(f"notes/{stem}.md",
                                 board_markdown(MARKDOWN.document(session, workshop.board), board_labels))
            archive.writestr("bilan.md", bilan_markdown(Bilan(event).whole(session), bilan_labels))
    return buffer.getvalue()


# ---- reading a package -----------------------------------------------------------------------
def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    parts = PurePosixPath(name).parts
    return ".." not in parts and not any(part.startswith("/") for part in parts)


def read_manifest(data: bytes) -> Manifest:
    """The manifest of a package, every bound checked; PackageError otherwise."""
    if len(data) > PACKAGE_MAX_BYTES:
        raise PackageError("the file is too large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise PackageError("not a zip file") from exc
    if len(members) > MEMBERS_MAX:
        raise PackageError("too many files in the package")
    seen: set[str] = set()
    total = 0
    for member in members:
        name = member.filename
        if not _safe_name(name):
            raise PackageError(f"a path that is absolute or leaves the package: {name[:80]!r}")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise PackageError(f"a symbolic link: {name[:80]!r}")
        folded = name.rstrip("/").casefold()
        if folded in seen:
            raise PackageError(f"a name twice: {name[:80]!r}")
        seen.add(folded)
        total += member.file_size
        if total > UNPACKED_MAX_BYTES:
            raise PackageError("it would unpack to too much")
        if member.file_size > RATIO_MAX * max(member.compress_size, 1) and member.file_size > 64 * 1024:
            raise PackageError(f"a file compressed too much to be true: {name[:80]!r}")
        if member.flag_bits & 0x1:
            raise PackageError("an encrypted file")
    if MANIFEST not in seen:
        raise PackageError("no manifest.json")
    try:
        raw = archive.read(MANIFEST)  # at most its declared size, checked above; its CRC is checked
        check_depth(raw)
        text = raw.decode("utf-8")
        loaded = json.loads(text)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise PackageError("manifest.json cannot be read") from exc
    if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
        raise PackageError("not a Relais package")
    version = loaded.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError("no format version")
    if version > VERSION:
        raise PackageError(f"format version {version} is newer than this server's ({VERSION}): update Relais")
    try:
        manifest = Manifest.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise PackageError(f"{where}: {first['msg']}"[:200]) from exc
    _check_references(manifest)
    return manifest


def _unique(keys: list[str], what: str) -> set[str]:
    if len(set(keys)) != len(keys):
        raise PackageError(f"a {what} key twice")
    return set(keys)


def _check_references(m: Manifest) -> None:
    """Every key points to something of the manifest, and no key is used twice."""
    orgs = _unique([o.key for o in m.organisations], "organisation")
    if len({o.name.casefold() for o in m.organisations}) != len(m.organisations):
        raise PackageError("two organisations with one name")
    slots = {i.key for i in m.programme if i.kind == "workshops"}
    _unique([i.key for i in m.programme], "programme")
    _unique([w.key for w in m.workshops], "workshop")
    for w in m.workshops:
        if w.slot is not None and w.slot not in slots:
            raise PackageError(f"{w.key}: its slot points nowhere")
        columns = _unique([c.key for c in w.columns], "column")
        groups = _unique([g.key for g in w.groups], "group")
        notes = _unique([n.key for n in w.notes], "note")
        group_column = {g.key: g.column for g in w.groups}
        for g in w.groups:
            if g.column not in columns:
                raise PackageError(f"{w.key}.{g.key}: its column points nowhere")
        for n in w.notes:
            if n.column not in columns or (n.group is not None and group_column.get(n.group) != n.column):
                raise PackageError(f"{w.key}.{n.key}: its column or group points nowhere")
            if n.organisation is not None and n.organisation not in orgs:
                raise PackageError(f"{w.key}.{n.key}: its organisation points nowhere")
        for v in w.votes:
            targets = notes if v.target == "notes" else groups
            if any(r.target not in targets for r in v.results):
                raise PackageError(f"{w.key}: a vote's result points nowhere")
            if len({r.target for r in v.results}) != len(v.results):
                raise PackageError(f"{w.key}: a vote counts one target twice")
            if v.results and not v.voters or sum(r.dots for r in v.results) < v.voters:
                raise PackageError(f"{w.key}: a vote whose voters and dots do not match")
            if sum(r.dots for r in v.results) > v.voters * v.budget:
                raise PackageError(f"{w.key}: a vote has more dots than its voters had")
        for a in w.actions:
            if (a.note is not None and a.note not in notes) or (a.group is not None and a.group not in groups) or \
                    (a.organisation is not None and a.organisation not in orgs):
                raise PackageError(f"{w.key}: an action points nowhere")
    for c in m.card_notes:
        if c.organisation not in orgs:
            raise PackageError("a question of the round points nowhere")


# ---- import ----------------------------------------------------------------------------------
def import_package(session: Session, manifest: Manifest, *, copy: bool,
                   starts_on: dt.date | None = None) -> tuple[Event, str]:
    """Create a new event from a checked manifest (its own code and owner link): its structure,
    and with copy (and a full package) everything said in it. starts_on moves every day of the
    event, its programme and its workshops so that it begins then. Returns the event and its
    owner token. The caller commits; a rule refused raises PackageError (roll back)."""
    copy = copy and manifest.contents == "full"
    shift = dt.timedelta(0)
    if starts_on is not None and manifest.event.starts_on is not None:
        shift = starts_on - manifest.event.starts_on

    def moved(day: dt.date | None) -> dt.date | None:
        return day + shift if day is not None else None

    e = manifest.event
    try:
        event, token = event_service.create_event(
            session, title=e.title, place=e.place, starts_on=moved(e.starts_on), ends_on=moved(e.ends_on),
            description=e.description, timezone=e.timezone, language=e.language,
            next_meeting=e.next_meeting if copy else "", bilan_pseudonyms=e.bilan_pseudonyms)
        event.retention_days = e.retention_days
        orgs: dict[str, Organisation] = {}
        for o in manifest.organisations:
            orgs[o.key] = event_service.add_organisation(
                session, event, name=o.name, city=o.city, country=o.country, website=o.website,
                description=o.description, on_subject=o.on_subject, contact=o.contact, card_ready=o.card_ready,
                position=o.position, is_host=o.is_host)
        items: dict[str, ProgrammeItem] = {}
        for i in manifest.programme:
            items[i.key] = programme_service.add_item(
                session, event, day=moved(i.day), starts_at=i.starts_at, ends_at=i.ends_at, kind=i.kind,
                title=i.title, text=i.text, room=i.room, position=i.position)
        for w in manifest.workshops:
            workshop = workshop_service.add_workshop(
                session, event, [c.title for c in w.columns], title=w.title, question=w.question, day=moved(w.day),
                time_slot=w.time_slot, room=w.room, position=w.position,
                slot=items[w.slot].id if w.slot else None, summary=w.summary if copy else "")
            if copy:
                _copy_board(session, event, workshop.board, w, orgs)
        if copy:
            for c in manifest.card_notes:
                session.add(CardNote(event_id=event.id, organisation_id=orgs[c.organisation].id, author_id=None,
                                     kind=c.kind, text=c.text, for_bilan=c.for_bilan, created_at=c.created_at))
        session.flush()
    except DomainError as exc:
        raise PackageError(f"refused by the rules: {exc.code} {exc.details or ''}".strip()) from exc
    return event, token


def _copy_board(session: Session, event: Event, board: Board, w: WorkshopPart, orgs: dict[str, Organisation]) -> None:
    """Everything said on a board: groups, notes, votes (their totals), actions, its step."""
    columns = {c.key: col for c, col in zip(w.columns, sorted(board.columns, key=lambda c: c.position), strict=True)}
    board.phase, board.anonymity, board.private, board.locked = w.phase, w.anonymity, False, False
    groups: dict[str, Group] = {}
    for g in w.groups:
        groups[g.key] = Group(board_id=board.id, column_id=columns[g.column].id, title=g.title, position=g.position)
        session.add(groups[g.key])
    session.flush()
    notes: dict[str, Note] = {}
    for n in w.notes:
        notes[n.key] = Note(
            board_id=board.id, column_id=columns[n.column].id, group_id=groups[n.group].id if n.group else None,
            author_id=None, text=n.text, color=n.color, position=n.position,
            pseudonym=n.pseudonym if w.anonymity != p.ANONYMOUS else "",
            organisation_id=orgs[n.organisation].id if n.organisation and w.anonymity != p.ANONYMOUS else None,
            version=n.version, for_bilan=n.for_bilan, created_at=n.created_at, edited_at=n.edited_at)
        notes[n.key].html, notes[n.key].html_version = rendered(n.text)
        session.add(notes[n.key])
    session.flush()
    for v in w.votes:
        vote = Vote(board_id=board.id, target=v.target, budget=v.budget, cap=v.cap, hide_results=v.hide_results,
                    is_open=False, revealed=v.revealed)
        session.add(vote)
        session.flush()
        targets = notes if v.target == "notes" else groups
        # Its totals, spread over as many stand-in voters (no one's real dots are in a package).
        voters = [Participant(id=event_service.new_participant_id(), event_id=event.id) for _ in range(v.voters)]
        session.add_all(voters)
        session.flush()
        units = [targets[r.target].id for r in v.results for _ in range(r.dots)]
        given: dict[tuple[int, int], int] = {}
        for k, target in enumerate(units):
            voter = k % len(voters)
            given[(voter, target)] = given.get((voter, target), 0) + 1
        for voter in voters:
            used = sum(c for (i, _t), c in given.items() if voters[i] is voter)
            session.add(Ballot(vote_id=vote.id, participant_id=voter.id, used=used))
        for (i, target), count in given.items():
            session.add(Dot(vote_id=vote.id, participant_id=voters[i].id, target_id=target, count=count))
    for position, a in enumerate(w.actions):
        session.add(Action(board_id=board.id, what=a.what, organisation_id=orgs[a.organisation].id if a.organisation
                           else None, due_on=a.due, note_id=notes[a.note].id if a.note else None,
                           group_id=groups[a.group].id if a.group else None, position=position))
    session.flush()


def main() -> int:
    """Write docs/package.schema.json from the declarations."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if not DOC_SCHEMA.exists() or DOC_SCHEMA.read_text() != text:
        DOC_SCHEMA.write_text(text)
        print(f"{DOC_SCHEMA} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
