"""Start the real server (wsgi.py) as a subprocess, and talk to it as phones do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server process and where its log goes."""

    url: str
    proc: subprocess.Popen
    log: Path

    def crash(self) -> None:
        """Kill the server with SIGKILL: no shutdown code runs, as in a power cut."""
        self.proc.kill()
        self.proc.wait(10)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> str:
        """Stop the server and return everything it logged."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.log.read_text()


class NoWebsocketProxy:
    """What a proxy that does not carry websockets does (nginx without the upgrade headers):
    every HTTP request goes through to the server; a websocket's opening handshake gets 400."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            head = client.recv(65536)
            if b"\r\nupgrade: websocket" in head.lower():
                self.refused += 1
                client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            with socket.create_connection(("127.0.0.1", self.target)) as upstream:
                upstream.sendall(head)
                back = threading.Thread(target=self._pump, args=(upstream, client), daemon=True)
                back.start()
                self._pump(client, upstream)
                back.join(5)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass



def start_server(
    tmp_path: Path, *, database_url: str, async_mode: str = "gevent", port: int | None = None,
    max_files: int | None = None, **env: str
) -> Server:
    """Run `python wsgi.py` (on a free port unless given; with at most max_files open files,
    when given) and wait until it answers."""
    port = port or free_port()
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / f"server-{port}.log"  # appended to when a test restarts the server
    environment = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "NOTES_DIR": str(tmp_path / "notes"),
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ASYNC_MODE": async_mode,
        "MIRROR_DELAY": "0.2",
        "PYTHONUNBUFFERED": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        **env,
    }
    def limit_files() -> None:
        if max_files is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    with log.open("a") as out:
        proc = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=environment, stdout=out,
                                stderr=subprocess.STDOUT, preexec_fn=limit_files)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return Server(url, proc, log)
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not start: {log.read_text()}")


class Device:
    """A phone: an HTTP session (cookie) and a python-socketio client."""

    def __init__(self, url: str, client: str | None = None) -> None:
        self.url = url
        self.http = requests.Session()
        # Behind a trusted proxy (PROXY_COUNT=1), the address the server sees for this device.
        self.headers = {"X-Forwarded-For": client} if client else {}
        self.http.headers.update(self.headers)
        self.sio: socketio.Client | None = None
        self.events: list[tuple[str, dict]] = []

    def open(self, path: str) -> requests.Response:
        response = self.http.get(self.url + path, timeout=10)
        response.raise_for_status()
        return response

    def connect(self) -> socketio.Client:
        """Open a Socket.IO connection carrying this device's cookie."""
        client = socketio.Client(reconnection=False)
        client.on("*", lambda name, data: self.events.append((name, data)))
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        client.connect(self.url, headers={"Cookie": cookie, **self.headers}, transports=["websocket"], wait_timeout=10)
        self.sio = client
        return client

    def join_board(self, page: str, board: int) -> dict:
        """Open a board's page (for the cookie), connect, join the board; return the join's answer."""
        self.open(page)
        self.connect()
        answer = self.call("board:join", {"board": board})
        assert answer["ok"], answer
        return answer

    def wait_until(self, condition: Callable[[list[tuple[str, dict]]], bool], timeout: float = 10) -> None:
        """Wait until what this device received satisfies condition (polled, never a fixed sleep)."""
        deadline = time.monotonic() + timeout
        while not condition(self.events):
            if time.monotonic() > deadline:
                raise AssertionError(f"not received in {timeout} s: {self.events[-5:]}")
            time.sleep(0.01)

    def call(self, event: str, payload: dict) -> dict:
        assert self.sio is not None
        return self.sio.call(event, payload, timeout=10)

    def drop(self) -> None:
        """Cut the connection the way a phone losing wifi does: no goodbye packet."""
        assert self.sio is not None
        self.sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)
        self.sio.eio.ws.close()
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - already gone
            pass
        self.sio = None

    def close_socket(self) -> None:
        """Disconnect the socket only (the page stays, as on a reconnect)."""
        if self.sio is not None:
            try:
                self.sio.disconnect()
            finally:
                ws = getattr(self.sio.eio, "ws", None)
                if ws is not None:
                    ws.close()
                self.sio = None

    def close(self) -> None:
        """Disconnect the socket (if still up) and close the HTTP session."""
        self.close_socket()
        self.http.close()
