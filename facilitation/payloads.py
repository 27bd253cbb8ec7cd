"""One declaration per payload: every Socket.IO command and every HTTP body, as pydantic models.

From these come the validation (with protocol's error codes and the field at fault), the
OpenAPI document, the payload tables of docs/protocol.md and the limits that the pages'
forms and scripts use. A limit is written once, here.

Why pydantic v2: its errors say which check failed and where (`type`, `loc`), which maps
straight onto our codes; it writes JSON Schema for OpenAPI; and it costs about 1 µs per
`note:add` payload (the hand-written checks it replaces: 1 µs; msgspec: 0.65 µs), against
some 4 ms for the command itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema, WrapValidator
from pydantic_core import PydanticCustomError

from . import protocol as p
from .text import TextRefused, clean_line, clean_prose

# ---- limits ----------------------------------------------------------------------
ID_MAX = 2**31 - 1
NOTE_MAX = 500
PSEUDONYM_MAX = 40
TITLE_MAX = 120
PLACE_MAX = 120
DESCRIPTION_MAX = 2000
QUESTION_MAX = 500
TIME_SLOT_MAX = 40
ROOM_MAX = 80
CITY_MAX = 80
COLUMN_TITLE_MAX = 80
COLUMNS_MAX = 12
GROUP_TITLE_MAX = 80
GROUP_NOTES_MAX = 200
ACTION_MAX = 500
BUDGET_MAX = 20
PAGE_MAX_SECONDS = 600
TIMER_MAX_SECONDS = 4 * 3600
POSITION_MAX = 9_999
OP_ID_MAX = 64
SUMMARY_MAX = 4000
CARD_TEXT_MAX = 2000
WEBSITE_MAX = 200
# A six-letter code, typed with the spaces or dashes people put in it.
JOIN_CODE_TYPED_MAX = 12
LINK_NAME_MAX = 80
RETENTION_MAX_DAYS = 3650
COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")


class PayloadError(ValueError):
    """A payload did not match its declaration: one of protocol's codes, and the field."""

    def __init__(self, code: str, field_name: str) -> None:
        super().__init__(f"{code}: {field_name}")
        self.code = code
        self.field = field_name


# ---- field types -------------------------------------------------------------------
_OURS = "relais:"


class _TextField:
    """Marks a text field, so that a missing required one can be called empty."""

    def __init__(self, required: bool) -> None:
        self.required = required


def _refuse(code: str) -> PydanticCustomError:
    """One of protocol's codes, marked as ours (pydantic has codes of its own, some with the same name)."""
    return PydanticCustomError(_OURS + code, p.MESSAGES[code])


def _text(clean: Callable[[str], str], limit: int, required: bool) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the strict str check that follows says bad_request
        try:
            value = clean(value)
        except TextRefused as exc:
            raise _refuse(p.BAD_REQUEST) from exc
        if required and not value:
            raise _refuse(p.EMPTY)
        if len(value) > limit:
            raise _refuse(p.TOO_LONG)
        return value

    schema = {"maxLength": limit, **({"minLength": 1} if required else {})}
    return Annotated[str, BeforeValidator(check), Field(json_schema_extra=schema), _TextField(required)]


def Line(limit: int, *, required: bool = False) -> Any:  # noqa: N802 - a type factory
    """One line of text (a title, a name): breaks folded, direction controls removed."""
    return _text(clean_line, limit, required)


def Prose(limit: int, *, required: bool = False) -> Any:  # noqa: N802 - a type factory
    """Text that may span lines (a note, a description)."""
    return _text(clean_prose, limit, required)


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Count = Annotated[int, Field(ge=0, le=ID_MAX)]
OpId = Annotated[str, Field(pattern=rf"^[A-Za-z0-9_.:-]{{8,{OP_ID_MAX}}}$")]
NoteText = Prose(NOTE_MAX, required=True)


def _color(value: Any, handler: Callable[[Any], Any]) -> Any:
    if not isinstance(value, str):
        raise _refuse(p.BAD_REQUEST)
    try:
        return handler(value)
    except ValidationError as exc:
        raise _refuse(p.BAD_COLOR) from exc


Color = Annotated[Literal["yellow", "pink", "blue", "green", "orange", "purple"], WrapValidator(_color)]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise _refuse(p.BAD_REQUEST)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _refuse(p.BAD_REQUEST) from exc


