"""Roles in chromium: the owner makes a workshop facilitator's link in the console; another
browser opens it and runs that workshop's board; revoked, its open console says so at once."""

from __future__ import annotations

import pytest

from .test_browser import browser  # noqa: F401 - fixture used by name
from .test_browser_meeting import meeting_server  # noqa: F401 - fixture used by name

pytestmark = pytest.mark.browser


def test_a_workshop_link_runs_its_board_until_it_is_revoked(browser, meeting_server):  # noqa: F811
    server, meeting = meeting_server
    origin, seen = server.url, []
    owner = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    owner.context.on("request", lambda r: seen.append(r.url))
    owner.goto(f"{origin}/f/{meeting.token}")
    owner.click("summary:has-text('Créer un lien')")
    owner.fill("#link-name", "Atelier 2 – Camille")
    owner.check(f"#link-form input[value='{meeting.workshops[1]}']")
    owner.click("#link-form button[type=submit]")
    owner.wait_for_selector("#new-workshop-link:not(.hidden)")
    url = owner.text_content("#new-workshop-link").split("/f#", 1)[1].strip()
    owner.wait_for_selector("#links li[data-link]:has-text('Atelier 2 – Camille')")  # the list reloads after
    assert url not in owner.text_content("#links")

    camille = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    camille.context.on("request", lambda r: seen.append(r.url))
    camille.goto(f"{origin}/f#{url}")  # the token after "#": no request line, no log holds it
    camille.wait_for_url(f"**/console/w/{meeting.workshops[1]}")
    assert camille.url.endswith(f"/{meeting.code}/console/w/{meeting.workshops[1]}")
    camille.wait_for_selector("#status[data-state=online]")
    assert camille.text_content("h1") == "Outils numériques"
    camille.click("#vote-reveal")  # a facilitator command, allowed on its own board
    camille.wait_for_selector("#vote-reveal", state="hidden")
    assert camille.goto(f"{origin}/{meeting.code}/console").status == 403  # not the owner's console
    camille.goto(f"{origin}/{meeting.code}/console/w/{meeting.workshops[1]}")
    camille.wait_for_selector("#status[data-state=online]")

    owner.once("dialog", lambda dialog: dialog.accept())
    owner.click("#links button:has-text('Révoquer')")
    camille.wait_for_selector("#status[data-state=offline]:has-text('révoqué')", timeout=10000)
    assert not [u for u in seen if not u.startswith(origin)]
    assert url not in server.log.read_text()
