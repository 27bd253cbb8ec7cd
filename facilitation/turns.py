"""Joins take turns, and wait for their turn without costing the others anything.

A join does not yield on SQLite (its calls hold the loop), so joins run one at a time (four
on PostgreSQL, whose queries yield). They used to wait at a gate inside their handler: a
storm of 300 joins (the venue's wifi came back) started 300 handlers, each pushing its
Flask request context and checking its payload before it reached the gate, and a note on
another board read just after them waited behind all 300 (its p99 was 150 to 340 ms).

Here a join event read from a socket is only queued (a few microseconds), and so is a join
carried by a socket's connect (`call`). A few lanes, tasks
started when joins are waiting and ended when none is, run them in the order they came; after
5 ms of joins, a lane pauses until everything else that is ready has run (`pause`), so every
other command read meanwhile runs between two slices. (Pausing after every join held the
other boards' notes as little, but made a storm of 300 joins 30 to 40 % longer.) Only with
asynchronous handlers (the real server): Flask-SocketIO's test client runs events inline
and reads the answer at once.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Any

from .security import log_failure


class Turns:
    """The joins waiting for their turn on one worker's Socket.IO server."""

    def __init__(self, server: Any, names: set[str], lanes: int, pause: Callable[[], Any],
                 slice_seconds: float = 0.005) -> None:
        self.server, self.names, self.lanes, self.pause = server, frozenset(names), lanes, pause
        self.slice = slice_seconds  # joins run back to back for this long, then the others' turn
        self.lock = threading.Lock()
        self.waiting: collections.deque[tuple] = collections.deque()
        self.running = 0
        self.most_waiting = 0  # the longest the queue has been (benchmarks, tests)

    def install(self) -> None:
        """Take the named events out of python-socketio's dispatch and into the queue."""
        server, inline = self.server, self.server._handle_event

        def handle_event(eio_sid: str, namespace: str | None, id: Any, data: list) -> None:  # noqa: A002
            if not (server.async_handlers and data and data[0] in self.names):
                return inline(eio_sid, namespace, id, data)
            namespace = namespace or "/"
            sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
            if server.manager.is_connected(sid, namespace):
                event = (server, sid, eio_sid, data, namespace, id)
                self._queue(sid, namespace, lambda: server._handle_event_internal(*event))
            return None

        server._handle_event = handle_event

    def call(self, sid: str, namespace: str, run: Callable[[], Any]) -> None:
        """Run a join that is not an event in its turn (one carried by a socket's connect:
        `run` answers it); at once where handlers run inline (the test client)."""
        if self.server.async_handlers:
            self._queue(sid, namespace, run)
        else:
            run()

    def _queue(self, sid: str, namespace: str, run: Callable[[], Any]) -> None:
        with self.lock:
            self.waiting.append((sid, namespace, run))
            self.most_waiting = max(self.most_waiting, len(self.waiting))
            start = self.running < self.lanes
            if start:
                self.running += 1
        if start:
            self.server.start_background_task(self._lane)

    def _lane(self) -> None:
        server = self.server
        since = time.monotonic()
        while True:
            with self.lock:
                if not self.waiting:
                    self.running -= 1
                    return
                sid, namespace, run = self.waiting.popleft()
            manager = server.manager
            # Gone while it waited: nothing to answer. (A join carried by a connect may come
            # before the connect has been answered.)
            if manager.is_connected(sid, namespace) or manager.is_pre_connected(sid, namespace):
                try:
                    run()
                except Exception as exc:  # noqa: BLE001 - a lane outlives any one join (its guard answers)
                    log_failure("a join failed outside its guard", exc)
            if time.monotonic() - since >= self.slice:  # whatever was read meanwhile runs, then more joins
                self.pause()
                since = time.monotonic()