def _day_required(value: Any) -> Any:
    found = _date(value)
    if found is None:
        raise _refuse(p.BAD_REQUEST)
    return found


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if not match:
        raise _refuse(p.BAD_REQUEST)
    return dt.time(int(match.group(1)), int(match.group(2)))


# A time of day as "HH:MM" (24 hours), local to the event.
Clock = Annotated[dt.time, BeforeValidator(_clock), WithJsonSchema({"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"})]
RequiredDay = Annotated[dt.date, BeforeValidator(_day_required), WithJsonSchema({"type": "string", "format": "date"})]


def _zone(value: Any) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(value, str) or len(value) > 40:
        raise _refuse(p.BAD_REQUEST)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _refuse(p.BAD_REQUEST) from exc
    return value


TimeZone = Annotated[str, BeforeValidator(_zone), WithJsonSchema({"type": "string", "maxLength": 40,
                                                                  "examples": ["Europe/Paris", "Europe/Brussels"]})]
Language = Literal["fr", "nl", "en"]

# A calendar day as "YYYY-MM-DD"; "" or null for none.
_DAY_SCHEMA = {"type": ["string", "null"], "format": "date"}
Day = Annotated[dt.date | None, BeforeValidator(_date), WithJsonSchema(_DAY_SCHEMA)]


def _form_id(value: Any) -> Any:
    """A form's select sends "" for none and digits for an id; an id no row can have is not found."""
    if value in (None, "", "0", 0):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        if int(value) > ID_MAX:
            raise _refuse(p.NOT_FOUND)
        return int(value)
    return value


FormId = Annotated[Id | None, BeforeValidator(_form_id)]


# ---- the declarations ---------------------------------------------------------------
class Payload(BaseModel):
    """A payload: strict types (a "1" is not 1, true is not 1), unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)
    # For docs/protocol.md: what the command answers, which codes it may refuse with, who may send it.
    answer: ClassVar[str] = "`{ok}`"
    errors: ClassVar[tuple[str, ...]] = ()
    who: ClassVar[str] = ""
    # A form or a JSON body without its title is "empty" (as an empty box is); a socket
    # command without its text is malformed.
    missing_text_is_empty: ClassVar[bool] = False

    def given(self, *names: str) -> dict[str, Any]:
        """The fields the sender gave (of these names, if any are named): a PATCH changes only those."""
        return {name: getattr(self, name) for name in self.model_fields_set if not names or name in names}


class BoardJoin(Payload):
    """A phone, projector or console opens a board."""

    board: Id
    since: Count | None = Field(None, description="the last seq this screen applied")
    view: Literal["phone", "projector", "console"] | None = None
    pack: Literal["deflate"] | None = Field(None, description="the screen can inflate: the board comes compressed")
    answer = ("without `since`, or too far behind (over 500 changes), or across a resync, or for a console, or "
              "while private: `{ok, board: {id, seq, event: {code, title}, workshop, columns, notes, state, counts, "
              "groups, vote (with `mine`), actions}, seq, mine: [note ids], facilitator, now, files (consoles: "
              "`{board, ok, cause}`)}`; with `pack`, `board` is the same JSON compressed (zlib bytes: a binary "
              "part of the answer) without its vote, and `vote` is beside it; else "
              "`{ok, changes: [{event, data}], seq, mine, vote, now}`")
    errors = (p.NOT_FOUND, p.FORBIDDEN, p.NOT_FACILITATOR)


class BoardLeave(Payload):
    """A screen stops following a board."""

    board: Id


class Command(Payload):
    """A board command: an op id (applied once) and the board."""

    op: OpId
    board: Id
    answer = "`{ok, ..., seq}`"


class NoteAdd(Command):
    """Append a note to a column."""

    column: Id
    text: NoteText
    color: Color | None = None
    answer = "`{ok, note, seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.BAD_COLOR, p.WRONG_BOARD, p.WRONG_PHASE, p.LOCKED)


class NoteEdit(Command):
    """Change a note's text or colour (its author or the facilitator)."""

    note: Id
    text: NoteText | None = None
    color: Color | None = None
    version: Id | None = Field(None, description="the version edited; an older one is refused")
    answer = "`{ok, note, seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.BAD_COLOR, p.WRONG_BOARD, p.WRONG_PHASE, p.LOCKED, p.CONFLICT)


