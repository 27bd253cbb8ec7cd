"""Deleting for good: an event, a workshop, a note, a group or a column leaves none of its words
in the database files (SQLite: the database, its -wal and -shm), in NOTES_DIR or in the change
log; and events past their retention are purged, by a fixed clock."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitation import clock, create_app
from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.forget import purge_expired
from facilitation.mirror import wait_idle
from facilitation.models import BoardChange, Event, Operation
from facilitation.services import events as event_service

from .conftest import app_config
from .factories import make_world, op, phone

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def sqlite_app(tmp_path, sqlite_url):
    """An app on a SQLite file, whose bytes the tests read."""
    application = create_app(app_config(tmp_path, sqlite_url))
    application.config["RATELIMIT_ENABLED"] = False
    yield application
    assert wait_idle(application)
    application.extensions["relais.engine"].dispose()


def database_bytes(url: str) -> bytes:
    """Every byte SQLite keeps for this database: the file, its write-ahead log and its index."""
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{path}{suffix}").exists())


def notes_bytes(app) -> bytes:
    return b"".join(f.read_bytes() for f in Path(app.config["NOTES_DIR"]).rglob("*") if f.is_file())


def found(words: list[str], *blobs: bytes) -> list[str]:
    return [w for w in words if any(w.encode() in blob for blob in blobs)]


def _fill(world, workshop_index: int, marker: str, count: int = 12) -> list[str]:
    """Notes with words found nowhere else, posted from a phone (so the change log and the
    answers kept for replays hold them too), and the board's file written."""
    writer = phone(world, workshop_index)
    board = world.boards[workshop_index]
    words = [f"{marker}-{i:03d}-zqxj" for i in range(count)]
    for i, word in enumerate(words):
        ack = writer.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][i % 3],
                                       "text": f"{word} et la suite de la phrase"})
        assert ack["ok"], ack
    assert wait_idle(world.app)
    return words


def test_deleting_an_event_leaves_none_of_its_words_anywhere(sqlite_app, sqlite_url):
    doomed, kept = make_world(sqlite_app), make_world(sqlite_app)
    secret = _fill(doomed, 0, "SUPPRIME") + _fill(doomed, 1, "AUSSI")
    survivor = _fill(kept, 0, "GARDE")
    assert found(secret, database_bytes(sqlite_url)) == secret and found(secret, notes_bytes(sqlite_app)) == secret

    owner = sqlite_app.test_client()
    assert owner.get(f"/f/{doomed.token}").status_code == 302
    wrong = owner.delete(f"/api/events/{doomed.code}", json={"confirm": kept.code})
    assert wrong.status_code == 400 and wrong.json["error"]["field"] == "confirm"
    assert owner.delete(f"/api/events/{doomed.code}", json={"confirm": doomed.code.lower()}).json["ok"]
    assert wait_idle(sqlite_app)

    assert found(secret, database_bytes(sqlite_url), notes_bytes(sqlite_app)) == []
    assert not any(Path(sqlite_app.config["NOTES_DIR"]).glob(f"*-{doomed.code}"))  # its folder is gone
    assert found(survivor, database_bytes(sqlite_url)) == survivor  # the other event is untouched
    assert found(survivor, notes_bytes(sqlite_app)) == survivor
    with sqlite_app.app_context():
        db = get_session()
        assert db.get(Event, doomed.event_id) is None
        assert db.scalar(select(Operation.id).where(Operation.answer.is_not(None)).limit(1)) is not None  # kept's
    assert owner.get(f"/{doomed.code}").status_code == 404
    assert owner.get(f"/f/{doomed.token}").status_code == 404


