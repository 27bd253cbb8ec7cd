"""The schema under Alembic: a fresh database, databases made by the two earlier releases
(rebuilt from the SQL dumps in tests/legacy/), and several processes migrating at once."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from facilitation import migrate
from facilitation.db import make_engine
from facilitation.models import Base

from .conftest import PG_ADMIN_URL, _postgres_available

LEGACY = Path(__file__).resolve().parent / "legacy"
RELEASES = ["release1", "release2", "release2-upgraded"]
ROOT = Path(__file__).resolve().parent.parent


def schema_of(engine: sa.Engine) -> dict:
    """Everything that makes a schema, as comparable data: columns, keys, constraints, indexes."""
    inspector = sa.inspect(engine)
    shape = {}
    for table in sorted(inspector.get_table_names()):
        shape[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in
                        inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                           (f.get("options") or {}).get("ondelete")) for f in inspector.get_foreign_keys(table)),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in inspector.get_indexes(table)),
        }
    return shape


class Databases:
    """Throw-away databases of one backend."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind, self.tmp_path, self.made = kind, tmp_path, []

    def new(self, dump: str | None = None) -> str:
        """A new empty database (or one loaded from a dump of an earlier release); its URL."""
        if self.kind == "sqlite":
            path = self.tmp_path / f"{uuid.uuid4().hex[:8]}.sqlite3"
            if dump:
                with sqlite3.connect(path) as conn:
                    conn.executescript((LEGACY / f"{dump}.sqlite.sql").read_text())
            return f"sqlite:///{path}"
        name = f"relais_mig_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        if dump:
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql((LEGACY / f"{dump}.postgres.sql").read_text())
            engine.dispose()
        return url

    def drop_all(self) -> None:
        if not self.made:
            return
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request, tmp_path):
    if request.param == "postgres" and (reason := _postgres_available()):
        pytest.skip(reason)
    made = Databases(request.param, tmp_path)
    yield made
    made.drop_all()


def _prepared(url: str) -> tuple[str, dict, sa.Engine]:
    engine = make_engine(url)
    done = migrate.prepare(engine)
    return done, schema_of(engine), engine


def test_the_baseline_migration_builds_exactly_the_models(databases):
    """A database migrated from nothing equals one made by create_all (what a fresh start does)."""
    engine = make_engine(databases.new())
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), "head")
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    _, fresh, fresh_engine = _prepared(databases.new())
    assert schema_of(engine) == fresh
    for e in (engine, fresh_engine):
        e.dispose()


@pytest.mark.parametrize("release", RELEASES)
def test_a_database_of_an_earlier_release_reaches_the_head_with_its_data(databases, release):
    _, fresh, fresh_engine = _prepared(databases.new())
    done, upgraded, engine = _prepared(databases.new(dump=release))
    assert done.startswith("brought from an earlier release")
    assert upgraded == fresh  # every column, key and index, ix_notes_group_id included
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        texts = conn.execute(sa.text("SELECT text FROM notes ORDER BY id")).scalars().all()
        assert texts == ["Premiere note", "Deuxieme **note**", "Troisieme"]
        assert conn.execute(sa.text("SELECT phase, private FROM boards")).one() == ("collect", False)
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert migrate.prepare(engine) == "up to date"
    for e in (engine, fresh_engine):
        e.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("release", RELEASES)
def test_on_postgres_pg_dump_of_an_upgraded_database_equals_a_fresh_one(tmp_path, release):
    if reason := _postgres_available():
        pytest.skip(reason)
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    made = Databases("postgres", tmp_path)
    try:
        dumps = []
        for dump in (None, release):
            url = made.new(dump)
            engine = make_engine(url)
            migrate.prepare(engine)
            engine.dispose()
            name = url.rsplit("/", 1)[1]
            out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-h", "127.0.0.1", "-U", "postgres", name],
                                 capture_output=True, text=True, check=True).stdout
            noise = ("--", "\\restrict", "\\unrestrict")  # comments, and pg_dump's per-run random keys
            dumps.append([line for line in out.splitlines() if not line.startswith(noise)])
        assert dumps[0] == dumps[1]
    finally:
        made.drop_all()


# A process that gets ready (imports, engine), says so, then migrates the moment "go" appears.
MIGRATE_ONE = """
import os, sys
from pathlib import Path
from facilitation import migrate
from facilitation.db import make_engine
engine = make_engine(sys.argv[1])
folder = Path(sys.argv[2])
(folder / f"ready-{os.getpid()}").touch()
while not (folder / "go").exists():
    pass
print(migrate.prepare(engine))
"""


@pytest.mark.parametrize("release", [None, "release1", "release2-upgraded"])
def test_four_processes_migrating_at_once_all_succeed(databases, release):
    import time

    url = databases.new(dump=release)
    gate = databases.tmp_path / f"gate-{uuid.uuid4().hex[:6]}"
    gate.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE_ONE, url, str(gate)], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    deadline = time.monotonic() + 60
    while len(list(gate.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)  # polled: all four ready, then released together
    (gate / "go").touch()
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], [err[-2000:] for _, err in results]
    said = [out.strip() for out, _ in results]
    assert said.count("up to date") == 3, said  # one did the work, the others waited for it
    _, fresh, fresh_engine = _prepared(databases.new())
    engine = make_engine(url)
    assert schema_of(engine) == fresh
    engine.dispose()
    fresh_engine.dispose()