class NoteMove(Command):
    """Move a note within or across columns and groups (the facilitator)."""

    note: Id
    column: Id
    index: Count = Field(description="place among the loose notes of the column, or within the group")
    group: Count | None = Field(None, description="0 or absent: out of any group")
    who = "facilitator"
    answer = ("`{ok, note, order: [note ids of that container], left?: {column, group, order}, seq}` (`left`: "
              "the container it left, renumbered, when it changed container)")
    errors = (p.WRONG_BOARD,)


class NoteDelete(Command):
    """Delete a note (its author or the facilitator); its dots go back to their owners."""

    note: Id
    answer = "`{ok, note: id, column, seq}`"
    errors = (p.WRONG_BOARD, p.WRONG_PHASE, p.LOCKED)


class NotePurge(Command):
    """Delete every note of this note's author on this board (the facilitator, against abuse)."""

    note: Id
    who = "facilitator"
    answer = "`{ok, notes: [deleted ids], seq, resync}`"
    errors = (p.WRONG_BOARD,)


class NoteBilan(Command):
    """Keep a note out of the bilan (`keep` false) or back in: its author in any step, or the facilitator.

    The note stays on the board either way."""

    note: Id
    keep: bool
    answer = "`{ok, note, seq}` (broadcast as note:edited; the version is unchanged)"
    errors = (p.WRONG_BOARD, p.FORBIDDEN)


class BoardSet(Command):
    """Change the step, private writing, the lock, the anonymity or the projector's pace (at least one)."""

    phase: Literal["collect", "group", "vote", "discuss", "closed"] | None = None
    private: bool | None = None
    locked: bool | None = None
    anonymity: Literal["shown", "hidden", "anonymous"] | None = Field(
        None, description="`anonymous` erases the board's stored pseudonyms and organisations")
    page_seconds: Annotated[int, Field(ge=0, le=PAGE_MAX_SECONDS)] | None = Field(
        None, description="seconds each projector page stays up when the board does not fit; 0 pauses")
    who = "facilitator"
    answer = "`{ok, state, seq, resync?}`"
    errors = (p.WRONG_PHASE,)


class BoardTimer(Command):
    """Start, pause, resume, extend or stop the board's countdown (server clock)."""

    action: Literal["start", "pause", "resume", "extend", "stop"]
    seconds: Annotated[int, Field(ge=1, le=TIMER_MAX_SECONDS)] | None = Field(
        None, description="for start and extend")
    locks: bool | None = Field(None, description="lock the board when time is up")
    who = "facilitator"
    answer = "`{ok, state, seq}`"
    errors = (p.NO_TIMER, p.TOO_LONG)


class BoardSpotlight(Command):
    """Show one note or group large on the projector; no kind releases it."""

    kind: Literal["note", "group"] | None = None
    id: Id | None = None
    who = "facilitator"
    answer = "`{ok, state, seq}`"
    errors = (p.WRONG_BOARD, p.PRIVATE_WRITING)


class GroupAdd(Command):
    """Make a group at the end of a column, with the given notes."""

    column: Id
    title: Line(GROUP_TITLE_MAX, required=True)
    notes: Annotated[list[Id], Field(max_length=GROUP_NOTES_MAX)] | None = None
    who = "facilitator"
    answer = "`{ok, groups, notes: [{id, column, group, position}], seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.WRONG_BOARD)


class GroupEdit(Command):
    """Rename a group, or move it (with its notes) within or across columns."""

    group: Id
    title: Line(GROUP_TITLE_MAX, required=True) | None = None
    column: Id | None = None
    index: Count | None = None
    who = "facilitator"
    answer = "as `group:add`"
    errors = (p.EMPTY, p.TOO_LONG, p.WRONG_BOARD)


class GroupDelete(Command):
    """Split a group up: its notes stay, loose, in the column; its dots go back."""

    group: Id
    who = "facilitator"
    answer = "as `group:add`"
    errors = (p.WRONG_BOARD,)


class VoteOpen(Command):
    """Open a round of dot voting (vote step, one round at a time)."""

    target: Literal["notes", "groups"] = "notes"
    budget: Annotated[int, Field(ge=1, le=BUDGET_MAX)] = 3
    cap: Annotated[int, Field(ge=1, le=BUDGET_MAX)] = Field(1, description="at most this many dots per note, "
                                                               "up to the budget")
    hide_results: bool = True
    who = "facilitator"
    answer = "`{ok, vote, seq}`"
    errors = (p.WRONG_PHASE, p.VOTE_OPEN_ALREADY, p.NO_GROUPS)


