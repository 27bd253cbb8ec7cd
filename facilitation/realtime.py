"""Socket.IO handlers: who is asking -> check the payload -> call the rules ->
commit -> ack -> broadcast to the board's room.

Every handler answers through the acknowledgement: {"ok": true, ...} or
{"ok": false, "error": {"code", "message"}}.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from flask import current_app, request
from flask_babel import gettext
from flask_socketio import join_room, leave_room, rooms
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import bursts, clock, safejson, tallies, throttle
from . import payloads as pl
from . import protocol as p
from .db import DatabaseBusy, get_session
from .extensions import socketio
from .identity import actor_for, held
from .mirror import BILAN, BOARD, schedule_bilan, schedule_mirror
from .models import Board, Event
from .security import log_failure
from .services import Actor, DomainError, ops, presenters, queries
from .services import actions as action_service
from .services import groups as group_service
from .services import notes as note_service
from .services import plenary as plenary_service
from .services import round as round_service
from .services import state as state_service
from .services import votes as vote_service
from .services.access import room_key
from .services.changes import Change, EventChange, changes_since
from .services.queries import current_vote
from .snapshots import in_answer, stamp_of

log = logging.getLogger("relais.realtime")


def _refuse(code: str, **details: Any) -> dict[str, Any]:
    return p.error(code, gettext(p.MESSAGES[code]), **details)


def _actor(event: Event, board: Board | None = None, cookie: Any = None) -> Actor:
    actor = actor_for(event, board, cookie)
    if actor is None:
        raise DomainError(p.FORBIDDEN)
    return actor


def _board_for(board_id: int) -> Board:
    board = get_session().get(Board, board_id)
    if board is None:
        raise DomainError(p.NOT_FOUND)
    return board


def _event_for(event_id: int) -> Event:
    event = get_session().get(Event, event_id)
    if event is None:
        raise DomainError(p.NOT_FOUND)
    return event


def _guarded(name: str, payload: Any, body: Callable[[Any], dict[str, Any]]) -> dict:
    """Parse the payload against its declaration, run body, and turn every failure into an error ack."""
    db = get_session()
    try:
        data = pl.parse(pl.SOCKET[name], payload)
        return body(data)
    except pl.PayloadError as exc:
        db.rollback()
        return _refuse(exc.code, field=exc.field)
    except DomainError as exc:
        db.rollback()
        return _refuse(exc.code, **exc.details)
    except throttle.TooFast as exc:
        db.rollback()
        return _refuse(p.TOO_FAST, retry_after=exc.retry_after)
    except DatabaseBusy:
        db.rollback()
        return _refuse(p.BUSY, retry_after=2)
    except Exception as exc:  # the worker must stay up
        db.rollback()
        log_failure(f"{name} failed", exc)
        return _refuse(p.INTERNAL)


def _joined(board: Board) -> bool:
    return bool(_rooms_of(board.id))


@dataclass(frozen=True)
class Scope:
    """What a command acts on: a board, or a whole event (the round, the plenary screen)."""

    key: str
    load: Callable[[int], Any]
    joined: Callable[[Any], bool]
    actor_of: Callable[[Any], Actor]  # who asks, with the rights they have on this target
    publish: Callable[[Any], None]
    # What else a change alters, recorded in the same transaction (the plenary screen).
    follow: Callable[[Session, Any, Any], list[EventChange]]


def _command(name: str, payload: Any, apply: Callable[[Session, Any, Actor, Any], Any], scope: Scope) -> dict:
    """Run a command once per op id.

    Nothing goes out before the commit. After it, the broadcast is queued and the ack
    returned from this handler: the sender may see either first, and its client
    applies both idempotently (the ack carries the same data and seq).
    """

    def body(data: Any) -> dict[str, Any]:
        db = get_session()
        target = scope.load(getattr(data, scope.key))
        if not scope.joined(target):
            raise DomainError(p.NOT_JOINED)
        actor = scope.actor_of(target)
        earlier = ops.previous_answer(db, actor.participant_id, data.op)
        if earlier is not None:
            return earlier  # a resend of what was already done costs nothing
        throttle.hit(throttle.policy_for(name, actor.facilitator), f"p:{actor.participant_id}", f"s:{request.sid}")
        try:
            with current_app.extensions["relais.lifecycle"].command():
                change = apply(db, target, actor, data)
                also = scope.follow(db, target, change)
                answer = p.ok(**{k: v for k, v in change.payload.items() if k != scope.key}, **change.reply)
                # The answer goes with its board (or event) when that is deleted: it may hold a note's words.
                ops.remember(db, actor.participant_id, data.op, answer, **{f"{scope.key}_id": target.id})
                db.commit()
        except IntegrityError:
            # The same op raced in from another tab or worker and won: answer as it was.
            db.rollback()
            earlier = ops.previous_answer(db, actor.participant_id, data.op)
            if earlier is None:
                raise
            return earlier
        scope.publish(change)
        for follow in also:
            publish_event(follow)
        return answer

    return _guarded(name, payload, body)


def _rooms_of(board_id: int) -> list[str]:
    """The rooms of this board that this socket is in."""
    name = p.board_room(board_id)
    return [room for room in rooms() if room == name or room.startswith(name + ":")]


def _view_rooms(board_id: int, actor: Actor, view: str) -> list[str]:
    """The rooms of one screen: consoles hear everything, phones and projectors the public
    form; a phone also hears its own participant's unsequenced events."""
    if view == "console":
        return [p.facilitators_room(board_id, room_key(actor.credential))]
    if view == "projector":
        return [p.board_room(board_id)]
    return [p.board_room(board_id), p.participant_room(board_id, actor.participant_id)]


