"""Factories: the world a test needs, made through the real services and routes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from facilitation.db import get_session
from facilitation.extensions import socketio
from facilitation.services import events as event_service
from facilitation.services import workshops as workshop_service

COLUMNS = ["Constats", "Difficultés", "Idées"]


@dataclass
class World:
    """Ids of an event made for a test."""

    app: Flask
    code: str
    event_id: int
    token: str
    workshops: list[int]
    boards: list[int]
    columns: dict[int, list[int]] = field(default_factory=dict)  # board -> column ids
    organisations: list[int] = field(default_factory=list)


def make_world(app: Flask, *, workshops: int = 2) -> World:
    """Create an event, two organisations and workshops (each with three columns)."""
    with app.app_context():
        db = get_session()
        event, token = event_service.create_event(
            db, title="Rencontre inter-associative", place="Lyon", starts_on=dt.date(2026, 12, 3),
            ends_on=dt.date(2026, 12, 4),
        )
        orgs = [
            event_service.add_organisation(db, event, name="Cabiria", city="Lyon", country="France"),
            event_service.add_organisation(db, event, name="Espace P", city="Bruxelles", country="Belgique"),
        ]
        made = [
            workshop_service.add_workshop(db, event, COLUMNS, title=f"Atelier {i + 1}",
                                       question="Quelles violences en ligne ?", day=dt.date(2026, 12, 4))
            for i in range(workshops)
        ]
        db.commit()
        return World(
            app=app,
            code=event.code,
            event_id=event.id,
            token=token,
            workshops=[w.id for w in made],
            boards=[w.board.id for w in made],
            columns={w.board.id: [c.id for c in w.board.columns] for w in made},
            organisations=[o.id for o in orgs],
        )


@dataclass
class Phone:
    """A browser: its HTTP client (cookies) and its socket."""

    http: FlaskClient
    sock: SocketIOTestClient

    def emit(self, event: str, payload: object) -> dict:
        """Send an event and return its acknowledgement."""
        return self.sock.emit(event, payload, callback=True)

    def tab(self, world: World) -> Phone:
        """A second tab of the same browser (same cookie), its own socket, on the same board."""
        sock = socketio.test_client(world.app, flask_test_client=self.http)
        return Phone(self.http, sock)

    def received(self, name: str | None = None) -> list[dict]:
        """Payloads received since last asked (only events called name, if given)."""
        return [m["args"][0] for m in self.sock.get_received() if name is None or m["name"] == name]


def phone(
    world: World, workshop_index: int = 0, *, facilitator: bool = False, join: bool = True, view: str | None = None
) -> Phone:
    """A participant (or the facilitator) who opened a board page and joined it (as a phone,
    or as the given view: "projector" or "console")."""
    http = world.app.test_client()
    if facilitator:
        assert http.get(f"/f/{world.token}").status_code == 302
    assert http.get(f"/{world.code}/w/{world.workshops[workshop_index]}").status_code == 200
    sock = socketio.test_client(world.app, flask_test_client=http)
    device = Phone(http, sock)
    if join:
        payload = {"board": world.boards[workshop_index], **({"view": view} if view else {})}
        ack = device.emit("board:join", payload)
        assert ack["ok"], ack
    return device


def form_post(client: FlaskClient, path: str, data: dict, **kwargs: object):
    """Post a form as a page of Relais does: with this browser's form token."""
    with client.session_transaction(**kwargs) as session:
        token = session.setdefault("csrf", "token-for-tests")
    return client.post(path, data={**data, "csrf": token}, **kwargs)


_op_counter = iter(range(10**9))


def op() -> str:
    """A fresh op id."""
    return f"op-test-{next(_op_counter):08d}"
