"""The real server, started as a process under gevent (and eventlet), driven by
python-socketio clients over websockets."""

from __future__ import annotations

import gc
import json
import re
import time

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from facilitation import protocol as p
from facilitation.models import Board, Note

from .conftest import database_for
from .factories import op
from .server import Device, start_server

pytestmark = pytest.mark.server


class BoardState:
    """What a client holds of a board, applied the way static/js/notes.js does."""

    def __init__(self, snapshot: dict) -> None:
        self.seq = snapshot["seq"]
        self.notes = {n["id"]: n for n in snapshot["notes"]}

    def apply(self, name: str, data: dict) -> None:
        if "seq" not in data:
            return  # note:own / vote:mine: the author's own copy, outside the sequence
        if data["seq"] <= self.seq:
            return
        assert data["seq"] == self.seq + 1, "gap in the sequence"
        self.seq = data["seq"]
        if name in (p.NOTE_ADDED, p.NOTE_EDITED):
            self.notes[data["note"]["id"]] = data["note"]
        elif name == p.NOTE_MOVED:
            self.notes[data["note"]["id"]] = data["note"]
            for index, note_id in enumerate(data["order"]):
                self.notes[note_id]["position"] = index
        elif name == p.NOTE_DELETED:
            self.notes.pop(data["note"], None)

    def view(self) -> dict:
        return {i: (n["column"], n["position"], n["text"], n["version"]) for i, n in self.notes.items()}


def _database_view(url: str, board_id: int) -> tuple[int, dict]:
    engine = create_engine(url)
    with Session(engine) as db:
        seq = db.scalar(select(Board.seq).where(Board.id == board_id))
        notes = db.scalars(select(Note).where(Note.board_id == board_id)).all()
        view = {n.id: (n.column_id, n.position, n.text, n.version) for n in notes}
    engine.dispose()
    return seq, view


def _set_up_event(url: str) -> tuple[Device, dict]:
    fac = Device(url)
    created = fac.http.post(url + "/api/events", json={"title": "Rencontre", "place": "Lyon"}, timeout=10).json()
    code = created["event"]["code"]
    workshop = fac.http.post(f"{url}/api/events/{code}/workshops",
                             json={"title": "Atelier", "question": "Que faire ?"}, timeout=10).json()["workshop"]
    return fac, {"code": code, "workshop": workshop["id"], "board": workshop["board"],
                 "columns": [c["id"] for c in workshop["columns"]]}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_db(request, tmp_path):
    return database_for(request, tmp_path)


