"""Screens cannot drift: whatever a phone and the facilitator do (add, edit, move within and
across columns and groups, delete, group, ungroup, move groups), every screen that applies
the broadcasts it received ends with the server's own order, exactly as a fresh snapshot.

The client's rules are tests/client_model.py, a line-by-line copy of static/js/board_state.js;
the last test runs the JS itself in chromium on recorded sequences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.services import events as event_service
from facilitation.services import workshops as workshop_service

from .client_model import ClientBoard
from .factories import Phone, op

ROOT = Path(__file__).resolve().parent.parent

# An action of the sequence: resolved against the board as it is when it runs.
# Mostly two columns, so that notes collide in their containers (moves out, then adds in).
column = st.sampled_from([0, 0, 0, 1, 1, 2])
actions = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["phone", "fac"]), column, st.text(min_size=1, max_size=8)),
    st.tuples(st.just("add"), st.sampled_from(["phone", "fac"]), column, st.text(min_size=1, max_size=8)),
    st.tuples(st.just("edit"), st.sampled_from(["phone", "fac"]), st.integers(0, 50), st.text(min_size=1, max_size=8)),
    st.tuples(st.just("move"), st.integers(0, 50), column, st.integers(-1, 5), st.integers(0, 6)),
    st.tuples(st.just("move"), st.integers(0, 50), column, st.just(-1), st.integers(0, 6)),
    st.tuples(st.just("delete"), st.sampled_from(["phone", "fac"]), st.integers(0, 50)),
    st.tuples(st.just("group"), column, st.lists(st.integers(0, 50), max_size=3)),
    st.tuples(st.just("ungroup"), st.integers(0, 5)),
    st.tuples(st.just("move_group"), st.integers(0, 5), column, st.integers(0, 3)),
)


class Run:
    """A fresh board of the world's event, with a phone and the facilitator's console on it."""

    def __init__(self, world, sio) -> None:
        with world.app.app_context():
            db = get_session()
            event = event_service.find_event(db, world.code)
            workshop = workshop_service.add_workshop(db, event, ["A", "B", "C"], title="Dérive")
            db.commit()
            self.board, self.columns = workshop.board.id, [c.id for c in workshop.board.columns]
            self.workshop = workshop.id
        self.devices = {}
        for name, facilitator in (("phone", False), ("fac", True)):
            http = world.app.test_client()
            if facilitator:
                http.get(f"/f/{world.token}")
            http.get(f"/{world.code}/w/{self.workshop}")
            device = Phone(http, sio.test_client(world.app, flask_test_client=http))
            view = "console" if facilitator else "phone"
            joined = device.emit(p.BOARD_JOIN, {"board": self.board, "view": view})
            assert joined["ok"], joined
            self.devices[name] = (device, ClientBoard(joined["board"]), view)
        self.log: list[tuple[str, dict]] = []  # what the phone received, for the browser test

    def send(self, who: str, event: str, **payload) -> dict:
        return self.devices[who][0].emit(event, {"op": op(), "board": self.board, **payload})

    def pick(self, items: list, index: int):
        return items[index % len(items)] if items else None

    def run(self, action: tuple) -> None:
        model = self.devices["fac"][1]  # the console sees every note: its ids are the board's
        notes, groups = sorted(model.notes), sorted(model.groups)
        kind = action[0]
        if kind == "add":
            self.send(action[1], p.NOTE_ADD, column=self.columns[action[2]], text=action[3])
        elif kind == "edit" and notes:
            self.send(action[1], p.NOTE_EDIT, note=self.pick(notes, action[2]), text=action[3])
        elif kind == "move" and notes:
            column = self.columns[action[2]]
            in_column = [g for g in groups if model.groups[g]["column"] == column]
            group = self.pick(in_column, action[3]) if action[3] >= 0 and in_column else 0
            self.send("fac", p.NOTE_MOVE, note=self.pick(notes, action[1]), column=column, index=action[4],
                      group=group or 0)
        elif kind == "delete" and notes:
            self.send(action[1], p.NOTE_DELETE, note=self.pick(notes, action[2]))
        elif kind == "group":
            chosen = sorted({self.pick(notes, i) for i in action[2]}) if notes else []
            self.send("fac", p.GROUP_ADD, column=self.columns[action[1]], title="g", notes=chosen)
        elif kind == "ungroup" and groups:
            self.send("fac", p.GROUP_DELETE, group=self.pick(groups, action[1]))
        elif kind == "move_group" and groups:
            self.send("fac", p.GROUP_EDIT, group=self.pick(groups, action[1]), column=self.columns[action[2]],
                      index=action[3])
        self.deliver()

    def deliver(self) -> None:
        for who, (device, model, _view) in self.devices.items():
            for message in device.sock.get_received():
                name, data = message["name"], message["args"][0]
                model.receive(name, data)
                if who == "phone" and "seq" in data:
                    self.log.append((name, data))

    def check(self) -> None:
        for who, (device, model, view) in self.devices.items():
            fresh = device.emit(p.BOARD_JOIN, {"board": self.board, "view": view})["board"]
            truth = ClientBoard(fresh)
            assert model.seq == truth.seq, who
            assert model.containers() == truth.containers(), who
            assert model.texts() == truth.texts(), who


# Sequences that move notes across columns and groups: always among the examples, and run
# through the JS reducer by the browser test below.
RECORDED = [
    [("add", "phone", 0, "a"), ("add", "phone", 0, "b"), ("add", "fac", 0, "c"), ("add", "phone", 0, "d"),
     ("add", "fac", 0, "e"), ("move", 0, 1, -1, 0), ("move", 1, 1, -1, 0), ("add", "phone", 0, "f")],
    [("add", "fac", 0, "a"), ("add", "fac", 0, "b"), ("add", "fac", 1, "c"), ("group", 1, [0, 1]),
     ("move", 2, 1, 0, 0), ("move_group", 0, 2, 0), ("delete", "fac", 0), ("ungroup", 0), ("move", 1, 0, -1, 3)],
    [("add", "phone", 2, "x"), ("add", "phone", 2, "y"), ("add", "phone", 2, "z"), ("group", 2, [1]),
     ("move", 2, 2, 0, 0), ("move", 0, 0, -1, 0), ("edit", "phone", 1, "y2"), ("group", 0, [0, 2]),
     ("move", 1, 0, 1, 1)],
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(actions, min_size=1, max_size=25))
@example(sequence=RECORDED[0])  # the case: two notes moved out of a column, then one added
@example(sequence=RECORDED[1])
@example(sequence=RECORDED[2])
def test_every_screen_ends_in_the_servers_order(world, sio, no_rate_limits, sequence):
    run = Run(world, sio)
    for action in sequence:
        run.run(action)
    run.check()


@pytest.mark.browser
def test_the_javascript_reducer_ends_in_the_servers_order_too(world, sio, no_rate_limits, tmp_path):
    from .test_browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    sync_api = pytest.importorskip("playwright.sync_api")
    cases = []
    for sequence in RECORDED:
        run = Run(world, sio)
        device, _model, view = run.devices["phone"]
        start = device.emit(p.BOARD_JOIN, {"board": run.board, "view": view})["board"]
        device.sock.get_received()
        run.log.clear()
        for action in sequence:
            run.run(action)
        end = device.emit(p.BOARD_JOIN, {"board": run.board, "view": view})["board"]
        cases.append({"start": start, "changes": run.log, "truth": ClientBoard(end).containers()})
    module = (ROOT / "static" / "js" / "board_state.js").read_text()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        page = browser.new_page()
        # The module is served from a made-up origin: no server, nothing leaves the machine.
        page.route("http://reducer.test/**", lambda route: route.fulfill(
            body=module if route.request.url.endswith(".js") else "<!doctype html><title>reducer</title>",
            content_type="text/javascript" if route.request.url.endswith(".js") else "text/html"))
        page.goto("http://reducer.test/")
        results = page.evaluate("""async (cases) => {
            const { BoardState } = await import("http://reducer.test/board_state.js");
            return cases.map(({ start, changes }) => {
                const board = new BoardState();
                board.load(start);
                for (const [name, data] of changes) board.apply(name, data);
                return board.containers();
            });
        }""", cases)
        browser.close()
    for case, result in zip(cases, results, strict=True):
        assert result == case["truth"], json.dumps(case["changes"])[:500]
        assert case["changes"]  # the sequence did change the board
