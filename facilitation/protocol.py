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

# Server -> clients of a board room; every payload carries "board" and "seq".
NOTE_ADDED = "note:added"
NOTE_EDITED = "note:edited"
NOTE_MOVED = "note:moved"
NOTE_DELETED = "note:deleted"
BOARD_COLUMNS = "board:columns"
BOARD_WORKSHOP = "board:workshop"
BOARD_DELETED = "board:deleted"

# The broadcast each client command causes once applied.
BROADCAST_OF = {
    NOTE_ADD: NOTE_ADDED,
    NOTE_EDIT: NOTE_EDITED,
    NOTE_MOVE: NOTE_MOVED,
    NOTE_DELETE: NOTE_DELETED,
}


def board_room(board_id: int) -> str:
    """Name of the Socket.IO room of a board."""
    return f"board:{board_id}"


# ---- Limits -----------------------------------------------------------------
NOTE_MAX = 500
PSEUDONYM_MAX = 40
OP_ID_MAX = 64
COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")
# Catch-up sends at most this many changes; further behind, a fresh snapshot.
CATCH_UP_MAX = 500

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


SCHEMAS: dict[str, Schema] = {
    BOARD_JOIN: Schema({"board": Field(ID), "since": Field(COUNT, required=False)}),
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
        }
    ),
    NOTE_DELETE: Schema({"op": Field(_op), "board": Field(ID), "note": Field(ID)}),
}


def ok(**data: Any) -> dict[str, Any]:
    """An acknowledgement that the command was applied."""
    return {"ok": True, **data}


def error(code: str, message: str, **details: Any) -> dict[str, Any]:
    """An acknowledgement that the command was refused and nothing changed."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(details)
    return {"ok": False, "error": body}
