"""The deployment as docs/deploy.md describes it: deploy/'s nginx configuration (rewritten only
for ports, paths and names) in front of two workers on PostgreSQL and Redis, plain HTTP and
HTTPS with a certificate made here; and any number of workers started together on a fresh
database or on one of each earlier release.

Skipped, with the reason, where nginx, PostgreSQL, Redis or chromium is missing (`make test`
installs nginx and chromium where it can, as root with apt-get)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa

from facilitation import migrate
from facilitation import protocol as p
from facilitation.db import make_engine

from .conftest import PG_ADMIN_URL, _postgres_available
from .server import ROOT, free_port, start_server
from .test_migrations import Databases

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHROMIUM = "/usr/bin/chromium"
SECRET = "a-secret-key-shared-by-both-workers-of-this-test"
VISITOR = "127.0.0.9"  # a client address that must appear in no log


def _redis_or_skip() -> str:
    url = "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure: skip with the reason
        pytest.skip(f"Redis not reachable at {url}: {type(exc).__name__}")
    return url


def _postgres_or_skip(databases: list[str]) -> str:
    if reason := _postgres_available():
        pytest.skip(reason)
    name = f"relais_deploy_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    databases.append(name)
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def pg_databases():
    made: list[str] = []
    yield made
    if made:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def nginx_config(tmp_path: Path, workers: list[int], http_port: int, https_port: int) -> Path:
    """deploy/nginx/relais.conf and its snippet, with this machine's ports, paths and name."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days",
                    "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    logs = tmp_path / "nginx-logs"
    logs.mkdir()
    snippet = (DEPLOY / "nginx" / "relais-proxy.conf").read_text()
    (tmp_path / "relais-proxy.conf").write_text(snippet)
    site = (DEPLOY / "nginx" / "relais.conf").read_text()
    for fixed, port in zip((5001, 5002), workers, strict=True):
        site = site.replace(str(fixed), str(port))
    site = (site.replace("relais.example.org", "localhost")
            .replace("listen [::]:80;", "").replace("listen [::]:443 ssl http2;", "")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;")
            .replace("/etc/letsencrypt/live/localhost/fullchain.pem", str(cert))
            .replace("/etc/letsencrypt/live/localhost/privkey.pem", str(key))
            .replace("/var/log/nginx/", f"{logs}/")
            .replace("/etc/nginx/snippets/relais-proxy.conf", str(tmp_path / "relais-proxy.conf"))
            .replace("root /var/www/html;", f"root {tmp_path};"))
    (tmp_path / "relais.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
user root;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {logs}/main.error.log crit;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/relais.conf;
}}
""")
    return main


@pytest.fixture
def behind_nginx(tmp_path, pg_databases):
    """Two workers on PostgreSQL and Redis, and nginx in front with deploy/'s configuration."""
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is missing (make test installs it with apt-get when run as root)")
    redis_url = _redis_or_skip()
    database = _postgres_or_skip(pg_databases)
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the test's own certificate
    http_port, https_port = free_port(), free_port()
    origin = f"https://localhost:{https_port}"
    ports = [free_port(), free_port()]
    env = {"REDIS_URL": redis_url, "REDIS_CHANNEL": f"relais-deploy-{uuid.uuid4().hex[:6]}", "PROXY_COUNT": "1",
           "SECRET_KEY": SECRET, "PUBLIC_URL": origin, "HEARTBEAT_SECONDS": "1"}
    workers, proxy = {}, None
    # As the guide says: the schema first, in one step; then the workers, with it off.
    migrated = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"],
                              cwd=ROOT, env={**os.environ, "DATABASE_URL": database, "SECRET_KEY": SECRET,
                                             "INSTANCE_PATH": str(tmp_path / "instance")},
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    env["MIGRATE_ON_START"] = "0"
    try:
        for port in ports:
            workers[port] = start_server(tmp_path / f"w{port}", database_url=database, port=port,
                                         WORKER_NAME=str(port), **env)
        config = nginx_config(tmp_path, ports, http_port, https_port)
        test = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        proxy = subprocess.Popen([NGINX, "-c", str(config), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"{origin}/healthz", verify=False, timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield {"origin": origin, "http": f"http://localhost:{http_port}", "workers": workers, "tmp": tmp_path,
               "database": database}
    finally:
        if proxy is not None:
            proxy.send_signal(signal.SIGQUIT)
            proxy.wait(10)
        for server in workers.values():
            server.stop()


class SourceAddress(requests.adapters.HTTPAdapter):
    """Requests sent from another loopback address (the client address no log may hold)."""

    def init_poolmanager(self, *args, **kwargs):  # noqa: ANN002, ANN003
        kwargs["source_address"] = (VISITOR, 0)
        super().init_poolmanager(*args, **kwargs)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a CA bundle named in the environment would override verify
    session.verify = False
    session.mount("https://", SourceAddress())
    session.mount("http://", SourceAddress())
    return session


def test_every_live_feature_works_behind_deploys_nginx(behind_nginx):
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    origin, tmp = behind_nginx["origin"], behind_nginx["tmp"]
    workers = list(behind_nginx["workers"])
    owner = _session()

    # Port 80 sends to HTTPS; HTTPS answers with HSTS.
    redirect = owner.get(behind_nginx["http"] + "/", allow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith(origin)
    home = owner.get(origin + "/")
    assert home.status_code == 200 and "max-age=31536000" in home.headers["Strict-Transport-Security"]

    # The owner makes an event and a workshop through nginx; the secret link carries its token
    # after "#", and the page that receives it posts it.
    made = owner.post(origin + "/api/events", json={"title": "Rencontre fédérale"}, headers={"Origin": origin})
    assert made.status_code == 201, made.text
    code, link = made.json()["event"]["code"], made.json()["facilitator_url"]
    token = link.split("/f#")[1]
    assert link.startswith(origin + "/f#")
    workshop = owner.post(f"{origin}/api/events/{code}/workshops", json={"title": "Atelier"},
                          headers={"Origin": origin}).json()["workshop"]
    column = workshop["columns"][0]["id"]
    assert owner.get(f"{origin}/f/not-a-token").status_code == 404  # noise for the logs to hold, or not

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        contexts = []
        for port in workers:  # the phone on one worker, the projector on the other
            context = browser.new_context(ignore_https_errors=True, locale="fr-FR")
            context.add_cookies([{"name": "relais_worker", "value": str(port), "url": origin}])
            contexts.append(context)
        phone, projector = contexts[0].new_page(), contexts[1].new_page()
        facilitator = browser.new_context(ignore_https_errors=True, locale="fr-FR").new_page()
        facilitator.goto(f"{origin}/f#{token}")
        facilitator.wait_for_url(f"**/{code}/console")
        projector.goto(f"{origin}/{code}/w/{workshop['id']}/screen")
        phone.goto(f"{origin}/{code}/w/{workshop['id']}")
        for page in (phone, projector):
            page.wait_for_selector("#status[data-state=online]", timeout=15000)
        assert {c["value"] for c in contexts[0].cookies() if c["name"] == "relais_worker"} == {str(workers[0])}
        assert {c["value"] for c in contexts[1].cookies() if c["name"] == "relais_worker"} == {str(workers[1])}

        posted = []
        for i in range(5):
            posted.append(f"Avant la coupure {i}")
            phone.fill("#note-text", posted[-1])
            phone.click("#post-note")
        projector.wait_for_selector(f".note:has-text('{posted[-1]}')", timeout=10000)

        # The phone's worker stops (SIGTERM, as systemd does): the phone goes on with the other.
        stopped = behind_nginx["workers"][workers[0]]
        stopped.proc.send_signal(signal.SIGTERM)
        for i in range(5):
            posted.append(f"Pendant et après {i}")
            phone.fill("#note-text", posted[-1])
            phone.click("#post-note")
        assert stopped.proc.wait(20) == 0
        for text in posted:
            projector.wait_for_selector(f".note:has-text('{text}')", timeout=20000)
        phone.wait_for_selector("#status[data-state=online]", timeout=20000)
        assert phone.locator(".note.pending").count() == 0
        browser.close()

    engine = sa.create_engine(behind_nginx["database"])
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT text FROM notes ORDER BY id")).scalars().all()
    engine.dispose()
    assert stored == posted  # nothing lost, nothing twice

    # The long-polling fallback, through nginx and TLS, with the owner's cookie.
    listener = socketio.Client(reconnection=False, ssl_verify=False, http_session=owner)
    heard = []
    listener.on(p.NOTE_ADDED, lambda data: heard.append(data["note"]["text"]))
    listener.connect(origin, transports=["polling"], headers={"Origin": origin}, wait_timeout=10)
    assert listener.transport() == "polling"
    assert listener.call(p.BOARD_JOIN, {"board": workshop["board"], "view": "console"}, timeout=10)["ok"]
    sent = listener.call(p.NOTE_ADD, {"op": "op-deploy-0001", "board": workshop["board"], "column": column,
                                      "text": "Par long polling"}, timeout=10)
    assert sent["ok"]
    deadline = time.monotonic() + 10
    while "Par long polling" not in heard:
        assert time.monotonic() < deadline, heard
        time.sleep(0.02)
    listener.disconnect()

    # No log holds a client address or a secret token: nginx's, or either worker's.
    logs = {f.name: f.read_text(errors="replace") for f in (tmp / "nginx-logs").glob("*")}
    logs |= {f"worker-{port}": server.log.read_text() for port, server in behind_nginx["workers"].items()}
    assert any("/socket.io/" in text for text in logs.values())  # the access log is written
    for name, text in logs.items():
        assert VISITOR not in text, name
        assert token not in text, name
        assert not re.search(r"sid=[A-Za-z0-9_-]{10,}", text), name
    access = "".join(text for name, text in logs.items() if name.endswith("access.log"))
    assert "127.0.0.1" not in access


@pytest.mark.parametrize("count", [2, 4])
@pytest.mark.parametrize("release", [None, "release1", "release2", "release2-upgraded"])
def test_workers_started_together_all_stay_up_with_the_fresh_schema(tmp_path, count, release):
    if reason := _postgres_available():
        pytest.skip(reason)
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    made = Databases("postgres", tmp_path)
    try:
        url = made.new(release)
        ports = [free_port() for _ in range(count)]
        env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "SECRET_KEY": SECRET,
               "INSTANCE_PATH": str(tmp_path / "instance"), "NOTES_DIR": str(tmp_path / "notes"),
               "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        logs = [tmp_path / f"w{port}.log" for port in ports]
        outs = [log.open("w") for log in logs]
        started = time.monotonic()
        procs = [subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env={**env, "PORT": str(port)},
                                  stdout=out, stderr=subprocess.STDOUT) for port, out in zip(ports, outs, strict=True)]
        spread = time.monotonic() - started
        for out in outs:
            out.close()  # each worker writes to its own copy of the file
        assert spread < 0.1, spread  # launched together (each Popen is a fork and an exec)
        deadline = time.monotonic() + 60
        pending = set(ports)
        while pending:
            for port, proc, log in zip(ports, procs, logs, strict=True):
                assert proc.poll() is None, log.read_text()[-3000:]
                if port in pending:
                    try:
                        if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                            pending.discard(port)
                    except requests.ConnectionError:
                        pass
            assert time.monotonic() < deadline, [log.read_text()[-1000:] for log in logs]
            time.sleep(0.05)
        assert all(proc.poll() is None for proc in procs)  # all stay up
        if release:  # and the earlier release's events are all there: an upgrade deletes nothing at once
            engine = make_engine(url)
            with engine.connect() as conn:
                kept = conn.execute(sa.text("SELECT count(*), count(retention_from) FROM events")).one()
            engine.dispose()
            assert kept[0] > 0 and kept[0] == kept[1], kept
        fresh = made.new()
        engine = make_engine(fresh)
        migrate.prepare(engine)
        engine.dispose()
        assert _schema_dump(url) == _schema_dump(fresh)
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        assert [proc.wait(20) for proc in procs] == [0] * count
        assert not any("Traceback" in log.read_text() for log in logs)
    finally:
        made.drop_all()


def _schema_dump(url: str) -> list[str]:
    """pg_dump --schema-only of a database, without its comments and per-run keys."""
    name = url.rsplit("/", 1)[1]
    out = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-h", "127.0.0.1", "-U", "postgres", name],
                         capture_output=True, text=True, check=True).stdout
    noise = ("--", "\\restrict", "\\unrestrict")
    return [line for line in out.splitlines() if not line.startswith(noise)]


def test_the_shipped_units_and_settings_say_what_the_guide_says(tmp_path):
    """What can be checked here of the systemd units (no systemd on this machine): the worker
    waits for the migration, runs with it off, stops cleanly, restarts, and reads the
    environment file whose every setting the app knows."""
    unit = (DEPLOY / "systemd" / "relais@.service").read_text()
    for line in ("Requires=relais-migrate.service", "MIGRATE_ON_START=0", "WORKER_NAME=%i", "PORT=%i",
                 "KillSignal=SIGTERM", "Restart=always", "User=relais", "EnvironmentFile=/etc/relais/relais.env"):
        assert line in unit, line
    assert "ExecStart=/opt/relais/.venv/bin/flask --app wsgi db upgrade" in (
        DEPLOY / "systemd" / "relais-migrate.service").read_text()
    from facilitation import config

    known = set(config.from_environment(tmp_path))
    env = (DEPLOY / "relais.env.example").read_text()
    settings = re.findall(r"^([A-Z_]+)=", env, re.M)
    assert settings and all(s in known or s in ("INSTANCE_PATH", "LOG_LEVEL") for s in settings), settings
