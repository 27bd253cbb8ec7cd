"""Rebuild the SQL dumps of databases made by earlier releases (kept in tests/legacy/).

    .venv/bin/python tests/legacy/make_dumps.py

For each earlier release (a git commit), check its code out into a temporary folder, let
that code create a database (SQLite, and PostgreSQL on 127.0.0.1) with a little of
everything through its own routes and sockets, and dump it as SQL. "release2-upgraded"
is a database of the first release that the second release's code then upgraded in place
(its db.upgrade_schema), as laptops that ran both did. The migration tests load these
dumps and bring them to the current schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RELEASES = {"release1": "0dab44c", "release2": "b1f9a1b"}
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"

FILL = textwrap.dedent('''
    import sys
    from facilitation import create_app
    from facilitation.extensions import socketio
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "dump", "ASYNC_MODE": "threading",
                      "NOTES_DIR": sys.argv[2], "MIRROR_DELAY": 0, "TESTING": True})
    if sys.argv[3] == "fill":
        http = app.test_client()
        event = http.post("/api/events", json={"title": "Rencontre 2025", "place": "Lyon",
                                               "starts_on": "2025-03-10", "ends_on": "2025-03-11"}).get_json()["event"]
        code = event["code"]
        org = http.post(f"/api/events/{code}/organisations", json={"name": "Cabiria", "city": "Lyon"}).get_json()
        workshop = http.post(f"/api/events/{code}/workshops", json={"title": "Violences en ligne",
                             "question": "Que faire ?", "day": "2025-03-11"}).get_json()["workshop"]
        http.get(f"/{code}/w/{workshop['id']}")
        sock = socketio.test_client(app, flask_test_client=http)
        sock.emit("board:join", {"board": workshop["board"]}, callback=True)
        for i, text in enumerate(["Premiere note", "Deuxieme **note**", "Troisieme"]):
            ack = sock.emit("note:add", {"op": f"op-dump-{i:04d}", "board": workshop["board"],
                                         "column": workshop["columns"][i % 2]["id"], "text": text}, callback=True)
            assert ack["ok"], ack
        sock.disconnect()
    from facilitation.mirror import wait_idle
    wait_idle(app)
    app.extensions.get("relais.engine") and app.extensions["relais.engine"].dispose()
''')


def checkout(commit: str, into: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "facilitation", "templates", "static"],
                   check=True, stdout=open(into / "code.tar", "wb"))
    subprocess.run(["tar", "-xf", "code.tar"], cwd=into, check=True)


def run(code_dir: Path, url: str, notes: Path, action: str) -> None:
    subprocess.run([sys.executable, "-c", FILL, url, str(notes), action], cwd=code_dir, check=True,
                   env={**os.environ, "PYTHONWARNINGS": "ignore"})


def pg(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)


def dump(url_kind: str, target: str, name: str) -> None:
    if url_kind == "sqlite":
        sql = subprocess.run(["sqlite3", target, ".dump"], check=True, capture_output=True, text=True).stdout
        (HERE / f"{name}.sqlite.sql").write_text(sql)
    else:
        sql = subprocess.run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", "--no-privileges",
                              "--inserts", target], check=True, capture_output=True, text=True).stdout
        # Lines pg_dump adds that older or newer servers may not know; the schema is what matters.
        sql = "\n".join(line for line in sql.splitlines()
                        if not line.startswith(("SET transaction_timeout", "\\restrict", "\\unrestrict")))
        (HERE / f"{name}.postgres.sql").write_text(sql + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        code = {}
        for name, commit in RELEASES.items():
            code[name] = tmp_path / name
            code[name].mkdir()
            checkout(commit, code[name])
        for kind in ("sqlite", "postgres"):
            for name, steps in (("release1", [("release1", "fill")]), ("release2", [("release2", "fill")]),
                                ("release2-upgraded", [("release1", "fill"), ("release2", "open")])):
                if kind == "sqlite":
                    target = str(tmp_path / f"{name}.sqlite3")
                    url = f"sqlite:///{target}"
                else:
                    target = f"relais_dump_{name.replace('-', '_')}"
                    pg(f'DROP DATABASE IF EXISTS "{target}"')
                    pg(f'CREATE DATABASE "{target}"')
                    url = PG + target
                for release, action in steps:
                    run(code[release], url, tmp_path / "notes", action)
                dump(kind, target, name)
                if kind == "postgres":
                    pg(f'DROP DATABASE "{target}" WITH (FORCE)')
                print("dumped", kind, name)


if __name__ == "__main__":
    main()