def test_post_edit_move_delete_then_reconnect_and_catch_up(tmp_path, server_db):
    server = start_server(tmp_path, database_url=server_db)
    try:
        url = server.url
        fac, ev = _set_up_event(url)
        board, cols = ev["board"], ev["columns"]
        fac.open(f"/{ev['code']}/console/w/{ev['workshop']}")
        alice, bob = Device(url), Device(url)
        for device in (alice, bob):
            device.open(f"/{ev['code']}/w/{ev['workshop']}")
        for device in (fac, alice, bob):
            device.connect()

        snapshots = {d: d.call(p.BOARD_JOIN, {"board": board}) for d in (fac, alice, bob)}
        assert all(s["ok"] for s in snapshots.values())
        bob_state = BoardState(snapshots[bob]["board"])

        a = alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "Première note"})
        b = alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "Deuxième"})
        assert a["ok"] and b["ok"]
        assert alice.call(p.NOTE_EDIT, {"op": op(), "board": board, "note": a["note"]["id"],
                                        "text": "Première, corrigée", "version": 1})["ok"]
        assert fac.call(p.NOTE_MOVE, {"op": op(), "board": board, "note": b["note"]["id"],
                                      "column": cols[1], "index": 0})["ok"]
        bob.wait_until(lambda events: any(d.get("seq") == 4 for _, d in events))
        for name, data in bob.events:
            bob_state.apply(name, data)
        assert bob_state.seq == 4

        # Bob's wifi drops; the board keeps changing.
        bob.drop()
        c = alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[2], "text": "Pendant la coupure"})
        assert fac.call(p.NOTE_DELETE, {"op": op(), "board": board, "note": a["note"]["id"]})["ok"]
        assert fac.call(p.NOTE_MOVE, {"op": op(), "board": board, "note": c["note"]["id"],
                                      "column": cols[1], "index": 0})["ok"]
        # A replay of Alice's command (her ack was lost) is not applied twice.
        replay = {"op": "op-replayed-1", "board": board, "column": cols[0], "text": "Une seule fois"}
        first = alice.call(p.NOTE_ADD, replay)
        assert alice.call(p.NOTE_ADD, replay) == first

        bob.events.clear()
        bob.connect()
        catch_up = bob.call(p.BOARD_JOIN, {"board": board, "since": bob_state.seq})
        assert catch_up["ok"] and "changes" in catch_up
        assert [c["event"] for c in catch_up["changes"]] == [p.NOTE_ADDED, p.NOTE_DELETED, p.NOTE_MOVED,
                                                            p.NOTE_ADDED]
        for change in catch_up["changes"]:
            bob_state.apply(change["event"], change["data"])
        seq, database = _database_view(server_db, board)
        assert bob_state.seq == seq == 8
        assert bob_state.view() == database
        assert sorted(n[2] for n in database.values()) == ["Deuxième", "Pendant la coupure", "Une seule fois"]

        # Still live after the reconnect.
        alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "Après"})
        bob.wait_until(lambda events: any(n == p.NOTE_ADDED for n, _ in events))
        assert [d["note"]["text"] for n, d in bob.events if n == p.NOTE_ADDED] == ["Après"]
        for device in (fac, alice, bob):
            device.close()
    finally:
        log = server.stop()
    # Privacy: past the two start-up lines, no client address and no note text in the log.
    body = "\n".join(log.splitlines()[2:])
    assert "127.0.0.1" not in body
    for text in ("Première", "Deuxième", "coupure", "Une seule fois"):
        assert text not in body
    assert "/f/" not in body or "/f/…" in body
    assert re.search(r"relais\.access POST /api/events 201", body)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_bad_input_over_a_real_socket_leaves_the_worker_up(tmp_path):
    server = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        fac, ev = _set_up_event(server.url)
        fac.join_board(f"/{ev['code']}/console/w/{ev['workshop']}", ev["board"])
        for payload in (None, "x", [1, 2], {"board": "1"}, {"op": "x" * 100, "board": ev["board"]}):
            assert fac.call(p.NOTE_ADD, payload)["ok"] is False
        # An oversize frame closes that connection only.
        big = Device(server.url)
        big.open(f"/{ev['code']}")
        big.connect()
        big.sio.emit(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": 1, "text": "x" * 200_000})
        deadline = time.monotonic() + 10
        while big.sio.connected and time.monotonic() < deadline:
            time.sleep(0.01)  # polled until the server has dropped this connection
        assert not big.sio.connected
        big.close()
        # The websocket-client socket the server cut is only freed by the collector; do it here,
        # inside this test, whose filter says why its ResourceWarning is expected.
        del big
        gc.collect()
        ack = fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["columns"][0], "text": "ok"})
        assert ack["ok"]
        assert requests.get(server.url + "/healthz", timeout=5).ok
        fac.close()
    finally:
        server.stop()


def test_eventlet_boots_and_serves_a_board(tmp_path):
    server = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}", async_mode="eventlet")
    try:
        fac, ev = _set_up_event(server.url)
        fac.join_board(f"/{ev['code']}/console/w/{ev['workshop']}", ev["board"])
        ack = fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["columns"][0], "text": "e"})
        assert ack["ok"] and ack["seq"] == 1
        fac.close()
    finally:
        log = server.stop()
    assert "Relais (eventlet)" in log


def test_markdown_files_are_written_by_the_server_and_again_at_start_up(tmp_path):
    db = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    server = start_server(tmp_path, database_url=db)
    try:
        fac, ev = _set_up_event(server.url)
        fac.join_board(f"/{ev['code']}/console/w/{ev['workshop']}", ev["board"])
        fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["columns"][0], "text": "Écrit"})
        deadline = time.monotonic() + 5
        files = []
        while time.monotonic() < deadline and not files:
            files = list((tmp_path / "notes").glob(f"*/*-{ev['board']}.md"))
            time.sleep(0.05)
        assert files and "- Écrit" in files[0].read_text()
        fac.close()
    finally:
        server.stop()
    files[0].unlink()
    server = start_server(tmp_path, database_url=db)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not files[0].exists():
            time.sleep(0.05)
        assert "- Écrit" in files[0].read_text()
    finally:
        server.stop()