def test_deleting_a_workshop_leaves_none_of_its_words_anywhere(sqlite_app, sqlite_url):
    world = make_world(sqlite_app)
    gone, stays = _fill(world, 0, "ATELIERUN"), _fill(world, 1, "ATELIERDEUX")
    assert found(gone, database_bytes(sqlite_url)) == gone and found(gone, notes_bytes(sqlite_app)) == gone
    owner = sqlite_app.test_client()
    assert owner.get(f"/f/{world.token}").status_code == 302
    sqlite_app.config["MIRROR_DELAY"] = 30  # "at once" must not mean "a moment later"
    assert owner.delete(f"/api/events/{world.code}/workshops/{world.workshops[0]}").json["ok"]
    deadline = time.monotonic() + 5
    while found(gone, notes_bytes(sqlite_app)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert found(gone, database_bytes(sqlite_url), notes_bytes(sqlite_app)) == []
    assert found(stays, notes_bytes(sqlite_app)) == stays  # in its own file and in the bilan
    bilan = next(Path(sqlite_app.config["NOTES_DIR"]).rglob("bilan.md")).read_text()
    assert all(word in bilan for word in stays) and "Atelier 1" not in bilan
    sqlite_app.config["MIRROR_DELAY"] = 0.05


def test_a_deleted_note_group_or_column_leaves_the_files_at_once_and_the_change_log(app, no_rate_limits):
    world = make_world(app)
    board, columns = world.boards[0], world.columns[world.boards[0]]
    owner = phone(world, facilitator=True, view="console")
    writer = phone(world)
    note = writer.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[0], "text": "NOTEADIRE-zq"})
    writer.emit(p.NOTE_EDIT, {"op": op(), "board": board, "note": note["note"]["id"], "text": "NOTEADIRE-zq v2"})
    kept = writer.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[1], "text": "NOTEGARDEE-zq"})
    group = owner.emit(p.GROUP_ADD, {"op": op(), "board": board, "column": columns[1], "title": "GROUPEADIRE-zq",
                                     "notes": [kept["note"]["id"]]})["groups"][0]["id"]
    renamed = owner.http.patch(f"/api/events/{world.code}/workshops/{world.workshops[0]}/columns/{columns[2]}",
                               json={"title": "COLONNEADIRE-zq"})
    assert renamed.json["ok"]
    seq_before = owner.emit(p.BOARD_JOIN, {"board": board, "view": "console"})["board"]["seq"]
    assert wait_idle(app)
    notes_dir = Path(app.config["NOTES_DIR"])

    def on_disk() -> str:
        return "".join(f.read_text() for f in notes_dir.rglob("*.md"))

    def in_log() -> str:
        with app.app_context():
            return repr(get_session().scalars(select(BoardChange.payload).where(BoardChange.board_id == board)).all())

    assert all(w in on_disk() and w in in_log() for w in ("NOTEADIRE", "GROUPEADIRE", "COLONNEADIRE"))
    app.config["MIRROR_DELAY"] = 30  # "at once" must not mean "a moment later"
    assert writer.emit(p.NOTE_DELETE, {"op": op(), "board": board, "note": note["note"]["id"]})["ok"]
    assert owner.emit(p.GROUP_DELETE, {"op": op(), "board": board, "group": group})["ok"]
    assert owner.http.delete(f"/api/events/{world.code}/workshops/{world.workshops[0]}/columns/{columns[2]}").json["ok"]
    deadline = time.monotonic() + 5
    while any(w in on_disk() for w in ("NOTEADIRE", "GROUPEADIRE", "COLONNEADIRE")):
        assert time.monotonic() < deadline, on_disk()
        time.sleep(0.02)
    assert not any(w in in_log() for w in ("NOTEADIRE", "GROUPEADIRE", "COLONNEADIRE"))
    assert "NOTEGARDEE" in on_disk() and "NOTEGARDEE" in in_log()
    # A screen behind those changes catches up with a snapshot, not with what was deleted.
    late = phone(world, join=False)
    again = late.emit(p.BOARD_JOIN, {"board": board, "since": seq_before - 3})
    assert "board" in again and "NOTEADIRE" not in repr(again)
    app.config["MIRROR_DELAY"] = 0.05


