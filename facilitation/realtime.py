"""Socket.IO handlers: who is asking -> check the payload -> call the rules ->
commit -> ack -> broadcast to the board's room.

Every handler answers through the acknowledgement: {"ok": true, ...} or
{"ok": false, "error": {"code", "message"}}.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from flask_socketio import join_room, leave_room, rooms
from sqlalchemy.exc import IntegrityError

from . import protocol as p
from .db import get_session
from .extensions import socketio
from .identity import actor_for
from .mirror import schedule_mirror
from .models import Board
from .security import log_failure
from .services import Actor, DomainError, ops
from .services import boards as board_service
from .services import notes as note_service

log = logging.getLogger("relais.realtime")


def _refuse(code: str, **details: Any) -> dict[str, Any]:
    return p.error(code, gettext(p.MESSAGES[code]), **details)


def _actor(board: Board) -> Actor:
    actor = actor_for(board.event)
    if actor is None:
        raise DomainError(p.FORBIDDEN)
    return actor


def _board_for(board_id: int) -> Board:
    board = get_session().get(Board, board_id)
    if board is None:
        raise DomainError(p.NOT_FOUND)
    return board


def _guarded(name: str, payload: Any, body: Callable[[dict[str, Any]], dict[str, Any]]) -> dict:
    """Parse the payload, run body, and turn every failure into an error ack."""
    db = get_session()
    try:
        data = p.SCHEMAS[name].parse(payload)
        return body(data)
    except p.SchemaError as exc:
        db.rollback()
        return _refuse(exc.code, field=exc.field)
    except DomainError as exc:
        db.rollback()
        return _refuse(exc.code, **exc.details)
    except Exception as exc:  # the worker must stay up
        db.rollback()
        log_failure(f"{name} failed", exc)
        return _refuse(p.INTERNAL)


def _command(name: str, payload: Any, apply: Callable[[Board, Actor, dict], dict]) -> dict:
    """Run a board command once per op id.

    Nothing goes out before the commit. After it, the broadcast is queued and the ack
    returned from this handler: the sender may see either first, and its client
    applies both idempotently (the ack carries the same note and seq).
    """

    def body(data: dict[str, Any]) -> dict[str, Any]:
        db = get_session()
        board = _board_for(data["board"])
        if p.board_room(board.id) not in rooms():
            raise DomainError(p.NOT_JOINED)
        actor = _actor(board)
        earlier = ops.previous_answer(db, actor.participant_id, data["op"])
        if earlier is not None:
            return earlier
        try:
            broadcast = apply(board, actor, data)
            answer = p.ok(**{k: v for k, v in broadcast.items() if k != "board"})
            ops.remember(db, actor.participant_id, data["op"], answer)
            db.commit()
        except IntegrityError:
            # The same op raced in from another tab or worker and won: answer as it was.
            db.rollback()
            earlier = ops.previous_answer(db, actor.participant_id, data["op"])
            if earlier is None:
                raise
            return earlier
        publish(p.BROADCAST_OF[name], broadcast)
        return answer

    return _guarded(name, payload, body)


@socketio.on(p.BOARD_JOIN)
def board_join(payload: Any = None, *_extra: Any) -> dict:
    """A phone, projector or console opens a board; answers a snapshot or the missed changes."""

    def body(data: dict[str, Any]) -> dict[str, Any]:
        db = get_session()
        board = _board_for(data["board"])
        actor = _actor(board)
        join_room(p.board_room(board.id))
        since = data.get("since")
        if since is not None:
            changes = board_service.changes_since(db, board, since)
            if changes is not None:
                seq = changes[-1]["data"]["seq"] if changes else since
                return p.ok(changes=changes, seq=seq, mine=note_service.authored_by(db, board, actor))
        snap, mine = board_service.snapshot(db, board, actor.participant_id)
        return p.ok(board=snap, seq=snap["seq"], mine=mine, facilitator=actor.facilitator)

    return _guarded(p.BOARD_JOIN, payload, body)


@socketio.on(p.BOARD_LEAVE)
def board_leave(payload: Any = None, *_extra: Any) -> dict:
    """A client stops following a board."""

    def body(data: dict[str, Any]) -> dict[str, Any]:
        leave_room(p.board_room(data["board"]))
        return p.ok()

    return _guarded(p.BOARD_LEAVE, payload, body)


@socketio.on(p.NOTE_ADD)
def note_add(payload: Any = None, *_extra: Any) -> dict:
    """A participant posts a note; everyone on the board receives note:added."""
    return _command(
        p.NOTE_ADD,
        payload,
        lambda board, actor, d: note_service.add(
            get_session(), board, actor, column_id=d["column"], text=d["text"], color=d.get("color")
        ),
    )


@socketio.on(p.NOTE_EDIT)
def note_edit(payload: Any = None, *_extra: Any) -> dict:
    """The author or the facilitator edits a note; everyone receives note:edited."""
    return _command(
        p.NOTE_EDIT,
        payload,
        lambda board, actor, d: note_service.edit(
            get_session(),
            board,
            actor,
            note_id=d["note"],
            text=d.get("text"),
            color=d.get("color"),
            version=d.get("version"),
        ),
    )


@socketio.on(p.NOTE_MOVE)
def note_move(payload: Any = None, *_extra: Any) -> dict:
    """The facilitator moves a note; everyone receives note:moved with the column's order."""
    return _command(
        p.NOTE_MOVE,
        payload,
        lambda board, actor, d: note_service.move(
            get_session(), board, actor, note_id=d["note"], column_id=d["column"], index=d["index"]
        ),
    )


@socketio.on(p.NOTE_DELETE)
def note_delete(payload: Any = None, *_extra: Any) -> dict:
    """The author or the facilitator deletes a note; everyone receives note:deleted."""
    return _command(
        p.NOTE_DELETE,
        payload,
        lambda board, actor, d: note_service.delete(get_session(), board, actor, note_id=d["note"]),
    )


@socketio.on("*")
def unknown_event(event: str, *_args: Any) -> dict:
    """Any event this server does not know gets an error, and nothing else happens."""
    return _refuse(p.UNKNOWN_EVENT)


@socketio.on_error_default
def handler_failed(exc: Exception) -> dict:
    """Last guard (a handler's own guard failed): log the kind, answer an error, stay up."""
    log_failure("socket handler failed", exc)
    return _refuse(p.INTERNAL)


def publish(name: str, payload: dict[str, Any]) -> None:
    """Send a committed change of a board to its room and schedule its Markdown rewrite."""
    socketio.emit(name, payload, to=p.board_room(payload["board"]))
    schedule_mirror(payload["board"])