class VoteClose(Command):
    """Stop accepting dots."""

    vote: Id
    who = "facilitator"
    answer = "`{ok, vote, seq}`"
    errors = (p.NO_VOTE, p.WRONG_BOARD)


class VoteReveal(Command):
    """Show the totals to everyone."""

    vote: Id
    who = "facilitator"
    answer = "`{ok, vote, seq}`"
    errors = (p.WRONG_BOARD,)


class VoteCast(Command):
    """Put one dot on a note (or a group, for a vote on groups)."""

    vote: Id
    target: Id
    answer = ("`{ok, vote, mine: {vote, left, dots}}` (no seq: a dot is not sequenced, its totals reach the "
              "room as `board:tally`)")
    errors = (p.WRONG_PHASE, p.LOCKED, p.NO_VOTE, p.NO_DOTS_LEFT, p.CAP_REACHED, p.WRONG_BOARD)


class VoteUncast(VoteCast):
    """Take one dot back."""

    answer = "as `vote:cast`"
    errors = (p.WRONG_PHASE, p.LOCKED, p.NO_VOTE, p.NOT_VOTED, p.WRONG_BOARD)


class ActionFields(Command):
    """What every action command may set."""

    what: Line(ACTION_MAX) | None = None
    organisation: Count | None = Field(None, description="an organisation id; 0 for none")
    due: Day = None


class ActionAdd(ActionFields):
    """Turn a note or a group (or nothing: a free line) into an action."""

    note: Id | None = None
    group: Id | None = None
    who = "facilitator"
    answer = "`{ok, actions, seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.WRONG_BOARD, p.PRIVATE_WRITING, p.NOT_FOUND)


class ActionEdit(ActionFields):
    """Change what, who or when."""

    action: Id
    who = "facilitator"
    answer = "`{ok, actions, seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.WRONG_BOARD, p.NOT_FOUND)


class ActionDelete(Command):
    """Remove an action."""

    action: Id
    who = "facilitator"
    answer = "`{ok, actions, seq}`"
    errors = (p.WRONG_BOARD,)


class EventJoin(Payload):
    """A phone, a projector or the console opens the live parts of the whole event."""

    event: Id
    view: Literal["round", "plenary", "console"] | None = None
    answer = "`{ok, seq, round, plenary, now, facilitator}`"
    errors = (p.NOT_FOUND, p.FORBIDDEN, p.NOT_FACILITATOR)


class EventCommand(Payload):
    """A command on the whole event: an op id (applied once) and the event."""

    op: OpId
    event: Id
    answer = "`{ok, ..., seq}`"


class RoundGo(EventCommand):
    """Put a card on the screen: `to` an organisation (0 ends the round), or a `step`."""

    to: Count | None = None
    step: Literal["next", "previous", "first", "end"] | None = None
    who = "facilitator"
    answer = "`{ok, round, seq}`"
    errors = (p.NOT_FOUND,)


class RoundTimer(EventCommand):
    """Start, pause, resume, extend or stop the speaking timer of the card on the screen."""

    action: Literal["start", "pause", "resume", "extend", "stop"]
    seconds: Annotated[int, Field(ge=1, le=TIMER_MAX_SECONDS)] | None = None
    who = "facilitator"
    answer = "`{ok, round, seq}`"
    errors = (p.NO_TIMER, p.TOO_LONG)


class CardNoteAdd(EventCommand):
    """Post a question or a note to an organisation's card (kept with it, and in the bilan)."""

    organisation: Id
    kind: Literal["question", "note"] = "question"
    text: NoteText
    answer = "`{ok, note, seq}`"
    errors = (p.EMPTY, p.TOO_LONG, p.NOT_FOUND)


class PlenaryShow(EventCommand):
    """Show one workshop on the plenary screen; 0 or none: every workshop in turn."""

    workshop: Count | None = None
    who = "facilitator"
    answer = "`{ok, plenary, seq}`"
    errors = (p.NOT_FOUND,)