def test_parallel_commands_get_consecutive_seqs_and_a_raced_op_applies_once(tmp_path, server_db):
    from concurrent.futures import ThreadPoolExecutor

    server = start_server(tmp_path, database_url=server_db)
    try:
        fac, ev = _set_up_event(server.url)
        board, column = ev["board"], ev["columns"][0]
        page = f"/{ev['code']}/w/{ev['workshop']}"
        # Two tabs of the same phone (the second copies the first's cookie), and six other phones.
        alice = Device(server.url)
        alice.join_board(page, board)
        second_tab = Device(server.url)
        second_tab.http.cookies.update(alice.http.cookies)
        second_tab.connect()
        assert second_tab.call(p.BOARD_JOIN, {"board": board})["ok"]
        tabs = [alice, second_tab]
        # Six phones posting five notes each at once (more from one phone would be over the
        # rate a person writes at, which has a test of its own).
        others = [Device(server.url) for _ in range(6)]
        for device in others:
            device.join_board(page, board)

        same = {"op": "op-raced-0001", "board": board, "column": column, "text": "une seule"}
        jobs = [(tabs[i % 2], same) for i in range(20)]
        jobs += [(others[i % 6], {"op": op(), "board": board, "column": column, "text": f"n{i}"}) for i in range(30)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda job: job[0].call(p.NOTE_ADD, job[1]), jobs))
        # Twenty copies of one op at once are over one phone's rate before any is stored: some
        # are refused too_fast (nothing applied; a real outbox would resend them later).
        raced = [a for a in answers[:20] if a["ok"]]
        assert all(a["error"]["code"] == p.TOO_FAST for a in answers[:20] if not a["ok"])
        assert [a for a in answers[20:] if not a["ok"]] == []
        assert raced and len({a["note"]["id"] for a in raced}) == 1 and len({a["seq"] for a in raced}) == 1
        seqs = sorted({a["seq"] for a in answers if a["ok"]})
        assert seqs == list(range(1, 32))
        seq, database = _database_view(server_db, board)
        assert seq == 31 and len(database) == 31
        assert sum(1 for v in database.values() if v[2] == "une seule") == 1
        for device in tabs + others:
            device.close()
        fac.close()
    finally:
        server.stop()


def test_a_busy_port_gets_a_plain_french_message(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    server = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        port = server.url.rsplit(":", 1)[1]
        env = {**os.environ, "PORT": port, "HOST": "127.0.0.1", "INSTANCE_PATH": str(tmp_path / "second"),
               "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        second = subprocess.run([sys.executable, "wsgi.py"], cwd=Path(__file__).resolve().parent.parent, env=env,
                                capture_output=True, text=True, timeout=30)
        assert second.returncode == 1
        assert f"Le port {port} est déjà utilisé" in second.stderr
    finally:
        server.stop()


def test_what_was_acknowledged_survives_a_crash_and_clients_catch_up(tmp_path, server_db):
    server = start_server(tmp_path, database_url=server_db)
    try:
        fac, ev = _set_up_event(server.url)
        board, cols = ev["board"], ev["columns"]
        alice = Device(server.url)
        state = BoardState(alice.join_board(f"/{ev['code']}/w/{ev['workshop']}", board)["board"])
        commands = [{"op": op(), "board": board, "column": cols[i % 2], "text": f"avant {i}"} for i in range(5)]
        acked = [alice.call(p.NOTE_ADD, command) for command in commands]
        assert all(a["ok"] for a in acked)
        for name, data in alice.events:
            state.apply(name, data)
        server.crash()  # SIGKILL right after the acks: nothing else runs
        alice.sio = None
        server = start_server(tmp_path, database_url=server_db, port=server.port)

        alice.events.clear()
        alice.connect()
        catch_up = alice.call(p.BOARD_JOIN, {"board": board, "since": state.seq})
        assert catch_up["ok"] and catch_up["changes"] == [] and catch_up["seq"] == 5
        after = alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "après"})
        assert after["ok"] and after["seq"] == 6
        # The op ids survived too: a phone resending an acknowledged command (its ack was
        # lost in the crash) gets the first answer, and nothing is added twice.
        assert alice.call(p.NOTE_ADD, commands[-1]) == acked[-1]
        seq, database = _database_view(server_db, board)
        assert seq == 6
        assert sorted(t for _, _, t, _ in database.values()) == sorted([f"avant {i}" for i in range(5)] + ["après"])
        alice.close()
        fac.close()
    finally:
        server.stop()


