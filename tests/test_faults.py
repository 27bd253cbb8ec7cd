"""Faults a host or an operator meets, against the real server as a process: the laptop is
stopped mid-burst, the disk fills up, another process holds the database, Redis blips."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from facilitation import protocol as p

from .client_model import ClientBoard
from .conftest import database_for
from .factories import op
from .server import Device, free_port, start_server

pytestmark = pytest.mark.server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_db(request, tmp_path):
    return database_for(request, tmp_path)


def _event(url: str) -> tuple[Device, dict]:
    fac = Device(url)
    created = fac.http.post(url + "/api/events", json={"title": "Pannes"}, timeout=10).json()
    code = created["event"]["code"]
    workshop = fac.http.post(f"{url}/api/events/{code}/workshops", json={"title": "Atelier"}, timeout=10).json()
    ws = workshop["workshop"]
    fac.join_board(f"/{code}/console/w/{ws['id']}", ws["board"])
    assert fac.call(p.BOARD_JOIN, {"board": ws["board"], "view": "console"})["ok"]
    return fac, {"code": code, "workshop": ws["id"], "board": ws["board"], "column": ws["columns"][0]["id"],
                 "page": f"/{code}/w/{ws['id']}"}


def _notes_in(db_url: str, board: int) -> set[str]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        found = set(conn.execute(text("SELECT text FROM notes WHERE board_id = :b"), {"b": board}).scalars())
    engine.dispose()
    return found


def test_stopping_mid_burst_exits_0_with_every_acked_note_on_disk(tmp_path, server_db):
    # MIRROR_DELAY of 5 s: every note of the burst is still waiting to be written when the stop comes.
    server = start_server(tmp_path, database_url=server_db, MIRROR_DELAY="5")
    fac, ev = _event(server.url)
    phones = []
    for _ in range(25):  # 25 phones x 8 notes: a busy room, each phone at a person's pace
        device = Device(server.url)
        device.join_board(ev["page"], ev["board"])
        phones.append(device)
    acked: list[str] = []
    lock = threading.Lock()

    def post(job: tuple[Device, int]) -> None:
        device, i = job
        try:  # an acknowledgement comes in milliseconds; one cut off by the stop never comes
            answer = device.sio.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["column"],
                                                  "text": f"note {i}"}, timeout=2)
        except Exception:  # noqa: BLE001 - the server went away mid-call: not acked
            return
        if answer.get("ok"):
            with lock:
                acked.append(f"note {i}")

    jobs = [(phones[i % 25], i) for i in range(200)]
    pool = ThreadPoolExecutor(max_workers=25)
    futures = [pool.submit(post, job) for job in jobs]
    while len(acked) < 60:
        time.sleep(0.005)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    code = server.proc.wait(20)
    took = time.monotonic() - started
    for future in futures:
        future.result()
    pool.shutdown()
    for device in [fac, *phones]:
        device.close()
    assert code == 0
    assert took < 5, took
    stored = _notes_in(server_db, ev["board"])
    assert set(acked) <= stored  # every acknowledged note is in the database...
    written = next((tmp_path / "notes").glob(f"*/*-{ev['board']}.md")).read_text()
    assert all(f"- {t}\n" in written + "\n" for t in acked), [t for t in acked if f"- {t}\n" not in written]
    bilan = next((tmp_path / "notes").glob("*/bilan.md")).read_text()  # the stop writes the bilan too
    assert all(f"- {t}\n" in bilan + "\n" for t in acked), [t for t in acked if f"- {t}\n" not in bilan]
    log = server.log.read_text()
    assert "Traceback" not in log and "s’est arrêté proprement" in log
    print(f"stopped in {took:.2f} s with {len(acked)} acknowledged notes, all in the file")


def test_ctrl_c_prints_one_french_line_and_no_traceback(tmp_path):
    server = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}")
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(15) == 0
    log = server.log.read_text()
    assert "KeyboardInterrupt" not in log and "Traceback" not in log
    assert log.strip().splitlines()[-1].startswith("Relais s’est arrêté proprement")


def test_a_stop_does_not_wait_for_a_browser_that_left_while_long_polling(tmp_path):
    """A phone that opened Socket.IO over long-polling and went (its tab closed before the
    websocket upgrade) reads nothing more: the stop used to wait on its queue until its ping
    ran out, 20 s and more, and systemd (or the tests) killed the process meanwhile."""
    server = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}")
    http = requests.Session()
    http.get(server.url + "/", timeout=10)  # the cookie, as a page visit gives it
    opened = http.get(server.url + "/socket.io/?EIO=4&transport=polling", timeout=10)
    sid = opened.text.split('"sid":"', 1)[1].split('"', 1)[0]
    assert http.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data="40", timeout=10).ok
    assert http.get(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", timeout=10).text.startswith("40")
    started = time.monotonic()  # the browser is gone: nobody polls any more
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(20)
    finally:
        server.stop()  # killed, if it still hangs
    took = time.monotonic() - started
    assert code == 0 and took < 5, f"the stop took {took:.1f} s"
    assert "s’est arrêté proprement" in server.log.read_text()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 96 KiB filesystem for NOTES_DIR (a tmpfs, which only root may mount)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (root only): {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_healed_without_any_new_change(tmp_path, tiny_disk):
    database = f"sqlite:///{tmp_path / 'disk.sqlite3'}"
    server = start_server(tmp_path, database_url=database, NOTES_DIR=str(tiny_disk), MIRROR_DELAY="0.1",
                          RATE_LIMITS="off")
    try:
        fac, ev = _event(server.url)
        filler = tiny_disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"x" * 4096):  # fill the disk to the last block
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        for i in range(50):
            assert fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["column"],
                                         "text": f"note {i} " + "x" * 200})["ok"]
        fac.wait_until(lambda events: any(n == p.FILES_STATE and not d["ok"] for n, d in events))
        warning = next(d for n, d in fac.events if n == p.FILES_STATE)
        assert warning == {"board": ev["board"], "ok": False, "cause": "no_space"}
        assert "no space left on the disk" in server.log.read_text()
        ready = requests.get(server.url + "/readyz", timeout=5)
        # The board's file and the event's bilan, both behind.
        assert ready.status_code == 503 and ready.json()["files"] == {"behind": 2, "causes": ["no_space"]}
        # A console opened now is told at once.
        late = Device(server.url)
        late.http.cookies.update(fac.http.cookies)
        late.connect()
        joined = late.call(p.BOARD_JOIN, {"board": ev["board"], "view": "console"})
        assert joined["files"] == {"board": ev["board"], "ok": False, "cause": "no_space"}
        late.close()
        filler.unlink()  # the host frees some room; nobody touches the board
        freed = time.monotonic()
        fac.wait_until(lambda events: any(n == p.FILES_STATE and d["ok"] for n, d in events), timeout=10)
        healed_in = time.monotonic() - freed
        board_file = next(f for f in tiny_disk.glob("*/*.md") if f.name != "bilan.md")
        assert all(f"note {i} " in board_file.read_text() for i in range(50))
        deadline = time.monotonic() + 10  # the bilan heals on its own retry, a moment later at most
        while requests.get(server.url + "/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, requests.get(server.url + "/readyz", timeout=5).json()
            time.sleep(0.1)
        bilan = next(tiny_disk.glob("*/bilan.md")).read_text()
        assert all(f"note {i} " in bilan for i in range(50))
        assert "written again" in server.log.read_text()
        print(f"the file was whole again {healed_in:.2f} s after space was freed")
        fac.close()
    finally:
        server.stop()



LOCK_HOLDER = """
import sqlite3, sys, time
from pathlib import Path
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # SQLite's write lock, held by another program
Path(sys.argv[2]).touch()
time.sleep(float(sys.argv[3]))
conn.execute("ROLLBACK")
"""


def test_a_sqlite_lock_held_elsewhere_freezes_nothing(tmp_path):
    database = tmp_path / "locked.sqlite3"
    server = start_server(tmp_path, database_url=f"sqlite:///{database}")
    try:
        fac, ev = _event(server.url)
        other = fac.http.post(f"{server.url}/api/events/{ev['code']}/workshops", json={"title": "Autre"},
                              timeout=10).json()["workshop"]
        phone = Device(server.url)
        phone.join_board(ev["page"], ev["board"])
        held = tmp_path / "held"
        holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(database), str(held), "8"])
        while not held.exists():
            time.sleep(0.01)
        locked_at = time.monotonic()
        # A write is waiting for the lock (in its own greenlet); nothing else waits with it.
        answers: list[dict] = []
        writer = threading.Thread(target=lambda: answers.append(phone.call(
            p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["column"], "text": "pendant le verrou"})))
        writer.start()
        timings = {}
        for name, call in (("healthz", lambda: requests.get(server.url + "/healthz", timeout=5)),
                           ("page", lambda: requests.get(f"{server.url}/{ev['code']}", timeout=5,
                                                         cookies=phone.http.cookies)),
                           ("join", lambda: _join(server.url, phone, ev["code"], other))):
            started = time.monotonic()
            assert call()
            timings[name] = time.monotonic() - started
        assert time.monotonic() - locked_at < 7, "the checks must run while the lock is held"
        assert all(seconds < 0.3 for seconds in timings.values()), timings
        writer.join(20)
        holder.wait(20)
        assert answers[0]["ok"] or answers[0]["error"]["code"] == p.BUSY, answers
        assert "pendant le verrou" in _notes_in(f"sqlite:///{database}", ev["board"]) or not answers[0]["ok"]
        print("while another process held the write lock: " + ", ".join(
            f"{k} {v * 1000:.0f} ms" for k, v in timings.items()))
        phone.close()
        fac.close()
    finally:
        server.stop()


def _join(url: str, phone: Device, code: str, workshop: dict) -> bool:
    other = Device(url)
    other.http.cookies.update(phone.http.cookies)
    other.connect()
    try:
        return other.call(p.BOARD_JOIN, {"board": workshop["board"]})["ok"]
    finally:
        other.close()


def test_a_write_that_cannot_get_the_lock_in_time_is_busy_not_internal(tmp_path):
    database = tmp_path / "stuck.sqlite3"
    server = start_server(tmp_path, database_url=f"sqlite:///{database}", DB_WRITE_WAIT="1")
    try:
        fac, ev = _event(server.url)
        held = tmp_path / "held"
        holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(database), str(held), "2.5"])
        while not held.exists():
            time.sleep(0.01)
        answer = fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["column"], "text": "x"})
        assert answer["error"]["code"] == p.BUSY and answer["error"]["retry_after"] == 2
        api = fac.http.post(f"{server.url}/api/events/{ev['code']}/organisations", json={"name": "Cabiria"},
                            timeout=10)
        assert api.status_code == 503 and api.json()["error"]["code"] == p.BUSY and api.headers["Retry-After"]
        holder.wait(20)
        assert fac.call(p.NOTE_ADD, {"op": op(), "board": ev["board"], "column": ev["column"], "text": "x"})["ok"]
        fac.close()
    finally:
        log = server.stop()
    assert "Traceback" not in log


class Screen:
    """What connection.js does, in Python: apply broadcasts in seq order, and on a gap, or a
    heartbeat (board:seq) ahead of what it has, catch up with board:join {since}."""

    def __init__(self, device: Device, board: int) -> None:
        self.device, self.board = device, board
        self.model = ClientBoard(device.call(p.BOARD_JOIN, {"board": board})["board"])
        self.read = 0

    def sync(self) -> None:
        events = self.device.events[self.read:]
        self.read += len(events)
        for name, data in events:
            if not isinstance(data, dict) or data.get("board") != self.board:
                continue
            if name == p.BOARD_SEQ:
                if data["seq"] > self.model.seq:
                    self.catch_up()
            elif "seq" in data and data["seq"] > self.model.seq:
                if data["seq"] == self.model.seq + 1:
                    self.model.receive(name, data)
                else:
                    self.catch_up()

    def catch_up(self) -> None:
        answer = self.device.call(p.BOARD_JOIN, {"board": self.board, "since": self.model.seq})
        if "board" in answer:
            self.model = ClientBoard(answer["board"])
        for change in answer.get("changes", []):
            self.model.receive(change["event"], change["data"])


def _redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
        assert time.monotonic() < deadline, "redis did not start"
        time.sleep(0.05)
    return proc


def test_a_redis_stall_and_restart_hold_no_ack_and_every_screen_catches_up(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis = _redis(port)
    database = f"sqlite:///{tmp_path / 'two.sqlite3'}"
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "REDIS_CHANNEL": "relais-faults", "SECRET_KEY": "shared",
           "HEARTBEAT_SECONDS": "1"}
    one = start_server(tmp_path / "one", database_url=database, **env)
    two = start_server(tmp_path / "two", database_url=database, **env)
    devices: list[Device] = []
    try:
        fac, ev = _event(one.url)
        quiet = fac.http.post(f"{one.url}/api/events/{ev['code']}/workshops", json={"title": "Calme"},
                              timeout=10).json()["workshop"]

        def device(server, board: int, page: str) -> Device:
            made = Device(server.url)
            made.http.cookies.update(fac.http.cookies)
            made.open(page)
            made.connect()
            devices.append(made)
            return made

        busy_page, quiet_page = ev["page"], f"/{ev['code']}/w/{quiet['id']}"
        screens = [Screen(device(server, board, page), board) for server in (one, two)
                   for board, page in ((ev["board"], busy_page), (quiet["board"], quiet_page))]
        writers = {(server.port, board): device(server, board, page) for server in (one, two)
                   for board, page in ((ev["board"], busy_page), (quiet["board"], quiet_page))}
        for writer, board in ((w, b) for (_, b), w in writers.items()):
            assert writer.call(p.BOARD_JOIN, {"board": board})["ok"]
        acks: list[float] = []

        def post(server, board: int, column: int, text_: str) -> None:
            started = time.monotonic()
            answer = writers[(server.port, board)].call(p.NOTE_ADD, {"op": op(), "board": board, "column": column,
                                                                "text": text_})
            acks.append(time.monotonic() - started)
            assert answer["ok"], answer

        quiet_column = quiet["columns"][0]["id"]
        # A screen of the quiet board that will have missed its one change (as when a broadcast
        # is lost between workers): only the heartbeat can tell it.
        behind_screen = screens[3]
        before_outage = behind_screen.model
        os.kill(redis.pid, signal.SIGSTOP)  # Redis stalls
        for i in range(6):
            post(one, ev["board"], ev["column"], f"pendant l'arrêt {i}")
            post(two, ev["board"], ev["column"], f"de l'autre côté {i}")
        post(one, quiet["board"], quiet_column, "seule note du tableau calme")
        redis.kill()  # then dies, and comes back
        redis.wait(10)
        redis = _redis(port)
        for i in range(3):
            post(two, ev["board"], ev["column"], f"après le retour {i}")
        # Nothing more happens on the quiet board: its screens must find out by themselves.
        truth = {board: ClientBoard(fac.call(p.BOARD_JOIN, {"board": board})["board"])
                 for board in (ev["board"], quiet["board"])}
        for screen in screens:
            screen.sync()
        behind_screen.model = before_outage  # it lost the quiet board's note
        behind_screen.read = len(behind_screen.device.events)
        settled_at = time.monotonic()
        deadline = settled_at + 20
        while True:
            for screen in screens:
                screen.sync()
            behind = [s for s in screens if s.model.containers() != truth[s.board].containers()
                      or s.model.seq != truth[s.board].seq]
            if not behind:
                break
            assert time.monotonic() < deadline, [(s.board, s.model.seq) for s in behind]
            time.sleep(0.05)
        caught_up = time.monotonic() - settled_at
        assert max(acks) < 0.2, max(acks)
        print(f"acks during the Redis faults: max {max(acks) * 1000:.0f} ms; every screen equal to the "
              f"database {caught_up:.2f} s after the last change")
        deadline = time.monotonic() + 10  # each worker's listener is back within its 2 s pause
        while not all("Redis reachable again" in server.log.read_text() for server in (one, two)):
            assert time.monotonic() < deadline, [server.log.read_text()[-1000:] for server in (one, two)]
            time.sleep(0.05)
    finally:
        for made in devices:
            made.close()
        logs = [one.stop(), two.stop()]
        redis.kill()
        redis.wait(10)
    for log in logs:
        assert log.count("Redis unreachable") == 1 and log.count("Redis reachable again") == 1, log[-2000:]
        assert "giving up" not in log