def _enter(board_id: int, actor: Actor, view: str) -> None:
    """Put this socket in the rooms of its screen on the board, and out of any other of that board."""
    wanted = _view_rooms(board_id, actor, view)
    for room in _rooms_of(board_id):
        if room not in wanted:
            leave_room(room)
    for room in wanted:
        join_room(room)


def _quick_join(db: Session, data: pl.BoardJoin, view: str) -> dict[str, Any] | None:
    """A phone's or projector's join answered with one statement and the kept snapshot, or
    None when it takes the full path: a console, a catch-up (`since`), a board that is not
    there, a browser that may run something of its event (its credential is worked out
    there), a phone while writing is private, a board with a vote (its own dots are read
    there), or nothing kept at this seq. It answers what the full path would, byte for byte
    (tests/test_load.py): in a storm of joins (the venue's wifi came back), the three
    ORM queries of the full path were half of each join's time."""
    if view == "console" or data.since is not None:
        return None
    cookie = held()
    facts = queries.join_facts(db, data.board, list(cookie.participants.values()))
    if facts is None or facts.vote_id is not None:
        return None
    event_key = str(facts.event_id)
    participant = cookie.participants.get(event_key)
    if participant is None or cookie.owners.get(event_key) or cookie.links.get(event_key):
        return None
    seen = presenters.for_view(view, participant)
    key = seen.shared_key(facts)  # (a presenter asks only whether writing is private)
    if key is None:  # a phone while private: its own snapshot
        return None
    cache = current_app.extensions["relais.snapshots"]
    kept = cache.fresh(facts.id, key, stamp_of(facts.seq, facts.code, facts.title, facts.language))
    if kept is None:
        return None
    _enter(facts.id, Actor(event_id=facts.event_id, participant_id=participant, facilitator=False, credential=None),
           view)
    snap, extra = in_answer(kept, None, data.pack)
    mine = queries.own_note_ids(facts) if seen.participant is not None else []
    return p.ok(board=snap, seq=facts.seq, mine=mine, facilitator=False, now=clock.now_ms(), **extra)


