"""The HTTP server Relais runs under (gevent by default, eventlet on request), built here rather
than by socketio.run() so that every connection is bounded:

- the request line and headers must arrive within REQUEST_TIMEOUT seconds (10), and an idle
  keep-alive connection is dropped after IDLE_SECONDS: a client that sends half a request
  and stops cannot hold a file descriptor for long;
- a body over its limit is answered 413 at once and the connection closed, and a body must
  arrive within REQUEST_TIMEOUT too (then 408); the application only ever sees a whole body;
- acknowledgements are not held back by Nagle's algorithm (TCP_NODELAY): without it every
  ack waited for the client's delayed ACK, some 40 ms.

A stop (SIGTERM from systemd, Ctrl-C in `make run`) is clean: no new connection is taken,
every screen is told to come back in a moment, every pending Markdown file is written, the
database is closed, and the process exits 0 within a few seconds.

Nothing here logs a client's address (the error log goes through the scrubbing filter).
"""

from __future__ import annotations

import collections
import io
import json
import logging
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("relais.server")

IDLE_SECONDS = 75.0


class TooSlow(socket.timeout):
    """A request that did not arrive in time (a socket error, so servers drop it quietly)."""


def _json(status: str, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = json.dumps({"ok": False, "error": {"code": code, "message": message}}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close")]
    return status, headers, body


class BoundedRequests:
    """WSGI middleware: a body is read whole, within its size limit and its deadline, before the
    application runs (Socket.IO's long-polling POSTs included)."""

    def __init__(self, app: Callable, *, limit_for: Callable[[str], int], deadline: Callable[[float], Any],
                 seconds: float) -> None:
        self.app = app
        self.limit_for = limit_for
        self.deadline = deadline  # a context manager factory raising TooSlow when the time is up
        self.seconds = seconds

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            return self.app(environ, start_response)
        limit = self.limit_for(environ.get("PATH_INFO", ""))
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length and not chunked:
            return self.app(environ, start_response)
        if length and (not length.isdigit() or int(length) > limit):
            return self._refuse(start_response, "413 Request Entity Too Large", "too_long")
        try:
            with self.deadline(self.seconds):
                body = environ["wsgi.input"].read(limit + 1)
        except (TooSlow, OSError, ValueError):
            return self._refuse(start_response, "408 Request Timeout", "bad_request")
        if len(body) > limit:
            return self._refuse(start_response, "413 Request Entity Too Large", "too_long")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    @staticmethod
    def _refuse(start_response: Callable, status: str, code: str) -> list[bytes]:
        from .protocol import MESSAGES

        status, headers, body = _json(status, code, MESSAGES[code])
        start_response(status, headers)
        return [body]


def _gevent_server(app: Callable, host: str, port: int, header_seconds: float) -> Any:
    import gevent
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    class Handler(WebSocketHandler):
        """One connection: no Nagle delay, and a deadline on each request's line and headers."""

        def __init__(self, sock: socket.socket, address: Any, server: Any, *args: Any, **kwargs: Any) -> None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, address, server, *args, **kwargs)

        def read_requestline(self) -> Any:
            # Waiting for the next request of a kept-alive connection is bounded too.
            self.socket.settimeout(IDLE_SECONDS)
            line = self.rfile.readline(1)
            self.socket.settimeout(header_seconds)
            self._deadline = gevent.Timeout.start_new(header_seconds, TooSlow("headers too slow"))
            if not line:
                return line
            return line.decode("latin-1") + super().read_requestline()

        def read_request(self, raw_requestline: str) -> Any:
            try:
                return super().read_request(raw_requestline)
            finally:
                self._deadline.cancel()
                self.socket.settimeout(None)  # the application's own waits (long-polling, websocket) are its own

        def _handle_client_error(self, ex: BaseException) -> Any:
            # A client's malformed or slow request: a 400 and a one-line note, never a traceback.
            log.info("refused a malformed request: %s", type(ex).__name__)
            return ("400", b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")

    server = pywsgi.WSGIServer((host, port), app, handler_class=Handler, log=None, error_log=log)
    server.init_socket()  # bind now, so that a busy port is known before anything is printed as ready
    return server


def gevent_deadline(seconds: float) -> Any:
    """gevent: a block that must end within seconds, else TooSlow."""
    import gevent

    return gevent.Timeout(seconds, TooSlow("too slow"))


def eventlet_deadline(seconds: float) -> Any:
    """eventlet: a block that must end within seconds, else TooSlow."""
    import eventlet

    return eventlet.Timeout(seconds, TooSlow("too slow"))


# The one route that takes a file (a hand-over package), and how much more than a package its form may add.
UPLOAD_PATHS = frozenset({"/import"})
FORM_OVERHEAD = 64 * 1024


GC_YOUNG = 10_000  # new objects between two collections of the young generation (Python's default: 700)


def body_limit(app: Any, path: str) -> int:
    """The largest body a request to this path may send: MAX_CONTENT_LENGTH (64 KiB), or a
    package's limit for the import form."""
    if path in UPLOAD_PATHS:
        from .package import PACKAGE_MAX_BYTES

        return PACKAGE_MAX_BYTES + FORM_OVERHEAD
    return app.config["MAX_CONTENT_LENGTH"]


def tune_gc(young: int = GC_YOUNG) -> None:
    """Keep Python's cycle collector from holding the loop in a crowded room.

    Measured with 2,000 phones joining one board (bench/fanout.py): with the default
    thresholds, each phone's connection objects pushed the collector into 7 to 9 full
    collections of 120 to 240 ms each (1.1 s in all, the loop held each time, a note's p99
    258 to 316 ms). Collecting the young generation after 10,000 new objects instead of 700
    leaves none to one full collection, and a note's p99 near 100 ms (75 to 117 ms). What was made at
    start (modules, mappers, templates: never garbage) is frozen out of every collection.
    Objects without cycles are freed at once as before; cycles wait a little longer."""
    import gc

    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)


def light_pings() -> None:
    """Ping each socket from a timer of gevent's loop, not from a task of its own.

    Engine.IO pings a socket every `PING_INTERVAL` from a background task that sleeps in
    between: on gevent, one more greenlet per phone, kept with its saved stack for as long as
    the phone is connected. Measured (bench/conn_memory.py, 1,000 websockets): 8.6 kB of the
    59.6 kB a phone cost. The timer sends the same ping at the same moment (what Engine.IO's
    own task does after its sleep); a socket whose phone stops answering is still closed by
    Engine.IO's service task, which checks every socket's last ping, as before. The timer
    runs in gevent's loop, where nothing may block: it only puts the ping in the socket's
    queue (unbounded: a put never waits), which the socket's writer sends."""
    import gevent
    from engineio import packet
    from engineio.socket import Socket

    def schedule_ping(self: Any) -> None:
        if not self.last_ping:  # a ping is already on its way: Engine.IO's own rule
            return
        self.last_ping = None

        def send_ping() -> None:
            if not self.closing and not self.closed:
                self.last_ping = time.time()
                self.queue.put(packet.Packet(packet.PING))

        timer = gevent.get_hub().loop.timer(self.server.ping_interval, ref=False)  # never holds a stop
        timer.start(send_ping)
        self.ping_timer = timer

    Socket.schedule_ping = schedule_ping


def lean_writers() -> None:
    """Write to the websockets from a few tasks that live only while there is something to send.

    Engine.IO gives each websocket a writer: a task that waits on the socket's queue for the
    whole connection and sends what is put there (a broadcast only puts: it never waits for a
    slow phone). On gevent that is a greenlet per phone, kept with its saved stack while it
    waits, and a gevent queue. Here a socket's packets go in an `Outbox` (a deque); an outbox
    with something to send waits in `ready` for a writer, and a writer is started when one is
    ready and no writer is about to run. A writer sends each ready outbox's packets, in
    order, then ends when none is left. Before each send, while others wait, it starts one
    more writer, which takes over the others should this send wait for a slow phone (and
    ends at once if it did not). A broadcast to 1,000 phones then starts two writers, not
    1,000; an idle phone holds none. A socket upgraded from long-polling (a proxy that
    refused the websocket first) keeps Engine.IO's handler."""
    import gevent
    from engineio import exceptions, packet
    from engineio.socket import Socket
    from gevent.event import Event
    from gevent.queue import Empty

    ready: collections.deque = collections.deque()  # outboxes with something to send, waiting for a writer
    starting = [0]  # writers started that have not run yet

    def writer() -> None:
        starting[0] -= 1
        while ready:
            ready.popleft().drain()

    def start_writer() -> None:
        starting[0] += 1
        gevent.spawn_raw(writer)

    class Outbox:
        """A websocket's packets on their way. Engine.IO only puts in a websocket's queue, and
        joins it on a close that waits."""

        __slots__ = ("items", "ws", "queued", "closed", "emptied")

        def __init__(self, ws: Any) -> None:
            self.items: collections.deque = collections.deque()
            self.ws = ws
            self.queued = False  # in `ready`, or being sent: a put only adds to it
            self.closed = False
            self.emptied: Any = None  # an Event, while a close waits for the writer

        def put(self, item: Any, *_: Any, **__: Any) -> None:
            if self.closed:
                return  # the connection is gone: nothing more goes out
            self.items.append(item)
            if not self.queued:
                self.queued = True
                ready.append(self)
                if not starting[0]:
                    start_writer()

        def drain(self) -> None:
            items, ws = self.items, self.ws
            try:
                while items and not self.closed:
                    pkt = items.popleft()
                    if pkt is None:  # the end: the connection closes
                        self.closed = True
                        break
                    if ready and not starting[0]:
                        start_writer()  # the others' writer, should this send wait for a slow phone
                    ws.send(pkt.encode())
            except Exception:  # noqa: BLE001 - the phone is gone: Engine.IO's writer stops the same way
                self.closed = True
            finally:
                self.queued = False
                if self.closed:
                    items.clear()
                    ws.close()
                if self.emptied is not None and not items:
                    self.emptied.set()

        def join(self) -> None:
            while self.items or self.queued:
                self.emptied = self.emptied or Event()
                self.emptied.clear()
                self.emptied.wait()

    engineio_handler = Socket._websocket_handler

    def websocket_handler(self: Any, ws: Any) -> list:
        if self.connected:  # an upgrade from long-polling
            return engineio_handler(self, ws)
        for attr in ("_sock", "socket"):  # Engine.IO's own timeout on the connection
            if hasattr(ws, attr) and hasattr(getattr(ws, attr), "settimeout"):
                getattr(ws, attr).settimeout(self.server.ping_interval + self.server.ping_timeout)
        self.connected = self.upgraded = True
        outbox = Outbox(ws)
        while True:  # what was queued before (the open packet), moved over in order
            try:
                outbox.put(self.queue.get(block=False))
            except Empty:
                break
        self.queue = outbox
        max_size = self.server.max_http_buffer_size
        while True:
            try:
                data = ws.wait()
                if data and len(data) > max_size:
                    raise ValueError("packet is too large")
            except Exception:  # noqa: BLE001 - a dropped or oversized connection ends here, as in Engine.IO
                break
            if data is None:  # closed by the phone
                break
            try:
                self.receive(packet.Packet(encoded_packet=data))
            except exceptions.UnknownPacketError:
                pass
            except exceptions.SocketIsClosedError:
                break
            except Exception:  # noqa: BLE001 - logged, and the connection ends properly, as in Engine.IO
                self.server.logger.exception("Unknown receive error")
                break
        outbox.put(None)  # (a writer still sending ends there, and closes the connection)
        self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)
        return []

    Socket._websocket_handler = websocket_handler


