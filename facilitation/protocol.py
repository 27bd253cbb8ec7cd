"""Everything that crosses the wire: event names, rooms, payload schemas, error codes.

Pure Python (no Flask), so that services, handlers, tests and the benchmark
share one definition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:
    """Mark a string for translation without translating it here."""
    return text


# ---- Socket.IO events -------------------------------------------------------
# Client -> server (each answered through the Socket.IO acknowledgement).
BOARD_JOIN = "board:join"
BOARD_LEAVE = "board:leave"
NOTE_ADD = "note:add"
NOTE_EDIT = "note:edit"
NOTE_MOVE = "note:move"
NOTE_DELETE = "note:delete"
# Facilitation (facilitator only, except vote:cast and vote:uncast).
BOARD_SET = "board:set"
BOARD_TIMER = "board:timer"
BOARD_SPOTLIGHT = "board:spotlight"
GROUP_ADD = "group:add"
GROUP_EDIT = "group:edit"
GROUP_DELETE = "group:delete"
VOTE_OPEN = "vote:open"
VOTE_CLOSE = "vote:close"
VOTE_REVEAL = "vote:reveal"
VOTE_CAST = "vote:cast"
VOTE_UNCAST = "vote:uncast"
ACTION_ADD = "action:add"
ACTION_EDIT = "action:edit"
ACTION_DELETE = "action:delete"

# Server -> clients of a board room; every payload carries "board" and "seq".
NOTE_ADDED = "note:added"
NOTE_EDITED = "note:edited"
NOTE_MOVED = "note:moved"
NOTE_DELETED = "note:deleted"
BOARD_COLUMNS = "board:columns"
BOARD_WORKSHOP = "board:workshop"
BOARD_DELETED = "board:deleted"
BOARD_STATE = "board:state"
BOARD_COUNTS = "board:counts"
BOARD_GROUPS = "board:groups"
BOARD_VOTE = "board:vote"
BOARD_ACTIONS = "board:actions"
# Sent to one participant's own sockets only, without seq: their own notes while
# writing is private, and their own dots.
NOTE_OWN = "note:own"
VOTE_MINE = "vote:mine"

# ---- Workshop steps and settings ----------------------------------------------
COLLECT, GROUP, VOTE, DISCUSS, CLOSED = "collect", "group", "vote", "discuss", "closed"
PHASES = (COLLECT, GROUP, VOTE, DISCUSS, CLOSED)
# Pseudonyms shown to all; hidden from phones and projector; never stored.
SHOWN, HIDDEN, ANONYMOUS = "shown", "hidden", "anonymous"
ANONYMITY = (SHOWN, HIDDEN, ANONYMOUS)
VOTE_TARGETS = ("notes", "groups")
TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")
VIEWS = ("phone", "projector", "console")


def board_room(board_id: int) -> str:
    """The room of a board's phones and projectors: what anyone may see."""
    return f"board:{board_id}"


def facilitators_room(board_id: int) -> str:
    """The room of a board's facilitator consoles: everything, pseudonyms included."""
    return f"board:{board_id}:facilitators"


def participant_room(board_id: int, participant_id: str) -> str:
    """The room of one participant's sockets on a board (their other tabs)."""
    return f"board:{board_id}:p:{participant_id}"


# ---- Limits -----------------------------------------------------------------
NOTE_MAX = 500
PSEUDONYM_MAX = 40
OP_ID_MAX = 64
COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")
# Catch-up sends at most this many changes; further behind, a fresh snapshot.
CATCH_UP_MAX = 500
BUDGET_MAX = 20
TIMER_MAX_SECONDS = 4 * 3600
GROUP_TITLE_MAX = 80
ACTION_MAX = 500
GROUP_NOTES_MAX = 200

# ---- Error codes ------------------------------------------------------------
BAD_REQUEST = "bad_request"
EMPTY = "empty"
TOO_LONG = "too_long"
BAD_COLOR = "bad_color"
NOT_FOUND = "not_found"
NOT_JOINED = "not_joined"
FORBIDDEN = "forbidden"
NOT_FACILITATOR = "not_facilitator"
CONFLICT = "conflict"
WRONG_BOARD = "wrong_board"
COLUMN_NOT_EMPTY = "column_not_empty"
LAST_COLUMN = "last_column"
DUPLICATE = "duplicate"
UNKNOWN_EVENT = "unknown_event"
INTERNAL = "internal"
WRONG_PHASE = "wrong_phase"
LOCKED = "locked"
NO_VOTE = "no_vote"
VOTE_OPEN_ALREADY = "vote_open"
NO_DOTS_LEFT = "no_dots_left"
CAP_REACHED = "cap_reached"
NOT_VOTED = "not_voted"
PRIVATE_WRITING = "private_writing"
NO_GROUPS = "no_groups"
NO_TIMER = "no_timer"

