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


def open_secret(client: FlaskClient, url: str) -> str:
    """Open a secret link (https://…/f#<token>) as its page does: post the token; the address
    it sends the browser to."""
    token = url.split("/f#", 1)[1]
    answer = client.post("/f", json={"token": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json["location"]


def form_post(client: FlaskClient, path: str, data: dict, **kwargs: object):
    """Post a form as a page of Relais does: with this browser's form token."""
    with client.session_transaction(**kwargs) as session:
        token = session.setdefault("csrf", "token-for-tests")
    return client.post(path, data={**data, "csrf": token}, **kwargs)


_op_counter = iter(range(10**9))


def op() -> str:
    """A fresh op id."""
    return f"op-test-{next(_op_counter):08d}"


# ---- a whole meeting: two days, thirteen organisations, three parallel workshops ---------------
ORGANISATIONS = [
    ("Cabiria", "Lyon", "France"), ("Espace P", "Bruxelles", "Belgique"), ("Grisélidis", "Toulouse", "France"),
    ("Autres Regards", "Marseille", "France"), ("Les Amis du Bus des Femmes", "Paris", "France"),
    ("Utsopi", "Bruxelles", "Belgique"), ("Médecins du Monde Lotus Bus", "Paris", "France"),
    ("Paloma", "Nantes", "France"), ("Entre2Rives", "Liège", "Belgique"), ("Alias", "Namur", "Belgique"),
    ("Acceptess-T", "Paris", "France"), ("Aides Strasbourg", "Strasbourg", "France"),
    ("Icare", "Charleroi", "Belgique"),
]
MEETING_WORKSHOPS = [
    ("Violences en ligne", "Quelles violences en ligne rencontrent les personnes que nous accompagnons ?"),
    ("Outils numériques", "Quels outils numériques pour aller vers les personnes ?"),
    ("Plaidoyer", "Que porter ensemble auprès des plateformes et des pouvoirs publics ?"),
]


@dataclass
class Meeting:
    """Ids of a whole meeting made for a test or a screenshot."""

    code: str
    event_id: int
    token: str
    organisations: list[int]
    workshops: list[int]
    boards: list[int]
    kept_out: list[str]  # texts of notes their author kept out of the bilan
    pseudonyms: list[str]


def make_meeting(app: Flask, *, organisations: int = 13, workshops: int = 3, notes_per_column: int = 3,
                 reveal: bool = True) -> Meeting:
    """A two-day meeting as the host runs it: cards filled in, a programme (the round on day 1,
    parallel workshops and a plenary on day 2), notes, a revealed vote and actions on each
    board, one note per board kept out of the bilan, workshop summaries and "Et après ?".
    With reveal False, each vote is closed but its results still hidden (the plenary waits)."""
    from facilitation import protocol as p
    from facilitation.services import Actor
    from facilitation.services import actions as action_service
    from facilitation.services import notes as note_service
    from facilitation.services import programme as programme_service
    from facilitation.services import round as round_service
    from facilitation.services import state as state_service
    from facilitation.services import votes as vote_service

    with app.app_context():
        db = get_session()
        day1, day2 = dt.date(2027, 3, 9), dt.date(2027, 3, 10)
        event, token = event_service.create_event(
            db, title="Rencontre inter-associative travail du sexe", place="Lyon", starts_on=day1, ends_on=day2,
            next_meeting="Espace P propose d’accueillir la prochaine rencontre à **Bruxelles** au printemps.")
        orgs = []
        for i, (name, city, country) in enumerate(ORGANISATIONS[:organisations]):
            orgs.append(event_service.add_organisation(
                db, event, name=name, city=city, country=country, position=i, is_host=i == 0, card_ready=True,
                website=f"{name.lower().replace(' ', '-')}.example.org",
                description=f"{name} accompagne les travailleuses et travailleurs du sexe à {city}.",
                on_subject="- Permanences en ligne\n- Veille des annonces", contact=f"contact@{i}.example.org"))
        facilitator = Actor(event.id, event_service.ensure_participant(db, event, None).id, facilitator=True)
        slots = {}
        for day, start, end, kind, title in [
            (day1, "09:30", "12:30", "round", "Tour de table (matin)"), (day1, "12:30", "14:00", "break", "Déjeuner"),
            (day1, "14:00", "17:00", "round", "Tour de table (après-midi)"),
            (day2, "09:30", "12:00", "workshops", "Ateliers"), (day2, "12:00", "13:30", "break", "Déjeuner"),
            (day2, "14:00", "15:30", "plenary", "Restitution en plénière")]:
            item = programme_service.add_item(db, event, day=day, starts_at=dt.time.fromisoformat(start),
                                              ends_at=dt.time.fromisoformat(end), kind=kind, title=title)
            slots[kind] = item
        made, kept_out, pseudonyms = [], [], []
        for w, (title, question) in enumerate(MEETING_WORKSHOPS[:workshops]):
            workshop = workshop_service.add_workshop(db, event, COLUMNS, title=title, question=question,
                                                     slot=slots["workshops"].id, room=f"Salle {w + 1}",
                                                     summary=f"Le groupe **{title}** retient trois pistes.")
            board = workshop.board
            authors = []
            for k in range(4):
                person = event_service.ensure_participant(db, event, None)
                pseudonym = f"Pseudo-{w}-{k}"
                pseudonyms.append(pseudonym)
                event_service.set_profile(db, person, pseudonym=pseudonym, organisation_id=orgs[k % len(orgs)].id)
                authors.append(Actor(event.id, person.id))
            note_ids = []
            for c, column in enumerate(board.columns):
                for n in range(notes_per_column):
                    author = authors[(c + n) % len(authors)]
                    change = note_service.add(db, board, author, column_id=column.id,
                                              text=f"{column.title} {n + 1} de l’atelier {title}")
                    note_ids.append((author, change.payload["note"]["id"]))
            author, secret = note_ids[1]
            text = f"Confidentiel atelier {w + 1} : ne pas reprendre"
            note_service.edit(db, board, author, note_id=secret, text=text)
            note_service.keep_for_bilan(db, board, author, note_id=secret, keep=False)
            kept_out.append(text)
            state_service.set_board(db, board, facilitator, phase=p.VOTE)
            vote = vote_service.open_vote(db, board, facilitator, target="notes", budget=3, cap=1).payload["vote"]
            for a, author in enumerate(authors):
                for target in range(3):
                    _, note_id = note_ids[(a + target) % len(note_ids)]
                    vote_service.cast(db, board, author, vote_id=vote["id"], target_id=note_id)
            vote_service.close_vote(db, board, facilitator, vote_id=vote["id"])
            if reveal:
                vote_service.reveal_vote(db, board, facilitator, vote_id=vote["id"])
                state_service.set_board(db, board, facilitator, phase=p.DISCUSS)
            for a in range(2):
                action_service.add(db, board, facilitator, note_id=note_ids[a][1],
                                   organisation=orgs[(w + a) % len(orgs)].id, due=dt.date(2027, 6, 30))
            made.append(workshop)
        round_service.go(db, event, facilitator, step="first")
        db.commit()
        return Meeting(event.code, event.id, token, [o.id for o in orgs], [w.id for w in made],
                       [w.board.id for w in made], kept_out, pseudonyms)