def make_server(app: Any, host: str, port: int, async_mode: str) -> Any:
    """A server for the app, bounded as above; call serve_forever() on it, stop() to end."""
    seconds = app.config["REQUEST_TIMEOUT"]
    bounded = BoundedRequests(app.wsgi_app, limit_for=lambda path: body_limit(app, path), seconds=seconds,
                              deadline=gevent_deadline if async_mode == "gevent" else eventlet_deadline)
    app.wsgi_app = bounded
    if async_mode == "gevent":
        return _gevent_server(app, host, port, seconds)
    return _EventletServer(app, host, port)


class _EventletServer:
    """eventlet's server with the bounds eventlet allows: every read of a connection is bounded
    (45 s, longer than the websocket's ping), the body by the middleware. gevent, the default,
    bounds a request's headers to 10 s in all."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        import eventlet

        self.app = app
        self.listener = eventlet.listen((host, port))
        self.listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it

    def serve_forever(self) -> None:
        import eventlet.wsgi

        # One timeout for every read: it must outlast the websocket's ping (20 s + 20 s).
        eventlet.wsgi.server(self.listener, self.app, log_output=False, socket_timeout=45, keepalive=IDLE_SECONDS)

    def stop_accepting(self) -> None:
        self.listener.close()

    def stop(self, timeout: float | None = None) -> None:
        self.listener.close()


def stop_cleanly(app: Any, server: Any) -> dict[int, str]:
    """Stop taking connections, tell this worker's screens, write every pending file, close the
    database; return the boards whose file could still not be written."""
    from . import protocol as p
    from .extensions import socketio

    log.info("stopping: no new connections; writing the pending notes")
    # Only stop accepting: closing the server would wake serve_forever(), which would end the
    # process while the notes are still being written.
    server.stop_accepting()
    # No new command from now on (each is answered busy and kept by its phone); the running
    # ones finish, so that the files written next hold every note acknowledged.
    app.extensions["relais.lifecycle"].close(wait=3, sleep=socketio.sleep)
    # This worker's screens only (ignore_queue): the other workers go on serving theirs.
    socketio.server.manager.emit(p.SERVER_STOPPING, {}, namespace="/", ignore_queue=True)
    behind = app.extensions["relais.mirror"].flush()
    # Tell every socket the connection ends, without waiting for its queue to be read: a
    # long-polling socket whose browser has gone reads nothing, and Engine.IO's disconnect()
    # waited on it until its ping ran out (10 s and more). The websockets' writers send the
    # close on their own; the server's stop below gives them two seconds.
    eio = socketio.server.eio
    for client in list(eio.sockets.values()):
        client.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
    eio.sockets = {}
    app.extensions["relais.engine"].dispose()
    if behind:
        log.error("stopped with the Markdown notes of %s board(s) not written (see above why); "
                  "they are rewritten from the database at the next start", len(behind))
    return behind


def run(app: Any, server: Any, async_mode: str, *, on_stop: Callable[[], None]) -> None:
    """Serve until SIGTERM or SIGINT, then stop cleanly (and call on_stop)."""
    import signal

    if async_mode == "gevent":
        import gevent

        stopping: list[Any] = []

        def stop() -> None:
            try:
                stop_cleanly(app, server)
            finally:
                server.stop(timeout=2)  # open connections get two seconds to finish

        def on_signal() -> None:
            if not stopping:  # a second Ctrl-C while stopping changes nothing
                stopping.append(gevent.spawn(stop))

        for signum in (signal.SIGTERM, signal.SIGINT):
            gevent.signal_handler(signum, on_signal)
        server.serve_forever()
        for greenlet in stopping:
            greenlet.join()
        on_stop()
        return

    def stop_eventlet(_signum: int, _frame: Any) -> None:
        # eventlet cannot end its server while websockets are open: write, close, then leave.
        stop_cleanly(app, server)
        on_stop()
        os._exit(0)

    import os

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_eventlet)
    server.serve_forever()