@socketio.on(p.BOARD_JOIN)
def board_join(payload: Any = None, *_extra: Any) -> dict:
    """A phone, projector or console opens a board; answers a snapshot or the missed changes."""

    def body(data: pl.BoardJoin) -> dict[str, Any]:
        db = get_session()
        throttle.hit("join", f"s:{request.sid}")
        view = data.view or "phone"
        quick = _quick_join(db, data, view)
        if quick is not None:
            return quick
        board = _board_for(data.board)
        actor = _actor(board.event, board)
        if view == "console" and not actor.facilitator:
            raise DomainError(p.NOT_FACILITATOR)
        _enter(board.id, actor, view)
        seen = presenters.for_view(view, actor.participant_id)
        # Consoles, and anyone while writing is private, always get a snapshot: the change
        # log only holds what the shared room was sent.
        if data.since is not None and view != "console" and not board.private:
            changes = changes_since(db, board, data.since)
            if changes is not None:
                seq = changes[-1]["data"]["seq"] if changes else data.since
                return p.ok(
                    changes=changes,
                    seq=seq,
                    mine=note_service.authored_by(db, board, actor),
                    vote=seen.vote(db, current_vote(db, board)),
                    now=clock.now_ms(),
                )
        # The board as every screen of this audience sees it, built once per seq (snapshots.py),
        # then this screen's own part: its vote with its dots, its notes.
        kept, seq = current_app.extensions["relais.snapshots"].entry(db, board, seen)
        snap, extra = in_answer(kept, seen.vote(db, current_vote(db, board)), data.pack)
        if view == "console":  # is this board's Markdown file behind (a full disk...)?
            cause = current_app.extensions["relais.mirror"].behind().get((BOARD, board.id))
            extra["files"] = {"board": board.id, "ok": cause is None, "cause": cause}
        return p.ok(board=snap, seq=seq, mine=seen.own_notes(db, board), facilitator=actor.facilitator,
                    now=clock.now_ms(), **extra)

    return _guarded(p.BOARD_JOIN, payload, body)


@socketio.on(p.BOARD_LEAVE)
def board_leave(payload: Any = None, *_extra: Any) -> dict:
    """A client stops following a board."""

    def body(data: pl.BoardLeave) -> dict[str, Any]:
        for room in _rooms_of(data.board):
            leave_room(room)
        return p.ok()

    return _guarded(p.BOARD_LEAVE, payload, body)


# Every board command: what it calls once its payload is checked and its sender known.
COMMANDS: dict[str, Callable[[Session, Board, Actor, Any], Change]] = {
    p.NOTE_ADD: lambda db, b, a, d: note_service.add(db, b, a, column_id=d.column, text=d.text, color=d.color),
    p.NOTE_EDIT: lambda db, b, a, d: note_service.edit(
        db, b, a, note_id=d.note, text=d.text, color=d.color, version=d.version
    ),
    p.NOTE_MOVE: lambda db, b, a, d: note_service.move(
        db, b, a, note_id=d.note, column_id=d.column, index=d.index, group_id=d.group or None
    ),
    p.NOTE_DELETE: lambda db, b, a, d: note_service.delete(db, b, a, note_id=d.note),
    p.NOTE_PURGE: lambda db, b, a, d: note_service.purge(db, b, a, note_id=d.note),
    p.NOTE_BILAN: lambda db, b, a, d: note_service.keep_for_bilan(db, b, a, note_id=d.note, keep=d.keep),
    p.BOARD_SET: lambda db, b, a, d: state_service.set_board(
        db, b, a, **d.given("phase", "private", "locked", "anonymity", "page_seconds")
    ),
    p.BOARD_TIMER: lambda db, b, a, d: state_service.set_timer(db, b, a, **d.given("action", "seconds", "locks")),
    p.BOARD_SPOTLIGHT: lambda db, b, a, d: state_service.set_spotlight(db, b, a, kind=d.kind, target=d.id),
    p.GROUP_ADD: lambda db, b, a, d: group_service.add(
        db, b, a, column_id=d.column, title=d.title, note_ids=list(dict.fromkeys(d.notes or []))
    ),
    p.GROUP_EDIT: lambda db, b, a, d: group_service.edit(
        db, b, a, group_id=d.group, title=d.title, column_id=d.column, index=d.index
    ),
    p.GROUP_DELETE: lambda db, b, a, d: group_service.delete(db, b, a, group_id=d.group),
    p.VOTE_OPEN: lambda db, b, a, d: vote_service.open_vote(
        db, b, a, target=d.target, budget=d.budget, cap=d.cap, hide_results=d.hide_results
    ),
    p.VOTE_CLOSE: lambda db, b, a, d: vote_service.close_vote(db, b, a, vote_id=d.vote),
    p.VOTE_REVEAL: lambda db, b, a, d: vote_service.reveal_vote(db, b, a, vote_id=d.vote),
    p.ACTION_ADD: lambda db, b, a, d: action_service.add(
        db, b, a, note_id=d.note, group_id=d.group, **d.given("what", "organisation", "due")
    ),
    p.ACTION_EDIT: lambda db, b, a, d: action_service.edit(
        db, b, a, action_id=d.action, **d.given("what", "organisation", "due")
    ),
    p.ACTION_DELETE: lambda db, b, a, d: action_service.delete(db, b, a, action_id=d.action),
}


