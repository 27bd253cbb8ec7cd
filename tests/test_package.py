"""The hand-over package: export, import as a copy, export again gives the same manifest (apart
from when it was exported); a template holds the structure and nothing said; the command line
moves an event between two servers; and every hostile package is refused with one translated
message, creating nothing (the database and NOTES_DIR byte for byte as they were)."""

from __future__ import annotations

import copy
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitation import package
from facilitation.db import get_session
from facilitation.models import CardNote, Event, Note, Participant, Vote, Workshop

from .factories import make_meeting
from .test_forget import notes_bytes
from .test_roles import fingerprint

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
REFUSED = "Ce fichier n’est pas un paquet Relais, ou il est abîmé ou trop gros"


def owner(app, token: str):
    client = app.test_client()
    assert client.get(f"/f/{token}").status_code == 302
    return client


def manifest(data: bytes) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))


def upload(client, data: bytes, **form):
    with client.session_transaction() as session:
        token = session.setdefault("csrf", "token-for-tests")
    return client.post("/import", data={"csrf": token, "package": (io.BytesIO(data), "paquet.zip"), **form},
                       content_type="multipart/form-data", headers=FR)


def test_export_import_as_a_copy_export_again_gives_the_same_manifest(app):
    meeting = make_meeting(app, notes_per_column=4)
    first = owner(app, meeting.token).get(f"/{meeting.code}/package.zip")
    assert first.headers["Content-Type"] == "application/zip" and first.headers["Cache-Control"] == "no-store"
    names = zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    assert names[0] == "manifest.json" and "bilan.md" in names and sum(n.startswith("notes/") for n in names) == 3

    host = app.test_client()
    created = upload(host, first.data, mode="copy")
    assert created.status_code == 200, created.get_data(as_text=True)[:500]
    code = created.get_data(as_text=True).split('id="join-code">')[1].split("<")[0]
    assert code != meeting.code
    again = host.get(f"/{code}/package.zip")  # the importer is the new event's owner
    before, after = manifest(first.data), manifest(again.data)
    assert before.pop("exported_at") and after.pop("exported_at")
    assert after == before
    assert len(before["workshops"][0]["notes"]) == 12 and before["workshops"][0]["votes"][0]["results"]
    # The copy's bilan leaves out the same notes.
    bilan = host.get(f"/{code}/bilan.md").get_data(as_text=True)
    assert not any(kept in bilan for kept in meeting.kept_out)


def test_a_template_holds_the_structure_and_nothing_said(app):
    meeting = make_meeting(app)
    data = owner(app, meeting.token).get(f"/{meeting.code}/package.zip").data
    host = app.test_client()
    made = upload(host, data, mode="template", starts_on="2028-03-14")
    assert made.status_code == 200
    code = made.get_data(as_text=True).split('id="join-code">')[1].split("<")[0]
    with app.app_context():
        db = get_session()
        event = db.scalar(select(Event).where(Event.code == code))
        assert (event.starts_on.isoformat(), event.ends_on.isoformat()) == ("2028-03-14", "2028-03-15")
        assert [i.day.isoformat() for i in event.programme][:1] == ["2028-03-14"]
        assert len(event.organisations) == 13 and len(event.workshops) == 3
        assert [len(w.board.columns) for w in event.workshops] == [3, 3, 3]
        assert all(w.question and not w.summary and w.slot_id for w in event.workshops)
        boards = [w.board.id for w in event.workshops]
        assert db.scalar(select(func.count(Note.id)).where(Note.board_id.in_(boards))) == 0
        assert db.scalar(select(func.count(Vote.id)).where(Vote.board_id.in_(boards))) == 0
        assert db.scalar(select(func.count(CardNote.id)).where(CardNote.event_id == event.id)) == 0
        # No participant but the importer's own browser; nothing of "Et après ?".
        assert db.scalar(select(func.count(Participant.id)).where(Participant.event_id == event.id)) == 1
        assert event.next_meeting == ""
    # A structure-only export holds no word of the notes at all.
    structure = owner(app, meeting.token).get(f"/{meeting.code}/package.zip?contents=structure").data
    assert zipfile.ZipFile(io.BytesIO(structure)).namelist() == ["manifest.json"]
    assert not any(p in structure.decode("latin-1") for p in meeting.pseudonyms)
    assert manifest(structure)["workshops"][0].get("notes", []) == []


