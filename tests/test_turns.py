"""Joins take turns (turns.py): queued as they are read, run in the order they came by at
most `lanes` at once, each other event dispatched as before; a join whose socket left while
it waited is dropped, and one that fails does not stop the others."""

from __future__ import annotations

import threading

from facilitation.turns import Turns


class FakeServer:
    """What Turns uses of python-socketio's Server."""

    def __init__(self) -> None:
        self.async_handlers = True
        self.connected = {"sid-a", "sid-b", "sid-c"}
        self.pre_connected: set[str] = set()  # whose connect is still being answered
        self.ran: list[tuple[str, str]] = []
        self.inline: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.manager = self

    # the manager's part
    def sid_from_eio_sid(self, eio_sid, _namespace):
        return eio_sid.replace("eio", "sid")

    def is_connected(self, sid, _namespace):
        return sid in self.connected

    def is_pre_connected(self, sid, _namespace):
        return sid in self.pre_connected

    # the server's part
    def _handle_event(self, _eio_sid, _namespace, _id, data):
        self.inline.append(data[0])

    def _handle_event_internal(self, _server, sid, _eio_sid, data, _namespace, _id):
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if data[1] == "boom":
                raise RuntimeError("a handler's guard failed")
            self.ran.append((sid, data[1]))
        finally:
            with self.lock:
                self.running -= 1

    def start_background_task(self, target):
        thread = threading.Thread(target=target)
        self.threads.append(thread)
        thread.start()


def _queue(lanes: int = 1) -> tuple[FakeServer, threading.Event, Turns]:
    """A server whose joins are queued; each lane pauses after every join until the gate opens."""
    server = FakeServer()
    gate = threading.Event()
    turns = Turns(server, {"board:join"}, lanes=lanes, pause=lambda: gate.wait(5), slice_seconds=0)
    turns.install()
    return server, gate, turns


def _wait_for_lanes(server: FakeServer, turns: Turns) -> None:
    for thread in list(server.threads):
        thread.join(5)
    assert turns.running == 0 and not turns.waiting


def test_joins_run_in_order_one_lane_at_a_time_and_other_events_go_inline():
    server, gate, turns = _queue()
    for n in range(20):
        server._handle_event("eio-a" if n % 2 else "eio-b", "/", n, ["board:join", n])
    server._handle_event("eio-c", "/", 99, ["note:add", {}])
    assert server.inline == ["note:add"]  # not queued behind the joins
    assert len(server.threads) == 1  # one lane for twenty joins
    gate.set()
    _wait_for_lanes(server, turns)
    assert [n for _sid, n in server.ran] == list(range(20))
    assert server.most_at_once == 1
    assert turns.most_waiting >= 19


def test_a_join_whose_socket_left_is_dropped_and_a_failing_one_does_not_stop_the_lane(caplog):
    server, gate, turns = _queue()
    server._handle_event("eio-a", "/", 1, ["board:join", "first"])
    server._handle_event("eio-b", "/", 2, ["board:join", "left"])
    server._handle_event("eio-a", "/", 3, ["board:join", "boom"])
    server._handle_event("eio-c", "/", 4, ["board:join", "last"])
    server._handle_event("eio-x", "/", 5, ["board:join", "never connected"])
    server.connected.discard("sid-b")  # Bob's phone left while his join waited
    gate.set()
    _wait_for_lanes(server, turns)
    assert server.ran == [("sid-a", "first"), ("sid-c", "last")]
    assert "a join failed outside its guard" in caplog.text


def test_several_lanes_share_the_queue():
    server, release, turns = _queue(lanes=4)
    for n in range(12):
        server._handle_event("eio-a", "/", n, ["board:join", n])
    assert len(server.threads) == 4  # no more lanes than allowed, however many wait
    release.set()
    _wait_for_lanes(server, turns)
    assert sorted(n for _sid, n in server.ran) == list(range(12))


def test_with_inline_handlers_nothing_is_queued():
    server = FakeServer()
    server.async_handlers = False  # Flask-SocketIO's test client: the answer is read at once
    turns = Turns(server, {"board:join"}, lanes=1, pause=lambda: None)
    turns.install()
    server._handle_event("eio-a", "/", 1, ["board:join", 1])
    assert server.inline == ["board:join"] and not server.threads


def test_a_lane_pauses_between_slices_of_joins_not_after_each():
    for slice_seconds, expected in ((60.0, 0), (0.0, 6)):
        server = FakeServer()
        pauses: list[int] = []
        hold = threading.Event()
        turns = Turns(server, {"board:join"}, lanes=1, pause=lambda p=pauses: p.append(1),
                      slice_seconds=slice_seconds)
        # The lane starts once all six are queued (its thread waits for the signal).
        start = server.start_background_task
        server.start_background_task = lambda target, s=start, h=hold: s(lambda: (h.wait(5), target()))
        turns.install()
        for n in range(6):
            server._handle_event("eio-a", "/", n, ["board:join", n])
        hold.set()
        _wait_for_lanes(server, turns)
        assert len(server.ran) == 6 and len(pauses) == expected


def test_a_join_carried_by_a_connect_takes_its_turn_and_is_dropped_if_its_socket_left():
    """Turns.call: a join that is not an event (a socket's connect carried it) waits behind
    the joins read before it, runs while its connect is still being answered, and is dropped
    if its socket left; with inline handlers it runs at once."""
    server, gate, turns = _queue()
    server._handle_event("eio-a", "/", 1, ["board:join", "first"])
    server.pre_connected.update({"sid-new", "sid-gone"})
    turns.call("sid-new", "/", lambda: server.ran.append(("sid-new", "carried")))
    turns.call("sid-gone", "/", lambda: server.ran.append(("sid-gone", "carried")))
    server.pre_connected.discard("sid-gone")  # its phone left before its turn
    server._handle_event("eio-c", "/", 2, ["board:join", "after"])
    # One lane: it may have run the first join, and waits at its pause for the gate.
    assert server.ran in ([], [("sid-a", "first")]) and len(server.threads) == 1
    gate.set()
    _wait_for_lanes(server, turns)
    assert server.ran == [("sid-a", "first"), ("sid-new", "carried"), ("sid-c", "after")]

    inline = FakeServer()
    inline.async_handlers = False
    turns = Turns(inline, {"board:join"}, lanes=1, pause=lambda: None)
    turns.call("sid-a", "/", lambda: inline.ran.append(("sid-a", "carried")))
    assert inline.ran == [("sid-a", "carried")] and not inline.threads