MESSAGES: dict[str, str] = {
    BAD_REQUEST: N_("The request is not valid."),
    EMPTY: N_("The text is empty."),
    TOO_LONG: N_("The text is too long."),
    BAD_COLOR: N_("This colour does not exist."),
    NOT_FOUND: N_("This no longer exists."),
    NOT_JOINED: N_("Open the board first."),
    FORBIDDEN: N_("You may not change this."),
    NOT_FACILITATOR: N_("Only the facilitator can do this."),
    CONFLICT: N_("Someone changed this note meanwhile; here is the new version."),
    WRONG_BOARD: N_("This is not on this board."),
    COLUMN_NOT_EMPTY: N_("Move or delete the notes of this column first."),
    LAST_COLUMN: N_("A board needs at least one column."),
    DUPLICATE: N_("This name is already taken."),
    UNKNOWN_EVENT: N_("This action is not known; reload the page."),
    INTERNAL: N_("Something went wrong on the server; nothing was changed."),
    WRONG_PHASE: N_("Not possible at this step of the workshop."),
    LOCKED: N_("The facilitator has paused contributions for now."),
    NO_VOTE: N_("No vote is open."),
    VOTE_OPEN_ALREADY: N_("A vote is already open; close it first."),
    NO_DOTS_LEFT: N_("You have no dots left: take one back to vote elsewhere."),
    CAP_REACHED: N_("You already gave this as many dots as allowed."),
    NOT_VOTED: N_("You have no dot here to take back."),
    PRIVATE_WRITING: N_("The notes are still private: reveal them first."),
    NO_GROUPS: N_("There are no groups yet: make groups, or vote on the notes."),
    NO_TIMER: N_("No timer is set."),
}


# ---- Payload schemas --------------------------------------------------------
class SchemaError(ValueError):
    """A payload did not match its schema."""

    def __init__(self, code: str, field_name: str) -> None:
        super().__init__(f"{code}: {field_name}")
        self.code = code
        self.field = field_name


@dataclass(frozen=True)
class Field:
    """One field of a payload: a checker and whether it must be there."""

    check: Callable[[str, Any], Any]
    required: bool = True