# Dots: counted in bursts (bursts.py), the same rules as a command, one transaction for the
# dots of a board that arrive together.
DOTS: dict[str, Callable[[vote_service.Ballots, Actor, Any], None]] = {
    p.VOTE_CAST: lambda ballots, a, d: ballots.cast(a, d.vote, d.target),
    p.VOTE_UNCAST: lambda ballots, a, d: ballots.uncast(a, d.vote, d.target),
}


def _dot(name: str, payload: Any) -> dict:
    """A dot cast or taken back: checked here, counted with the others of its burst, answered
    here (in its sender's language: the burst may run in another's request)."""

    def body(data: Any) -> dict[str, Any]:
        if not _rooms_of(data.board):
            _board_for(data.board)  # not_found comes first, as for every command
            raise DomainError(p.NOT_JOINED)
        ticket = current_app.extensions["relais.bursts"].submit(
            data.board, bursts.Ticket(name, data, held(), request.sid))
        if ticket.error is not None:
            raise ticket.error
        if ticket.answer is None:  # its burst failed before answering it (logged there)
            raise DomainError(p.INTERNAL)
        return ticket.answer

    return _guarded(name, payload, body)


def count_dots(board_id: int, tickets: list[bursts.Ticket]) -> None:
    """Run a burst of dots of one board in one transaction; answer every ticket. A refusal of
    the whole burst (the board gone, the worker stopping, the database busy past its wait) is
    every dot's answer. Should the burst fail otherwise (an op id raced in from another
    worker...), each dot is run again alone, so that one cannot fail the others."""
    db = get_session()
    try:
        _count_together(db, board_id, tickets)
    except (DomainError, DatabaseBusy) as exc:
        db.rollback()
        for ticket in tickets:
            ticket.answer, ticket.error = None, exc
    except Exception as exc:  # noqa: BLE001 - every ticket gets an answer, the worker stays up
        db.rollback()
        if len(tickets) > 1:
            for ticket in tickets:
                ticket.answer = ticket.error = None
                count_dots(board_id, [ticket])
            return
        log_failure(f"{tickets[0].name} failed", exc)
        tickets[0].answer, tickets[0].error = None, DomainError(p.INTERNAL)