# Every client event, with its declaration.
SOCKET: dict[str, type[Payload]] = {
    p.BOARD_JOIN: BoardJoin,
    p.BOARD_LEAVE: BoardLeave,
    p.NOTE_ADD: NoteAdd,
    p.NOTE_EDIT: NoteEdit,
    p.NOTE_MOVE: NoteMove,
    p.NOTE_DELETE: NoteDelete,
    p.NOTE_PURGE: NotePurge,
    p.NOTE_BILAN: NoteBilan,
    p.BOARD_SET: BoardSet,
    p.BOARD_TIMER: BoardTimer,
    p.BOARD_SPOTLIGHT: BoardSpotlight,
    p.GROUP_ADD: GroupAdd,
    p.GROUP_EDIT: GroupEdit,
    p.GROUP_DELETE: GroupDelete,
    p.VOTE_OPEN: VoteOpen,
    p.VOTE_CLOSE: VoteClose,
    p.VOTE_REVEAL: VoteReveal,
    p.VOTE_CAST: VoteCast,
    p.VOTE_UNCAST: VoteUncast,
    p.ACTION_ADD: ActionAdd,
    p.ACTION_EDIT: ActionEdit,
    p.ACTION_DELETE: ActionDelete,
    p.EVENT_JOIN: EventJoin,
    p.ROUND_GO: RoundGo,
    p.ROUND_TIMER: RoundTimer,
    p.CARD_NOTE: CardNoteAdd,
    p.PLENARY_SHOW: PlenaryShow,
}


# ---- HTTP bodies ---------------------------------------------------------------------
class Body(Payload):
    """An HTTP body or form."""

    missing_text_is_empty = True


class EventPatch(Body):
    """The fields of an event (a PATCH sends any of them)."""

    title: Line(TITLE_MAX, required=True) | None = None
    place: Line(PLACE_MAX) | None = None
    starts_on: Day = None
    ends_on: Day = None
    description: Prose(DESCRIPTION_MAX) | None = None
    timezone: TimeZone | None = Field(None, description="the zone of the programme's times")
    language: Language | None = Field(
        None, description="the language of its Markdown notes and bilan (when created without: the request's)")
    next_meeting: Prose(SUMMARY_MAX) | None = Field(None, description='the bilan\'s "Et après ?"')
    bilan_pseudonyms: bool | None = Field(None, description="name people in the bilan (default: no)")
    retention_days: Annotated[int, Field(ge=1, le=RETENTION_MAX_DAYS)] | None = Field(
        None, description="days kept after the last day, at most the server's RETENTION_DAYS; null: the server's")


class EventIn(EventPatch):
    """A new event."""

    title: Line(TITLE_MAX, required=True)


class SecretIn(Body):
    """The token of a secret link, posted by the page it opens."""

    token: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class EventDelete(Body):
    """Delete the event for good."""

    confirm: Line(JOIN_CODE_TYPED_MAX, required=True) = Field(description="the event's code, typed again")


class LinkIn(Body):
    """A workshop facilitator link."""

    name: Line(LINK_NAME_MAX, required=True) = Field(description='who holds it, e.g. "Atelier 2 – Camille"')
    workshops: Annotated[list[Id], Field(min_length=1, max_length=50)] = Field(description="the workshops it runs")


class CardPatch(Body):
    """What an organisation's members may write on its card."""

    city: Line(CITY_MAX) | None = None
    country: Line(CITY_MAX) | None = None
    website: Line(WEBSITE_MAX) | None = None
    description: Prose(CARD_TEXT_MAX) | None = Field(None, description="what it is and does (Markdown)")
    on_subject: Prose(CARD_TEXT_MAX) | None = Field(None, description="what it already does on the meeting's subject")
    contact: Line(WEBSITE_MAX) | None = None


class OrganisationPatch(CardPatch):
    """The fields of an organisation (the facilitator)."""

    name: Line(TITLE_MAX, required=True) | None = None
    card_ready: bool | None = None
    position: Annotated[int, Field(ge=0, le=POSITION_MAX)] | None = Field(None, description="its turn in the round")
    is_host: bool | None = Field(None, description="the host of the meeting")


class OrganisationIn(OrganisationPatch):
    """A new organisation."""

    name: Line(TITLE_MAX, required=True)


class WorkshopPatch(Body):
    """The fields of a workshop."""

    title: Line(TITLE_MAX, required=True) | None = None
    question: Line(QUESTION_MAX) | None = None
    day: Day = None
    time_slot: Line(TIME_SLOT_MAX) | None = None
    room: Line(ROOM_MAX) | None = None
    position: Annotated[int, Field(ge=0, le=POSITION_MAX)] | None = None
    slot: Count | None = Field(None, description="the programme's workshops slot it runs in; 0 for none")
    summary: Prose(SUMMARY_MAX) | None = Field(None, description="the facilitator's summary, for the bilan")