# ---- retention ---------------------------------------------------------------------------------
def _event(app, title: str, last_day: dt.date | None, retention: int | None = None) -> int:
    with app.app_context():
        db = get_session()
        event, _ = event_service.create_event(db, title=title, starts_on=last_day, ends_on=last_day)
        event.retention_days = retention
        db.commit()
        return event.id


def test_events_past_their_retention_are_purged_by_the_clock(app, caplog):
    app.config["RETENTION_DAYS"] = 90
    today = dt.date(2027, 6, 8)
    old = _event(app, "Rencontre ancienne", today - dt.timedelta(days=91))
    due = _event(app, "Rencontre du jour", today - dt.timedelta(days=90))  # its erasing day is today
    recent = _event(app, "Rencontre récente", today - dt.timedelta(days=10))
    shortened = _event(app, "Rencontre raccourcie", today - dt.timedelta(days=10), retention=5)
    with app.app_context():
        db = get_session()
        undated = db.get(Event, _event(app, "Sans date", None))
        undated.created_at = dt.datetime(2027, 1, 2, tzinfo=dt.UTC)  # 157 days before
        db.commit()
        undated = undated.id
    caplog.set_level(logging.WARNING, logger="relais.forget")
    with clock.frozen(dt.datetime(2027, 6, 8, 3, 0, tzinfo=dt.UTC)):
        assert purge_expired(app) == 4
        assert purge_expired(app) == 0  # nothing left to purge
    with app.app_context():
        db = get_session()
        assert [db.get(Event, i) is not None for i in (old, due, recent, shortened, undated)] == \
            [False, False, True, False, False]
    assert "4 event(s)" in caplog.text and "Rencontre" not in caplog.text  # how many, never which


def test_workers_purging_at_once_delete_each_event_once(tmp_path, db_url):
    """Every worker purges at start-up and daily: two at once must neither fail nor count twice."""
    import threading

    apps = [create_app(app_config(tmp_path / f"w{i}", db_url)) for i in range(2)]
    apps[0].config["RETENTION_DAYS"] = apps[1].config["RETENTION_DAYS"] = 30
    for i in range(12):
        world = make_world(apps[0])
        with apps[0].app_context():
            db = get_session()
            db.get(Event, world.event_id).ends_on = dt.date(2026, 1, 1) + dt.timedelta(days=i)
            db.commit()
    counts, failures = [], []

    def purge(app) -> None:
        try:
            counts.append(purge_expired(app))
        except Exception as exc:  # noqa: BLE001 - what the test looks for
            failures.append(exc)

    with clock.frozen(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        threads = [threading.Thread(target=purge, args=(app,)) for app in apps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert failures == [] and sum(counts) == 12, (counts, failures)
    with apps[0].app_context():
        assert get_session().scalar(select(func.count(Event.id))) == 0
    for app in apps:
        assert wait_idle(app)
        app.extensions["relais.engine"].dispose()


def test_the_console_says_when_the_event_will_be_deleted_and_the_owner_may_shorten_it(world):
    world.app.config["RETENTION_DAYS"] = 90
    owner = world.app.test_client()
    assert owner.get(f"/f/{world.token}").status_code == 302
    event = owner.get(f"/api/events/{world.code}", headers=FR).json["event"]
    assert (event["retention_days"], event["erased_on"], event["erased_label"]) == (90, "2027-03-04", "4 mars 2027")
    assert owner.patch(f"/api/events/{world.code}", json={"retention_days": 30}).json["ok"]
    assert owner.get(f"/api/events/{world.code}", headers=FR).json["event"]["erased_label"] == "3 janvier 2027"
    longer = owner.patch(f"/api/events/{world.code}", json={"retention_days": 365})
    assert longer.status_code == 400 and longer.json["error"]["code"] == p.TOO_LONG