def _count_together(db: Session, board_id: int, tickets: list[bursts.Ticket]) -> None:
    board = _board_for(board_id)
    with current_app.extensions["relais.lifecycle"].command():
        ballots = vote_service.Ballots(db, board)
        # In the order of their senders (rows are locked in one order by every burst, on every
        # worker: no deadlock), each sender's dots in the order they came.
        senders: list[tuple[bursts.Ticket, Actor]] = []
        for ticket in sorted(tickets, key=lambda t: t.cookie.participants.get(str(board.event_id)) or ""):
            try:
                senders.append((ticket, _actor(board.event, board, ticket.cookie)))
            except DomainError as exc:
                ticket.error = exc
        earlier = ops.previous_answers(db, [(actor.participant_id, t.data.op) for t, actor in senders])
        first: dict[tuple[str, str], bursts.Ticket] = {}  # (participant, op) -> the ticket that counts it
        counted: list[tuple[bursts.Ticket, Actor]] = []
        repeats: list[tuple[bursts.Ticket, bursts.Ticket]] = []
        for ticket, actor in senders:
            key = (actor.participant_id, ticket.data.op)
            if key in first:  # the same op twice in one burst (a resend): one dot, one answer
                repeats.append((ticket, first[key]))
            elif key in earlier:  # a resend of what was already done costs nothing
                ticket.answer = earlier[key]
            else:
                try:
                    throttle.hit(throttle.policy_for(ticket.name, actor.facilitator), f"p:{actor.participant_id}",
                                 f"s:{ticket.sid}")
                    DOTS[ticket.name](ballots, actor, ticket.data)
                except (DomainError, throttle.TooFast) as exc:
                    ticket.error = exc
                    continue
                first[key] = ticket
                counted.append((ticket, actor))
        if counted:
            change = ballots.change()
            also = _plenary_follow(db, board, change)
            for ticket, actor in counted:
                ticket.answer = p.ok(vote=change.payload["vote"], mine=change.reply["mine"][actor.participant_id])
            ops.remember_many(db, [(actor.participant_id, t.data.op, t.answer) for t, actor in counted],
                              board_id=board.id)
            db.commit()
            publish(change)
            for follow in also:
                publish_event(follow)
        else:  # every dot refused: what they tried is undone, and SQLite's write lock let go now
            db.rollback()
    for ticket, same in repeats:
        ticket.answer, ticket.error = same.answer, same.error


# Every command on a whole event.
EVENT_COMMANDS: dict[str, Callable[[Session, Event, Actor, Any], EventChange]] = {
    p.ROUND_GO: lambda db, e, a, d: round_service.go(db, e, a, to=d.to, step=d.step),
    p.ROUND_TIMER: lambda db, e, a, d: round_service.set_timer(db, e, a, action=d.action, seconds=d.seconds),
    p.CARD_NOTE: lambda db, e, a, d: round_service.add_note(db, e, a, organisation_id=d.organisation, kind=d.kind,
                                                            text=d.text),
    p.PLENARY_SHOW: lambda db, e, a, d: plenary_service.show(db, e, a, workshop_id=d.workshop or None),
}


@socketio.on(p.EVENT_JOIN)
def event_join(payload: Any = None, *_extra: Any) -> dict:
    """A phone, projector or console opens the live parts of the whole event: the round and
    the plenary screen; answers their state (small: a screen behind takes it whole)."""

    def body(data: pl.EventJoin) -> dict[str, Any]:
        db = get_session()
        throttle.hit("join", f"s:{request.sid}")
        event = _event_for(data.event)
        actor = _actor(event)
        if data.view == "console" and not actor.facilitator:
            raise DomainError(p.NOT_FACILITATOR)
        join_room(p.event_room(event.id))
        extra = {}
        if data.view == "console":
            join_room(p.event_facilitators_room(event.id, room_key(actor.credential)))
            cause = current_app.extensions["relais.mirror"].behind().get((BILAN, event.id))
            extra["files"] = {"event": event.id, "ok": cause is None, "cause": cause}
        seq = db.scalar(select(Event.seq).where(Event.id == event.id))
        return p.ok(seq=seq, round=presenters.round_form(db, event), plenary=presenters.PLENARY.state(db, event),
                    facilitator=actor.facilitator, now=clock.now_ms(), **extra)

    return _guarded(p.EVENT_JOIN, payload, body)