def _int(lo: int, hi: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        # bool is an int in Python; on the wire it is not.
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise SchemaError(BAD_REQUEST, name)
        return value

    return check


ID = _int(1, 2**31 - 1)
COUNT = _int(0, 2**31 - 1)
_OP_RE = re.compile(rf"^[A-Za-z0-9_.:-]{{8,{OP_ID_MAX}}}$")


def _op(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _OP_RE.match(value):
        raise SchemaError(BAD_REQUEST, name)
    return value


def note_text(name: str, value: Any) -> str:
    """Check a note's Markdown source: a non-empty string of at most NOTE_MAX characters."""
    if not isinstance(value, str):
        raise SchemaError(BAD_REQUEST, name)
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise SchemaError(EMPTY, name)
    if len(value) > NOTE_MAX:
        raise SchemaError(TOO_LONG, name)
    return value


def _color(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SchemaError(BAD_REQUEST, name)
    if value not in COLORS:
        raise SchemaError(BAD_COLOR, name)
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SchemaError(BAD_REQUEST, name)
    return value


def _choice(*values: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise SchemaError(BAD_REQUEST, name)
        return value

    return check


def _text(limit: int) -> Callable[[str, Any], str]:
    """A trimmed string, possibly empty (the rules decide whether empty is allowed)."""

    def check(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise SchemaError(BAD_REQUEST, name)
        value = value.strip()
        if len(value) > limit:
            raise SchemaError(TOO_LONG, name)
        return value

    return check


def _ids(limit: int) -> Callable[[str, Any], list[int]]:
    def check(name: str, value: Any) -> list[int]:
        if not isinstance(value, list) or len(value) > limit:
            raise SchemaError(BAD_REQUEST, name)
        return list(dict.fromkeys(ID(name, v) for v in value))

    return check


def _date(name: str, value: Any) -> str:
    if not isinstance(value, str) or (value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise SchemaError(BAD_REQUEST, name)
    return value


@dataclass(frozen=True)
class Schema:
    """The payload of one client event; unknown fields are dropped."""

    fields: dict[str, Field] = field(default_factory=dict)

    def parse(self, payload: Any) -> dict[str, Any]:
        """Return the checked fields of payload, or raise SchemaError."""
        if not isinstance(payload, dict):
            raise SchemaError(BAD_REQUEST, "payload")
        clean: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name not in payload or payload[name] is None:
                if spec.required:
                    raise SchemaError(BAD_REQUEST, name)
                continue
            clean[name] = spec.check(name, payload[name])
        return clean


def _command(**fields: Field) -> Schema:
    """A board command: an op id, the board, and its own fields."""
    return Schema({"op": Field(_op), "board": Field(ID), **fields})


_ACTION_FIELDS = {
    "what": Field(_text(ACTION_MAX), required=False),
    "organisation": Field(COUNT, required=False),  # 0: no organisation
    "due": Field(_date, required=False),  # "" for no date
}

SCHEMAS: dict[str, Schema] = {
    BOARD_JOIN: Schema(
        {"board": Field(ID), "since": Field(COUNT, required=False), "view": Field(_choice(*VIEWS), required=False)}
    ),
    BOARD_LEAVE: Schema({"board": Field(ID)}),
    NOTE_ADD: Schema(
        {
            "op": Field(_op),
            "board": Field(ID),
            "column": Field(ID),
            "text": Field(note_text),
            "color": Field(_color, required=False),
        }
    ),
    NOTE_EDIT: Schema(
        {
            "op": Field(_op),
            "board": Field(ID),
            "note": Field(ID),
            "text": Field(note_text, required=False),
            "color": Field(_color, required=False),
            "version": Field(ID, required=False),
        }
    ),
    NOTE_MOVE: Schema(
        {
            "op": Field(_op),
            "board": Field(ID),
            "note": Field(ID),
            "column": Field(ID),
            "index": Field(COUNT),
            "group": Field(COUNT, required=False),  # 0: out of any group
        }
    ),
    NOTE_DELETE: Schema({"op": Field(_op), "board": Field(ID), "note": Field(ID)}),
    BOARD_SET: _command(
        phase=Field(_choice(*PHASES), required=False),
        private=Field(_bool, required=False),
        locked=Field(_bool, required=False),
        anonymity=Field(_choice(*ANONYMITY), required=False),
    ),
    BOARD_TIMER: _command(
        action=Field(_choice(*TIMER_ACTIONS)),
        seconds=Field(_int(1, TIMER_MAX_SECONDS), required=False),
        locks=Field(_bool, required=False),
    ),
    BOARD_SPOTLIGHT: _command(kind=Field(_choice("note", "group"), required=False), id=Field(ID, required=False)),
    GROUP_ADD: _command(
        column=Field(ID),
        title=Field(_text(GROUP_TITLE_MAX), required=False),
        notes=Field(_ids(GROUP_NOTES_MAX), required=False),
    ),
    GROUP_EDIT: _command(
        group=Field(ID),
        title=Field(_text(GROUP_TITLE_MAX), required=False),
        column=Field(ID, required=False),
        index=Field(COUNT, required=False),
    ),
    GROUP_DELETE: _command(group=Field(ID)),
    VOTE_OPEN: _command(
        target=Field(_choice(*VOTE_TARGETS), required=False),
        budget=Field(_int(1, BUDGET_MAX), required=False),
        cap=Field(_int(1, BUDGET_MAX), required=False),
        hide_results=Field(_bool, required=False),
    ),
    VOTE_CLOSE: _command(vote=Field(ID)),
    VOTE_REVEAL: _command(vote=Field(ID)),
    VOTE_CAST: _command(vote=Field(ID), target=Field(ID)),
    VOTE_UNCAST: _command(vote=Field(ID), target=Field(ID)),
    ACTION_ADD: _command(note=Field(ID, required=False), group=Field(ID, required=False), **_ACTION_FIELDS),
    ACTION_EDIT: _command(action=Field(ID), **_ACTION_FIELDS),
    ACTION_DELETE: _command(action=Field(ID)),
}


def ok(**data: Any) -> dict[str, Any]:
    """An acknowledgement that the command was applied."""
    return {"ok": True, **data}


def error(code: str, message: str, **details: Any) -> dict[str, Any]:
    """An acknowledgement that the command was refused and nothing changed."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(details)
    return {"ok": False, "error": body}