def test_the_command_line_moves_an_event_between_two_servers(app, tmp_path):
    meeting = make_meeting(app, organisations=3, workshops=2, notes_per_column=2)
    runner = app.test_cli_runner()
    file = tmp_path / "rencontre.zip"
    done = runner.invoke(args=["relais", "export", meeting.code.lower(), str(file)])
    assert done.exit_code == 0, done.output
    imported = runner.invoke(args=["relais", "import", str(file)])
    assert imported.exit_code == 0, imported.output
    code = imported.output.split("code: ")[1].split()[0]
    assert "/f#" in imported.output
    with app.app_context():
        db = get_session()
        event = db.scalar(select(Event).where(Event.code == code))
        boards = [w.board.id for w in db.scalars(select(Workshop).where(Workshop.event_id == event.id))]
        assert db.scalar(select(func.count(Note.id)).where(Note.board_id.in_(boards))) == 2 * 3 * 2
    bad = tmp_path / "faux.zip"
    bad.write_bytes(b"PK\x03\x04 pas un zip")
    refused = runner.invoke(args=["relais", "import", str(bad)])
    assert refused.exit_code == 1 and "not a zip file" in refused.output
    assert runner.invoke(args=["relais", "export", "ZZZZZZ", str(file)]).exit_code != 0