def publish_event(change: EventChange) -> None:
    """Send a committed change of the whole event to everyone following it."""
    socketio.emit(change.name, change.payload, to=p.event_room(change.event_id))


def _plenary_follow(db: Session, board: Board, change: Change) -> list[EventChange]:
    follow = plenary_service.after_board_change(db, board, change)
    return [follow] if follow is not None else []


BOARD_SCOPE = Scope("board", _board_for, _joined, lambda board: _actor(board.event, board),
                    lambda change: publish(change), _plenary_follow)
EVENT_SCOPE = Scope("event", _event_for, lambda event: p.event_room(event.id) in rooms(), _actor, publish_event,
                    lambda *_: [])


def settle(db: Session, change: Change) -> None:
    """Commit a board change made outside a command (an HTTP route) with what follows from it
    on the plenary screen, then send both."""
    also = _plenary_follow(db, db.get(Board, change.board_id), change)
    db.commit()
    publish(change)
    for follow in also:
        publish_event(follow)


def settle_event(db: Session, event: Event, also: list[EventChange], *, every_file: bool = False,
                 at_once: bool = False) -> None:
    """Commit a change of the whole event (a card, the programme, a workshop added), send what
    it altered live, and rewrite its bilan (and every board's file, when the event's title,
    place, dates or language changed)."""
    db.commit()
    for follow in also:
        publish_event(follow)
    if every_file:
        for workshop in event.workshops:
            schedule_mirror(workshop.board.id)
    schedule_bilan(event.id, at_once=at_once)


def _register(name: str, run: Callable[[str, Any], dict]) -> None:
    def handler(payload: Any = None, *_extra: Any) -> dict:
        return run(name, payload)

    handler.__name__ = "on_" + name.replace(":", "_")
    socketio.on_event(name, handler)


for _name, _apply in COMMANDS.items():
    _register(_name, lambda name, payload, apply=_apply: _command(name, payload, apply, BOARD_SCOPE))
for _name in DOTS:
    _register(_name, _dot)
for _name, _apply in EVENT_COMMANDS.items():
    _register(_name, lambda name, payload, apply=_apply: _command(name, payload, apply, EVENT_SCOPE))


def carried_joins(turns: Any) -> Callable[..., None]:
    """python-socketio's connect handler (create_app registers it on the server).

    A socket may carry its join in Socket.IO's connect (`auth: {"join": <board:join or
    event:join payload>}`), answered by `board:joined` or `event:joined` with what the join's
    ack would be. A screen then joins one round trip sooner (300 ms on a crowded wifi), on
    its first visit and on every reconnect. The join takes its turn with the others
    (turns.py: a storm of connects must not hold the other boards' notes), in a request of
    its socket of its own, as Flask-SocketIO runs an event. The connection is accepted
    whatever the join's answer; a connect without a join (or with anything else in `auth`)
    asks for nothing. Registered on python-socketio's server rather than through
    Flask-SocketIO, which pushed a request context and read the cookie for every connect:
    a connect costs nothing of its own."""

    def connected(sid: str, _environ: dict, auth: Any = None) -> None:
        ask = auth.get("join") if isinstance(auth, dict) else None
        if ask is None:
            return
        by_event = isinstance(ask, dict) and "event" in ask and "board" not in ask
        name, answered = (p.EVENT_JOIN, p.EVENT_JOINED) if by_event else (p.BOARD_JOIN, p.BOARD_JOINED)

        def join(ask: Any) -> None:
            answer = event_join(ask) if by_event else board_join(ask)
            # To this socket alone, straight from this worker (never through the message queue).
            socketio.emit(answered, answer, to=sid, ignore_queue=True)

        turns.call(sid, "/", lambda: socketio._handle_event(join, name, "/", sid, ask))

    return connected


