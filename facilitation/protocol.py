"""Everything that crosses the wire by name: events, rooms, steps, error codes and their messages.

Pure Python (no Flask), so that services, handlers, tests and the benchmark share one
definition. The shapes of payloads are declared in payloads.py.
"""

from __future__ import annotations

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
NOTE_PURGE = "note:purge"
NOTE_BILAN = "note:bilan"
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
NOTE_PURGED = "note:purged"
BOARD_COLUMNS = "board:columns"
BOARD_WORKSHOP = "board:workshop"
BOARD_DELETED = "board:deleted"
# The whole event's live parts, to room event:<id> (each with "event" and "seq"): the tour de
# table, the questions posted to a card, the plenary screen.
EVENT_JOIN = "event:join"
ROUND_GO = "round:go"
ROUND_TIMER = "round:timer"
CARD_NOTE = "card:note"
PLENARY_SHOW = "plenary:show"
ROUND_STATE = "round:state"
CARD_NOTED = "card:noted"
PLENARY_STATE = "plenary:state"
PLENARY_WORKSHOP = "plenary:workshop"
EVENT_SEQ = "event:seq"
# To every screen of an event deleted for good (no seq).
EVENT_DELETED = "event:deleted"
# To the consoles of a credential that was just replaced or revoked (no seq).
ACCESS_REVOKED = "access:revoked"
# To a board's consoles: its Markdown file is behind (and why), or whole again (no seq).
FILES_STATE = "files:state"
# To a socket whose connect carried its join (`auth: {join: ...}`): what the join's ack would be.
BOARD_JOINED = "board:joined"
EVENT_JOINED = "event:joined"
# To every screen: the server is stopping; reconnect in a moment (no seq).
SERVER_STOPPING = "server:stopping"
# To a board's screens every few seconds: its current seq, so a quiet board's screens see a gap.
BOARD_SEQ = "board:seq"
# To a board's screens: a vote's latest totals (dots are cast without a seq), at most one per
# TALLY_INTERVAL per board, the last always; with the board's seq and when it was read.
BOARD_TALLY = "board:tally"
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


def facilitators_room(board_id: int, credential: str) -> str:
    """The room of a board's facilitator consoles opened with one credential (a short form of
    its hash): everything, pseudonyms included. Only the rooms of valid credentials hear."""
    return f"board:{board_id}:f:{credential}"


def event_room(event_id: int) -> str:
    """The room of everything live for a whole event: the round, the plenary screen."""
    return f"event:{event_id}"


def event_facilitators_room(event_id: int, credential: str) -> str:
    """The room of the event's consoles opened with one credential (its files' state)."""
    return f"event:{event_id}:f:{credential}"


def participant_room(board_id: int, participant_id: str) -> str:
    """The room of one participant's sockets on a board (their other tabs)."""
    return f"board:{board_id}:p:{participant_id}"


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
TOO_FAST = "too_fast"
BUSY = "busy"
OUTSIDE_EVENT = "outside_event"
BAD_PACKAGE = "bad_package"
CROSS_SITE = "cross_site"

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
    TOO_FAST: N_("That is a lot at once: wait a moment, it will be sent by itself."),
    BUSY: N_("The server is busy for a moment: this will be sent again by itself."),
    OUTSIDE_EVENT: N_("This day is not one of the event's days."),
    BAD_PACKAGE: N_("This file is not a Relais package, or it is damaged or too large: nothing was imported."),
    CROSS_SITE: N_("This request came from another site; open Relais again and retry."),
}


def ok(**data: Any) -> dict[str, Any]:
    """An acknowledgement that the command was applied."""
    return {"ok": True, **data}


def error(code: str, message: str, **details: Any) -> dict[str, Any]:
    """An acknowledgement that the command was refused and nothing changed."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(details)
    return {"ok": False, "error": body}