# ---- hostile packages ------------------------------------------------------------------------
def _zip(members: dict[str, bytes | str], *, infos: list[zipfile.ZipInfo] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for info in infos or []:
            archive.writestr(info, b"/etc/passwd")
    return buffer.getvalue()


def _good() -> dict:
    return {"format": "relais-event", "version": 1, "exported_at": "2027-03-10T18:00:00.000000Z",
            "contents": "full", "event": {"title": "Rencontre", "starts_on": "2027-03-09", "ends_on": "2027-03-10"},
            "organisations": [{"key": "o1", "name": "Cabiria"}],
            "programme": [{"key": "p1", "day": "2027-03-10", "starts_at": "09:30", "ends_at": "12:00",
                           "kind": "workshops"}],
            "workshops": [{"key": "w1", "title": "Atelier", "slot": "p1", "columns": [{"key": "c1", "title": "Idées"}],
                           "notes": [{"key": "n1", "column": "c1", "text": "Une note", "organisation": "o1",
                                      "created_at": "2027-03-10T09:40:00Z"}],
                           "votes": [{"target": "notes", "voters": 1, "results": [{"target": "n1", "dots": 1}]}]}]}


def _with(change) -> bytes:
    data = copy.deepcopy(_good())
    change(data)
    return _zip({"manifest.json": json.dumps(data)})


def _symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("lien")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _lying_sizes() -> bytes:
    """A manifest whose headers say it is smaller than it is."""
    data = bytearray(_zip({"manifest.json": json.dumps(_good()) + " " * 5000}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")  # uncompressed size in the directory
    return bytes(data)


HOSTILE = {
    "not a zip": b"Ceci n'est pas un zip.",
    "an empty file": b"",
    "no manifest": _zip({"notes/a.md": "# a"}),
    "a zip bomb": _zip({"manifest.json": b" " * (24 * 1024 * 1024)}),
    "too much once unpacked": _zip({f"f{i}.txt": b"\0" * (9 * 1024 * 1024) for i in range(8)}),
    "a path that climbs out": _zip({"manifest.json": json.dumps(_good()), "../../etc/cron.d/x": "x"}),
    "an absolute path": _zip({"manifest.json": json.dumps(_good()), "/etc/passwd": "x"}),
    "a Windows path": _zip({"manifest.json": json.dumps(_good()), "notes\\..\\..\\x": "x"}),
    "a symbolic link": _zip({"manifest.json": json.dumps(_good())}, infos=[_symlink()]),
    "a duplicate name": _zip({"manifest.json": json.dumps(_good()), "Manifest.json": "{}"}),
    "headers that lie": _lying_sizes(),
    "not JSON": _zip({"manifest.json": "{pas du json"}),
    "JSON nested deep": _zip({"manifest.json": "[" * 5000 + "]" * 5000}),
    "another format": _with(lambda d: d.update(format="trello")),
    "a future version": _with(lambda d: d.update(version=2)),
    "no version": _with(lambda d: d.pop("version")),
    "a field missing": _with(lambda d: d["event"].pop("title")),
    "a field of the wrong type": _with(lambda d: d["workshops"][0].update(position="3")),
    "an unknown field": _with(lambda d: d["event"].update(admin=True)),
    "a title over its limit": _with(lambda d: d["event"].update(title="x" * 500)),
    "a note over its limit": _with(lambda d: d["workshops"][0]["notes"][0].update(text="x" * 600)),
    "a key that points nowhere": _with(lambda d: d["workshops"][0]["notes"][0].update(column="c9")),
    "an organisation that points nowhere": _with(lambda d: d["workshops"][0]["notes"][0].update(organisation="o9")),
    "a slot that points nowhere": _with(lambda d: d["workshops"][0].update(slot="p9")),
    "a vote on a note that is not there": _with(lambda d: d["workshops"][0]["votes"][0]["results"][0].update(
        target="n9")),
    "more dots than voters had": _with(lambda d: d["workshops"][0]["votes"][0]["results"][0].update(dots=99)),
    "a key twice": _with(lambda d: d["organisations"].append({"key": "o1", "name": "Autre"})),
    "a day outside the event": _with(lambda d: d["programme"][0].update(day="2027-04-01")),
    "a database id for a key": _with(lambda d: d["organisations"][0].update(key=1)),
    "an invalid time zone": _with(lambda d: d["event"].update(timezone="Mars/Olympus")),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_package_is_refused_and_creates_nothing(app, name):
    make_meeting(app, organisations=2, workshops=1, notes_per_column=1)
    before, files = fingerprint(app), notes_bytes(app)
    visitor = app.test_client()
    answer = upload(visitor, HOSTILE[name], mode="copy")
    assert answer.status_code == 400, name
    assert REFUSED in answer.get_data(as_text=True)
    assert fingerprint(app) == before and notes_bytes(app) == files, name
    with pytest.raises(package.PackageError):
        package.read_manifest(HOSTILE[name]) if name != "a day outside the event" else _import(app, HOSTILE[name])


def _import(app, data: bytes) -> None:
    with app.app_context():
        db = get_session()
        try:
            package.import_package(db, package.read_manifest(data), copy=True)
        finally:
            db.rollback()


def test_a_package_over_the_size_limit_is_refused_before_it_is_read(app, monkeypatch):
    monkeypatch.setattr(package, "PACKAGE_MAX_BYTES", 1024)
    answer = upload(app.test_client(), _zip({"manifest.json": json.dumps(_good()), "photo.bin": os.urandom(4000)}),
                    mode="copy")
    assert answer.status_code in (400, 413)
    good = _zip({"manifest.json": json.dumps(_good())})
    assert len(good) < 1024 and upload(app.test_client(), good, mode="copy").status_code == 200


def test_the_schema_in_the_docs_is_the_declarations(app):
    written = json.loads((Path(__file__).resolve().parent.parent / "docs" / "package.schema.json").read_text())
    assert written == package.json_schema(), "run .venv/bin/python -m facilitation.package"