class ProgrammePatch(Body):
    """The fields of a time of the programme."""

    day: RequiredDay | None = None
    starts_at: Clock | None = None
    ends_at: Clock | None = Field(None, description="before starts_at: it ends after midnight")
    kind: Literal["round", "workshops", "plenary", "break", "text"] | None = None
    title: Line(TITLE_MAX) | None = None
    text: Prose(DESCRIPTION_MAX) | None = None
    room: Line(ROOM_MAX) | None = None
    position: Annotated[int, Field(ge=0, le=POSITION_MAX)] | None = None


class ProgrammeIn(ProgrammePatch):
    """A new time of the programme."""

    day: RequiredDay
    starts_at: Clock
    ends_at: Clock
    kind: Literal["round", "workshops", "plenary", "break", "text"]


ColumnTitles = Annotated[list[Line(COLUMN_TITLE_MAX, required=True)], Field(min_length=1, max_length=COLUMNS_MAX)]


class WorkshopIn(WorkshopPatch):
    """A new workshop, with its board's columns (default: four, in the request's language)."""

    title: Line(TITLE_MAX, required=True)
    columns: ColumnTitles | None = Field(None, description="only when creating")


class ColumnIn(Body):
    """A new column."""

    title: Line(COLUMN_TITLE_MAX, required=True)


class ColumnPatch(Body):
    """Rename a column and/or move it to another index."""

    title: Line(COLUMN_TITLE_MAX, required=True) | None = None
    index: Annotated[int, Field(ge=0, le=COLUMNS_MAX)] | None = None


class Empty(Body):
    """No fields."""


class ProfileForm(Body):
    """The phone's profile form: how the participant's next notes are signed."""

    model_config = ConfigDict(strict=False, extra="ignore", frozen=True)
    pseudonym: Line(PSEUDONYM_MAX) = ""
    organisation: FormId = None


class EventForm(EventIn):
    """The home page's form (every field arrives as a string)."""


class JoinForm(Body):
    """The code typed on the home page (spaces, dashes and case are forgiven)."""

    code: Line(JOIN_CODE_TYPED_MAX) = ""


# ---- parsing -------------------------------------------------------------------------

P = TypeVar("P", bound=Payload)


def parse(model: type[P], data: Any, *, whole: str = "payload") -> P:
    """Check data against its declaration; raise PayloadError(code, field) for the first fault.

    `whole` names the field when the payload itself is not an object ("payload" on a
    socket, "body" over HTTP).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
        kind = first["type"]
        # Our own checks name our codes; any of pydantic's (a wrong type, a number out of
        # range, a missing field, a list too long) is a bad request.
        code = kind.removeprefix(_OURS) if kind.startswith(_OURS) else p.BAD_REQUEST
        loc = first["loc"]
        if kind == "missing" and model.missing_text_is_empty and _is_text(model, str(loc[0])):
            code = p.EMPTY
        raise PayloadError(code, str(loc[0]) if loc else whole) from None


def _is_text(model: type[Payload], name: str) -> bool:
    info = model.model_fields.get(name)
    return info is not None and any(isinstance(m, _TextField) for m in info.metadata)


# ---- limits for the pages ------------------------------------------------------------------
def _field_limits(model: type[Payload]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name, prop in model.model_json_schema()["properties"].items():
        options = prop.get("anyOf", [prop])
        for option in options:
            keep = {k: option[k] for k in ("maxLength", "minimum", "maximum", "maxItems") if k in option}
            if keep:
                found[name] = keep
                break
    return found


LIMITED = {"note": NoteAdd, "event": EventIn, "organisation": OrganisationIn, "workshop": WorkshopIn,
           "card": CardPatch, "programme": ProgrammeIn,
           "column": ColumnIn, "group": GroupAdd, "vote": VoteOpen, "timer": BoardTimer, "action": ActionAdd,
           "profile": ProfileForm, "join": JoinForm, "link": LinkIn}


def limits() -> dict[str, dict[str, dict[str, int]]]:
    """Every field's limits, by form: what the pages put in maxlength / max and the scripts read."""
    return {name: _field_limits(model) for name, model in LIMITED.items()}