def test_the_servers_collector_waits_for_more_new_objects_and_leaves_the_start_alone():
    """serve.tune_gc (called by wsgi.py before serving): 2,000 phones joining made the default
    collector run full collections of up to 240 ms (docs/performance.md)."""
    from facilitation.serve import GC_YOUNG, tune_gc

    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == (GC_YOUNG, before[1], before[2]) and GC_YOUNG > before[0]
        assert gc.get_freeze_count() > 10_000  # what the start made (this test process's modules)
        cycle: list = []
        cycle.append(cycle)  # a cycle made after the start is still collected
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_each_socket_is_pinged_by_a_timer_and_one_that_stops_answering_is_dropped(tmp_path):
    """serve.light_pings: Engine.IO's ping comes from a timer of gevent's loop, not from a task
    per socket (8.6 kB a phone): a socket that answers is pinged every interval and stays; one
    that stops answering is closed by Engine.IO's service task, as before."""
    import threading

    import websocket  # websocket-client

    srv = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", PING_INTERVAL="1",
                       PING_TIMEOUT="1")
    try:
        url = srv.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        answering, silent = websocket.create_connection(url, timeout=10), websocket.create_connection(url, timeout=10)
        for ws in (answering, silent):
            assert '"pingInterval":1000' in ws.recv()
            ws.send("40")
            assert ws.recv().startswith("40")
        pings: list[float] = []
        others: list[str] = []

        def answer() -> None:  # what a browser does: every ping answered at once
            try:
                while frame := answering.recv():
                    if frame == "2":
                        pings.append(time.monotonic())
                        answering.send("3")
                    else:
                        others.append(frame)
            except (websocket.WebSocketException, OSError):
                pass

        reader = threading.Thread(target=answer, daemon=True)
        reader.start()
        unanswered: list[str] = []
        started = time.monotonic()
        try:
            while frame := silent.recv():  # the pings it leaves unanswered, then the close
                unanswered.append(frame)
        except websocket.WebSocketConnectionClosedException:
            pass
        dropped_after = time.monotonic() - started
        assert unanswered and set(unanswered) <= {"2", "1"} and 1.5 < dropped_after < 6, (unanswered, dropped_after)

        while len(pings) < 4 and time.monotonic() - started < 8:
            time.sleep(0.05)
        gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
        assert len(pings) >= 4 and all(0.8 < g < 1.5 for g in gaps), gaps  # one a second, and still there
        answering.send('420["board:leave",{"board":1}]')
        while not others and time.monotonic() - started < 12:
            time.sleep(0.05)
        assert others and others[0].startswith("430"), others  # answered: still served
        answering.close()
        reader.join(5)
        for ws in (answering, silent):
            ws.shutdown()  # (close() leaves the socket open once the server has closed it)
    finally:
        srv.stop()


def test_a_websocket_is_written_by_a_task_that_lives_only_while_there_is_something_to_send(monkeypatch):
    """serve.lean_writers: what is put in a socket's queue goes out whole and in order; a put
    never waits, even for a phone that does not read, and such a phone holds back no other;
    an idle socket holds no writer; a socket whose phone is gone drops what was queued, and a
    close that waits for its queue returns."""
    import engineio
    import gevent
    import greenlet
    from engineio import packet
    from engineio.socket import Socket
    from gevent.event import Event
    from gevent.queue import Queue

    from facilitation import serve

    monkeypatch.setattr(Socket, "_websocket_handler", Socket._websocket_handler)  # Engine.IO's, after the test
    serve.lean_writers()
    server = engineio.Server(async_mode="gevent")

    class Phone:
        """The websocket of a phone: what it sends, what it was sent, and whether it reads."""

        def __init__(self) -> None:
            self.incoming: Queue = Queue()
            self.sent: list[str] = []
            self.reading = Event()
            self.reading.set()
            self.gone = False
            self.closed = False

        def wait(self) -> str | None:
            return self.incoming.get()

        def send(self, data: str) -> None:
            self.reading.wait()
            if self.gone:
                raise OSError("the phone is gone")
            self.sent.append(data)

        def close(self) -> None:
            self.closed = True

    def running() -> int:
        return sum(1 for g in gc.get_objects() if isinstance(g, greenlet.greenlet) and g and not g.dead)

    def until(condition, seconds: float = 5) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, "not in time"
            gevent.sleep(0.001)

    def opened(sid: str) -> tuple[Socket, Phone, gevent.Greenlet]:
        sock, phone = Socket(server, sid), Phone()
        sock.send(packet.Packet(packet.OPEN, {"sid": sid}))  # queued before the handler, as Engine.IO does
        handler = gevent.spawn(sock._websocket_handler, phone)
        until(lambda: phone.sent == ['0' + json.dumps({"sid": sid}, separators=(",", ":"))])
        return sock, phone, handler

    gevent.sleep(0)  # (gevent's hub, running from now on)
    before = running()
    sock, phone, handler = opened("a")
    until(lambda: running() == before + 1)  # the handler reading; no writer while nothing is queued
    phone.reading.clear()  # a phone that does not read: every put returns at once
    for i in range(200):
        sock.send(packet.Packet(packet.MESSAGE, f"2[\"note\",{i}]"))
    until(lambda: running() == before + 2)  # one writer, waiting on the phone
    assert phone.sent == ['0{"sid":"a"}']
    phone.reading.set()
    until(lambda: len(phone.sent) == 201)
    assert phone.sent[1:] == [f'42["note",{i}]' for i in range(200)]
    until(lambda: running() == before + 1)  # the writer is gone with nothing left to send
    phone.incoming.put(None)  # the phone closes: the handler ends, and the socket is closed
    handler.join(timeout=5)
    assert handler.dead and sock.closed and phone.closed

    # A phone that does not read holds its own packets only: another writer sends the others'.
    slow, slow_phone, slow_handler = opened("s")
    fast, fast_phone, fast_handler = opened("f")
    slow_phone.reading.clear()
    for sock_ in (slow, fast):  # as a broadcast does: the slow one first
        sock_.send(packet.Packet(packet.MESSAGE, '2["both"]'))
    until(lambda: fast_phone.sent[-1:] == ['42["both"]'])
    assert slow_phone.sent == ['0{"sid":"s"}']
    slow_phone.reading.set()
    until(lambda: slow_phone.sent[-1:] == ['42["both"]'])
    for phone_, handler_ in ((slow_phone, slow_handler), (fast_phone, fast_handler)):
        phone_.incoming.put(None)
        handler_.join(timeout=5)

    sock, phone, handler = opened("b")
    phone.gone = True
    sock.send(packet.Packet(packet.MESSAGE, "2[\"lost\"]"))  # its send fails: closed, the rest dropped
    until(lambda: phone.closed)
    sock.send(packet.Packet(packet.MESSAGE, "2[\"after\"]"))
    assert gevent.with_timeout(5, sock.close, wait=True, timeout_value="hung") != "hung"
    phone.incoming.put(None)
    handler.join(timeout=5)
    assert handler.dead and running() == before


