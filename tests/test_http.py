"""Pages and the JSON API through Flask's test client."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from pathlib import Path

import pytest

from facilitation import protocol as p
from facilitation.mirror import wait_idle

from .factories import form_post, op, open_secret, phone


@pytest.fixture
def client(app):
    return app.test_client()


def _create(client, **extra):
    data = {"title": "Rencontre", "place": "Lyon", "starts_on": "2026-12-03", "ends_on": "2026-12-04", **extra}
    return form_post(client, "/events", data)


def test_home_is_french_by_default_and_english_on_request(client):
    assert "Rejoindre une rencontre" in client.get("/").get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Join an event" in english
    german = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Join an event" in german  # asking for neither French nor Dutch: English
    client.get("/lang/en?next=/")
    assert "Join an event" in client.get("/").get_data(as_text=True)


def test_language_switch_only_redirects_inside_the_site(client):
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/en?next=//evil.example/").headers["Location"] == "/"


def test_creating_an_event_shows_the_facilitator_link_once(client, app):
    page = _create(client).get_data(as_text=True)
    link = re.search(r"http://relais\.test/f#([A-Za-z0-9_-]+)", page).group(1)
    code = re.search(r'id="join-code">([A-Z0-9]+)<', page).group(1)
    # The creator is already the facilitator; a stranger is not.
    assert client.get(f"/{code}/console").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/{code}/console").status_code == 403
    # The token is after "#": no request line carries it; the page posts it.
    assert stranger.get("/f").status_code == 200 and link not in stranger.get("/f").get_data(as_text=True)
    assert stranger.post("/f", json={"token": link}).json == {"ok": True, "location": f"/{code}/console"}
    assert stranger.get(f"/{code}/console").status_code == 200
    assert stranger.post("/f", json={"token": "x" * 32}).status_code == 404
    assert stranger.post("/f", json={"token": "../../etc"}).json["error"]["code"] == "bad_request"
    # Links of the earlier form (the token in the path) still open, until replaced.
    assert app.test_client().get(f"/f/{link}").status_code == 302
    assert link not in client.get(f"/{code}/console").get_data(as_text=True)


def test_home_lists_the_events_this_browser_runs_until_the_link_changes(client, app):
    assert "my-events" not in client.get("/").get_data(as_text=True)
    _create(client, title="Première rencontre")
    _create(client, title="Seconde rencontre")
    home = client.get("/").get_data(as_text=True)
    assert home.index("Seconde rencontre") < home.index("Première rencontre")
    assert "my-events" not in app.test_client().get("/").get_data(as_text=True)
    code = re.search(r'href="/([A-Z0-9]{6})/console"><span class="title">Seconde', home).group(1)
    client.post(f"/api/events/{code}/facilitator-link", json={})
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert "Seconde rencontre" in other.get("/").get_data(as_text=True)
    client.post(f"/api/events/{code}/facilitator-link", json={})
    assert "Seconde rencontre" not in other.get("/").get_data(as_text=True)


def test_bad_event_form_is_shown_again_with_an_error(client):
    response = _create(client, title="")
    assert response.status_code == 400
    assert "Le texte est vide." in response.get_data(as_text=True)
    assert _create(client, starts_on="2026-12-05").status_code == 400


def test_join_by_typed_code(client, world):
    typed = world.code.lower()[:3] + " " + world.code.lower()[3:]
    assert client.get("/join", query_string={"code": typed}).headers["Location"] == f"/{world.code}"
    assert client.get("/join", query_string={"code": "ZZZZZZ"}).status_code == 404
    assert client.get(f"/{world.code.lower()}").headers["Location"] == f"/{world.code}"
    page = client.get(f"/{world.code}").get_data(as_text=True)
    assert "Atelier 1" in page and "Cabiria" in page


def test_every_page_has_a_strict_csp_and_loads_nothing_from_elsewhere(client, world):
    fac = world.app.test_client()
    fac.get(f"/f/{world.token}")
    w = world.workshops[0]
    for c, path in [(client, "/"), (client, f"/{world.code}"), (client, f"/{world.code}/w/{w}"),
                    (client, f"/{world.code}/w/{w}/screen"), (fac, f"/{world.code}/console"),
                    (fac, f"/{world.code}/console/w/{w}")]:
        response = c.get(path)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
        html = response.get_data(as_text=True)
        # Nothing is loaded from an absolute address (links to our own public URL are fine).
        assert not re.search(r'<(script|img|link|iframe|source|video|audio)\b[^>]*(src|href)="(https?:)?//',
                             html), path
        # The only inline scripts are the import map and the websocket's opener (phones and
        # projectors), each allowed by its hash in the CSP; any other would be blocked.
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
        for text in inline:
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp, (path, text[:60])
        opens = path.endswith((f"/w/{w}", f"/w/{w}/screen")) and "/console" not in path  # a phone, a projector
        assert ("RELAIS_OPENED" in html) == opens, path


def test_qr_code_is_an_svg_of_the_public_address(client, world):
    response = client.get(f"/{world.code}/qr.svg?w={world.workshops[0]}")
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")
    assert client.get(f"/{world.code}/qr.svg?w=99999").status_code == 404


def test_qr_code_points_phones_to_the_lan_address_when_opened_on_localhost(tmp_path, sqlite_url):
    from facilitation import create_app
    from facilitation.netaddr import lan_addresses

    from .conftest import app_config

    app = create_app({**app_config(tmp_path, sqlite_url), "PUBLIC_URL": ""})
    client = app.test_client()
    page = form_post(client, "/events", {"title": "x"}, base_url="http://localhost:5000").get_data(as_text=True)
    lan = lan_addresses()
    expected = f"http://{lan[0]}:5000/f#" if lan else "http://127.0.0.1:5000/f#"
    assert expected in page
    page = form_post(client, "/events", {"title": "y"}, base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert "http://192.168.1.20:5000/f#" in page
    app.extensions["relais.engine"].dispose()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "192.168.1.20"])
def test_the_terminal_the_pages_and_the_qr_code_agree_on_the_address(tmp_path, sqlite_url, host):
    """A server listening on one address tells phones that address, everywhere: never a LAN
    address it does not listen on (HOST=127.0.0.1 used to put one in the QR code)."""
    from facilitation import create_app
    from facilitation.netaddr import network_url

    from .conftest import app_config

    app = create_app({**app_config(tmp_path, sqlite_url), "PUBLIC_URL": "", "HOST": host, "PORT": 5000})
    client = app.test_client()
    expected = network_url(host, 5000)
    assert expected == f"http://{'127.0.0.1' if host == 'localhost' else host}:5000"
    page = form_post(client, "/events", {"title": "x"}, base_url="http://localhost:5000").get_data(as_text=True)
    assert f"{expected}/f#" in page
    app.extensions["relais.engine"].dispose()


def test_api_manages_workshops_columns_and_organisations(client):
    created = client.post("/api/events", json={"title": "Rencontre", "starts_on": "2026-12-03",
                                                "ends_on": "2026-12-04"})
    assert created.status_code == 201
    code = created.json["event"]["code"]
    assert created.json["facilitator_url"].startswith("http://relais.test/f#")
    base = f"/api/events/{code}"

    org = client.post(f"{base}/organisations", json={"name": "Cabiria", "city": "Lyon"})
    assert org.status_code == 201
    dup = client.post(f"{base}/organisations", json={"name": "cabiria"})
    assert dup.status_code == 409 and dup.json["error"]["code"] == p.DUPLICATE
    org_id = org.json["organisation"]["id"]
    assert client.patch(f"{base}/organisations/{org_id}", json={"country": "France"}).json["organisation"][
        "country"] == "France"

    outside = client.post(f"{base}/workshops", json={"title": "Atelier", "day": "2027-04-01"})
    assert outside.status_code == 400 and (outside.json["error"]["code"], outside.json["error"]["field"]) == (
        p.OUTSIDE_EVENT, "day")
    w = client.post(f"{base}/workshops", json={"title": "Atelier", "question": "Pourquoi ?", "day": "2026-12-04"})
    assert w.status_code == 201
    workshop = w.json["workshop"]
    assert [c["title"] for c in workshop["columns"]] == ["Constats", "Difficultés", "Idées et propositions",
                                                         "Questions"]
    wid = workshop["id"]
    col = client.post(f"{base}/workshops/{wid}/columns", json={"title": "Divers"})
    assert col.status_code == 201 and col.json["columns"][-1]["title"] == "Divers"
    cid = col.json["columns"][-1]["id"]
    moved = client.patch(f"{base}/workshops/{wid}/columns/{cid}", json={"index": 0, "title": "Divers !"})
    assert moved.json["columns"][0]["title"] == "Divers !"
    assert client.delete(f"{base}/workshops/{wid}/columns/{cid}").json["ok"]
    assert client.patch(f"{base}/workshops/{wid}", json={"room": "Salle 3"}).json["workshop"]["room"] == "Salle 3"

    event = client.get(base).json["event"]
    assert [o["name"] for o in event["organisations"]] == ["Cabiria"]
    assert event["workshops"][0]["room"] == "Salle 3"
    assert client.delete(f"{base}/organisations/{org_id}").json["ok"]
    assert client.delete(f"{base}/workshops/{wid}").json["ok"]
    assert client.get(base).json["event"]["workshops"] == []


def test_api_refuses_participants_and_bad_bodies(app, world):
    participant = app.test_client()
    participant.get(f"/{world.code}")
    base = f"/api/events/{world.code}"
    response = participant.post(f"{base}/workshops", json={"title": "Pirate"})
    assert response.status_code == 403 and response.json["error"]["code"] == p.NOT_FACILITATOR
    assert participant.patch(base, json={"title": "x"}).status_code == 403
    fac = app.test_client()
    fac.get(f"/f/{world.token}")
    as_form = fac.post(f"{base}/workshops", data={"title": "form"})  # a form without our token: refused (CSRF)
    assert as_form.status_code == 403 and as_form.json["error"]["code"] == p.CROSS_SITE
    as_text = fac.post(f"{base}/workshops", data='{"title": "text"}', content_type="text/plain")  # not JSON
    assert as_text.status_code == 400 and as_text.json["error"]["code"] == p.BAD_REQUEST
    assert fac.post(f"{base}/workshops", json=["x"]).status_code == 400
    assert fac.post(f"{base}/workshops", json={"title": 5}).status_code == 400
    too_long = fac.post(f"{base}/workshops", json={"title": "x" * 121}).json["error"]
    assert (too_long["code"], too_long["field"]) == (p.TOO_LONG, "title")
    assert fac.post(f"{base}/workshops", json={"title": "ok", "columns": []}).status_code == 400
    assert fac.post(f"{base}/workshops", json={"question": "no title"}).json["error"]["code"] == p.EMPTY
    assert fac.post("/api/events", json={"place": "no title"}).json["error"]["code"] == p.EMPTY
    assert fac.patch(f"{base}/workshops/99999", json={"title": "x"}).status_code == 404
    assert fac.get("/api/nothing").json["error"]["code"] == p.NOT_FOUND
    huge = fac.post(f"{base}/workshops", json={"title": "x" * 70000})
    assert huge.status_code == 413 and huge.json["error"]["code"] == p.TOO_LONG
    assert fac.get(base).json["event"]["workshops"][-1]["title"] == "Atelier 2"


def test_a_new_facilitator_link_ends_other_facilitator_sessions(app, world):
    old = app.test_client()
    old.get(f"/f/{world.token}")
    rotator = app.test_client()
    rotator.get(f"/f/{world.token}")
    new_url = rotator.post(f"/api/events/{world.code}/facilitator-link", json={}).json["facilitator_url"]
    assert old.get(f"/{world.code}/console").status_code == 403
    assert rotator.get(f"/{world.code}/console").status_code == 200
    assert app.test_client().get(f"/f/{world.token}").status_code == 404
    assert open_secret(app.test_client(), new_url) == f"/{world.code}/console"


def test_column_changes_over_http_reach_the_board_room(world):
    watcher = phone(world)
    fac = phone(world, facilitator=True, join=False)
    wid = world.workshops[0]
    answer = fac.http.post(f"/api/events/{world.code}/workshops/{wid}/columns", json={"title": "Nouveau"}).json
    received = watcher.received(p.BOARD_COLUMNS)
    assert received[0]["seq"] == answer["seq"] == 1
    assert received[0]["columns"][-1]["title"] == "Nouveau"
    fac.http.patch(f"/api/events/{world.code}/workshops/{wid}", json={"title": "Renommé"})
    assert watcher.received(p.BOARD_WORKSHOP)[0]["workshop"]["title"] == "Renommé"
    fac.http.delete(f"/api/events/{world.code}/workshops/{wid}")
    assert watcher.received(p.BOARD_DELETED) == [{"board": world.boards[0]}]


def test_the_board_is_mirrored_to_a_markdown_file_and_downloadable(world):
    alice = phone(world)
    fac = phone(world, facilitator=True)
    board = world.boards[0]
    alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][1],
                            "text": "Le **harcèlement** en ligne"})
    assert wait_idle(world.app)
    notes_dir = Path(world.app.config["NOTES_DIR"])
    files = [f for f in notes_dir.glob("*/*.md") if f.name != "bilan.md"]  # the event's bilan is beside it
    assert len(files) == 1
    assert files[0].parent.name == f"rencontre-inter-associative-{world.code}"
    assert files[0].name == f"atelier-1-{board}.md"
    text = files[0].read_text()
    assert "## Difficultés\n\n- Le **harcèlement** en ligne" in text
    download = fac.http.get(f"/{world.code}/w/{world.workshops[0]}/notes.md")
    assert download.headers["Content-Type"].startswith("text/markdown")
    assert "attachment" in download.headers["Content-Disposition"]
    body = download.get_data(as_text=True)
    assert body.split("written_at")[0] == text.split("written_at")[0]
    assert alice.http.get(f"/{world.code}/w/{world.workshops[0]}/notes.md").status_code == 403


def test_a_burst_of_changes_is_written_once_a_moment_later(world):
    alice = phone(world)
    board = world.boards[0]
    world.app.config["MIRROR_DELAY"] = 1.0
    started = time.monotonic()
    for i in range(5):
        alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0], "text": f"n{i}"})
    assert world.app.extensions["relais.mirror"].running == 1
    assert wait_idle(world.app)
    assert time.monotonic() - started >= 1.0
    text = next(Path(world.app.config["NOTES_DIR"]).glob(f"*/*-{board}.md")).read_text()
    assert all(f"- n{i}" in text for i in range(5))


def test_openapi_document_lists_every_api_route(app, client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops
                  if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:int:|id:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_protocol_doc_mentions_every_route_and_event(app):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:int:|id:)?(\w+)>", r"<\1>", rule.rule)
        assert f"`{path}`" in doc or any(f"`{m} {path}`" in doc for m in rule.methods), path
    events = [v for k, v in vars(p).items() if k.isupper() and isinstance(v, str) and ":" in v]
    for event in events:
        assert f"`{event}`" in doc, event
    for code in p.MESSAGES:
        assert f"`{code}`" in doc, code


@pytest.mark.parametrize("method,path", [
    ("get", "/{c}/w/99999999999999999999"),
    ("get", "/{c}/w/99999999999999999999/screen"),
    ("get", "/{c}/w/0"),
    ("get", "/{c}/qr.svg?w=99999999999999999999"),
    ("get", "/{c}/qr.svg?w=abc"),
    ("delete", "/api/events/{c}/organisations/99999999999999999999"),
    ("patch", "/api/events/{c}/workshops/2147483648"),
])
def test_ids_out_of_range_are_not_found_not_a_database_error(world, method, path):
    fac = world.app.test_client()
    fac.get(f"/f/{world.token}")
    response = getattr(fac, method)(path.format(c=world.code), json={} if method != "get" else None)
    # Werkzeug may answer 405 when a sibling route's converter refused the id: still no 500.
    assert response.status_code in (404, 405)
    if path.startswith("/api/"):
        assert response.json["ok"] is False


def test_an_unexpected_failure_is_a_500_page_and_a_log_line_without_data(world, monkeypatch, caplog):
    import logging

    from facilitation.web import pages

    secret = "texte sensible " + "d'une note"

    def explode(*_args, **_kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr(pages, "render_template", explode)
    world.app.config["PROPAGATE_EXCEPTIONS"] = False
    client = world.app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/")
    assert response.status_code == 500
    assert "RuntimeError" in caplog.text and "sensible" not in caplog.text


def test_scripts_and_styles_carry_nosniff_and_none_of_the_documents_rules(client, world):
    """A script or a style sheet is never a document: it comes with `nosniff` and without the
    page's rules (CSP, framing, referrer, permissions: half a kilobyte each, for a dozen files
    on a phone's first visit). Pages and an SVG (which a browser may open as a document) keep
    them."""
    page = client.get(f"/{world.code}/w/{world.workshops[0]}")
    assets = page.get_data(as_text=True)
    import re

    urls = re.findall(r'(?:src|href)="(/(?:static|words)/[^"]+\.(?:js|css)\?v=[^"]+)"', assets)
    assert len(urls) > 10 and any(u.endswith(".css") or ".css?" in u for u in urls), urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff", url
        for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):
            assert header not in response.headers, (url, header)
    for url in (f"/{world.code}/w/{world.workshops[0]}", "/static/favicon.svg"):
        response = client.get(url)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url