def joins_in_the_address(server: Any) -> None:
    """A websocket may carry its join in its address (`/socket.io/?EIO=4&transport=websocket&
    join=<board:join payload as JSON>`, what a page's opener does): it is then connected to
    Socket.IO's namespace "/" as soon as it is open, with that join as the connect's auth
    (carried_joins answers it), without waiting for the connect packet. A page then holds its
    board one round trip sooner still: the connect and the websocket's opening are one round
    trip, not two (a reload on a crowded wifi: 1.34 s to about 1.0 s). The connect the client
    would send next is not sent (static/js/early.js). A `join` that is not JSON is carried as
    it is, and answered `bad_request`. Wraps python-socketio's handler of Engine.IO's connect
    (docs/architecture.md lists the places that reach into the Socket.IO stack)."""
    engine_connected = server._handle_eio_connect

    def connected(eio_sid: str, environ: dict) -> Any:
        refused = engine_connected(eio_sid, environ)
        query = environ.get("QUERY_STRING", "")
        if refused is not None or "join=" not in query:
            return refused
        values = parse_qs(query).get("join")
        if values:
            try:
                ask = safejson.loads(values[0])
            except ValueError:
                ask = values[0]
            server._handle_connect(eio_sid, "/", {"join": ask})
        return None

    server.eio.on("connect", connected)


@socketio.on("*")
def unknown_event(event: str, *_args: Any) -> dict:
    """Any event this server does not know gets an error, and nothing else happens."""
    return _refuse(p.UNKNOWN_EVENT)


@socketio.on_error_default
def handler_failed(exc: Exception) -> dict:
    """Last guard (a handler's own guard failed): log the kind, answer an error, stay up."""
    log_failure("socket handler failed", exc)
    return _refuse(p.INTERNAL)


def heartbeat(app: Any) -> None:
    """Every few seconds, tell each board's screens on this worker the board's current seq.

    A screen that missed a change (a broadcast lost while Redis was away, on a board where
    nothing else happens) sees that it is behind and catches up. Sent to this worker's own
    sockets only: each worker speaks for its own.
    """
    from sqlalchemy import select

    manager = socketio.server.manager
    while True:
        socketio.sleep(app.config["HEARTBEAT_SECONDS"])
        boards: dict[int, list[str]] = {}
        events: dict[int, list[str]] = {}
        for room in list(manager.rooms.get("/", {})):
            parts = room.split(":") if isinstance(room, str) else []
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            if parts[0] == "board" and (len(parts) == 2 or (len(parts) == 4 and parts[2] == "f")):
                boards.setdefault(int(parts[1]), []).append(room)
            elif parts[0] == "event" and len(parts) == 2:
                events.setdefault(int(parts[1]), []).append(room)
        try:
            with app.app_context():
                db = get_session()
                seqs = [(p.BOARD_SEQ, "board", boards, db.execute(
                    select(Board.id, Board.seq).where(Board.id.in_(boards))).all() if boards else []),
                        (p.EVENT_SEQ, "event", events, db.execute(
                    select(Event.id, Event.seq).where(Event.id.in_(events))).all() if events else [])]
        except Exception as exc:  # noqa: BLE001 - the database may be away: try at the next beat
            log_failure("heartbeat could not read the boards", exc)
            continue
        for name, key, rooms_of, found in seqs:
            for target, seq in found:
                for room in rooms_of[target]:
                    manager.emit(name, {key: target, "seq": seq}, namespace="/", room=room, ignore_queue=True)


def publish(change: Change) -> None:
    """Send a committed change to each audience of its board; schedule its Markdown rewrite."""
    board = change.board_id
    if change.tally:  # a dot: the room hears the totals coalesced (tallies.py)
        tallies.mark(current_app._get_current_object(), board, change.payload["vote"]["id"])
    else:
        socketio.emit(change.public_name, change.public, to=p.board_room(board))
        for credential in change.credentials:
            socketio.emit(change.name, change.payload, to=p.facilitators_room(board, room_key(credential)))
    for participant, name, payload in change.own:
        socketio.emit(name, payload, to=p.participant_room(board, participant))
    schedule_mirror(board, at_once=change.erases)