def test_a_websocket_that_carries_its_join_in_its_address_is_connected_and_answered_at_once(tmp_path):
    """realtime.joins_in_the_address, what a page's opener does: the join in the websocket's
    address; the server connects the socket to Socket.IO with it and answers `board:joined`,
    with nothing sent by the client. A join that is not JSON, or asks for a board that is not
    there, is answered with its error code, and the socket stays connected and usable; an
    address without a join is connected only when the client asks, as before."""
    from urllib.parse import quote

    import websocket  # websocket-client

    srv = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    sockets: list = []
    try:
        fac, ev = _set_up_event(srv.url)
        fac.join_board(f"/{ev['code']}/console/w/{ev['workshop']}", ev["board"])
        fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["columns"][0], "text": "Déjà là"})
        phone = Device(srv.url)
        phone.open(f"/{ev['code']}/w/{ev['workshop']}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in phone.http.cookies)
        base = srv.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

        def opened(join: str | None) -> websocket.WebSocket:
            ws = websocket.create_connection(base + (f"&join={quote(join)}" if join is not None else ""),
                                             timeout=10, cookie=cookie)
            sockets.append(ws)
            assert ws.recv().startswith("0{")
            return ws

        def answer(ws: websocket.WebSocket) -> dict:
            frames = [ws.recv(), ws.recv()]
            assert frames[0].startswith('40{"sid":'), frames  # connected, without being asked
            assert frames[1].startswith('42["board:joined",'), frames
            return json.loads(frames[1][2:])[1]

        ws = opened(json.dumps({"board": ev["board"], "view": "phone"}))
        joined = answer(ws)
        assert joined["ok"] and [n["text"] for n in joined["board"]["notes"]] == ["Déjà là"]
        fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["columns"][0], "text": "Ensuite"})
        assert ws.recv().startswith('42["note:added"')  # in the board's rooms, as after a join

        for join, code in (("{not json", p.BAD_REQUEST), (json.dumps({"board": 10_000}), p.NOT_FOUND),
                           (json.dumps({"board": "x"}), p.BAD_REQUEST)):
            ws = opened(join)
            refused = answer(ws)
            assert refused["ok"] is False and refused["error"]["code"] == code, (join, refused)
            ws.send("420" + json.dumps([p.BOARD_JOIN, {"board": ev["board"]}]))  # still usable
            assert ws.recv().startswith('430[{"ok":true')

        ws = opened(None)
        ws.settimeout(0.5)
        with pytest.raises(websocket.WebSocketTimeoutException):
            ws.recv()  # nothing until the client connects
        ws.settimeout(10)
        ws.send("40")
        assert ws.recv().startswith('40{"sid":')
        assert requests.get(srv.url + "/healthz", timeout=5).ok
        phone.close()
        fac.close()
    finally:
        for ws in sockets:
            ws.close()
        srv.stop()
