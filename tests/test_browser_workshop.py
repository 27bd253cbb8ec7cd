"""A whole workshop in chromium: phones write and vote, the facilitator runs the steps from
the console, the projector shows the ranking after the reveal, and a timer shows the same
second on a phone (whose clock is wrong on purpose) and on the projector."""

from __future__ import annotations

import re

import pytest

from .test_browser import _shot, browser, server  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.browser


def _seconds(text: str) -> int:
    parts = [int(x) for x in text.strip().split(":")]
    return parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]


def test_phones_vote_projector_ranks_and_timers_agree(browser, server):  # noqa: F811
    origin = server.url
    errors: list[str] = []
    seen: list[str] = []

    fac = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    fac.on("request", lambda r: seen.append(r.url))
    created = fac.request.post(origin + "/api/events", data={"title": "Rencontre", "place": "Lyon"}).json()
    code = created["event"]["code"]
    workshop = fac.request.post(f"{origin}/api/events/{code}/workshops",
                                data={"title": "Violences en ligne"}).json()["workshop"]
    console = fac.new_page()
    console.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    console.on("pageerror", lambda e: errors.append(f"console page: {e}"))
    console.goto(f"{origin}/{code}/console/w/{workshop['id']}")
    console.wait_for_selector("#status[data-state=online]")
    # The projector: a second window of the facilitator's laptop (same cookie, its own screen,
    # so that neither is a background tab whose frames the browser slows down).
    projector_window = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR",
                                           storage_state=fac.storage_state())
    projector_window.on("request", lambda r: seen.append(r.url))
    projector = projector_window.new_page()
    projector.on("pageerror", lambda e: errors.append(f"projector: {e}"))
    projector.goto(f"{origin}/{code}/w/{workshop['id']}/screen")
    projector.wait_for_selector("#status[data-state=online]")

    phones = []
    for skew in (0, 90_000):  # the second phone's clock runs 90 s fast
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="fr-FR")
        ctx.on("request", lambda r: seen.append(r.url))
        if skew:
            ctx.add_init_script(f"{{ const real = Date.now; Date.now = () => real() + {skew}; }}")
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(f"phone: {e}"))
        page.goto(f"{origin}/{code}/w/{workshop['id']}")
        page.wait_for_selector("#status[data-state=online]")
        phones.append(page)
    alice, bob = phones

    for page, text in ((alice, "Manque de lieux sûrs"), (alice, "Signalements ignorés"), (bob, "Former les équipes")):
        page.fill("#note-text", text)
        page.click("#post-note")
    projector.locator("#stage .note").nth(2).wait_for()  # (the page's CSP forbids wait_for_function)

    # The vote step: the writing box goes away on phones, the vote opens from the console.
    console.click("#steps button[data-phase=vote]")
    alice.wait_for_selector("#compose", state="hidden")
    console.click("#vote-open")
    alice.wait_for_selector("#vote-panel:not([hidden])")
    assert "3 points" in alice.text_content("#vote-panel")

    def plus(page, text):
        page.click(f"li.note:has-text('{text}') .vote-plus")

    plus(alice, "Manque de lieux sûrs")
    alice.wait_for_selector("li.note:has-text('Manque de lieux sûrs') .vote-plus[disabled]")  # cap of 1
    plus(alice, "Former les équipes")
    alice.wait_for_selector("#vote-panel:has-text('Il vous reste 1 point sur 3')")
    plus(bob, "Manque de lieux sûrs")
    bob.wait_for_selector("#vote-panel:has-text('Il vous reste 2 points sur 3')")
    projector.wait_for_selector("#vote-progress:has-text('3 points de 2 personnes')")
    assert projector.locator("#stage .rank").count() == 0  # hidden until revealed
    _shot(alice, "phone-vote")

    console.click("#vote-close")
    console.wait_for_selector("#vote-reveal:not([hidden])")
    console.click("#vote-reveal")
    projector.wait_for_selector("#stage .rank")  # revealed: the projector shows the ranking at once
    ranks = projector.locator("#stage .rank").all_inner_texts()
    assert re.search(r"1\.\s*Manque de lieux sûrs\s+2 points", ranks[0]), ranks
    assert re.search(r"2\.\s*Former les équipes\s+1 point", ranks[1]), ranks
    _shot(projector, "projector-ranking")

    # The timer: started from the console, the same second everywhere.
    console.fill("#timer-minutes", "5")
    console.click("#timer-start")
    for page in (projector, bob, alice):
        page.wait_for_selector("#timer:not([hidden])")
    for page in (projector, bob, alice):  # each has ticked at least once (one tick is 250 ms:
        page.wait_for_selector("#timer:has-text('4:5')")  # reading one just after another's races)
    shown = [_seconds(page.text_content("#timer")) for page in (bob, projector, alice)]
    assert max(shown) - min(shown) <= 1, shown
    assert 296 <= shown[0] <= 299, shown
    _shot(bob, "phone-timer")

    # Discuss: an action from the console shows on the projector.
    console.click("#steps button[data-phase=discuss]")
    console.fill("#action-what", "Annuaire des lieux sûrs")
    console.click("#action-form button[type=submit]")
    projector.wait_for_selector("#stage .action:has-text('Annuaire des lieux sûrs')")  # shown at once
    alice.wait_for_selector("#actions .action:has-text('Annuaire des lieux sûrs')")
    console.click("#steps button[data-phase=closed]")
    alice.wait_for_selector("#phase-help:has-text('terminé')")
    _shot(console, "console-workshop")

    assert errors == []
    assert all(u.startswith(origin) or u.startswith(("data:", "blob:")) for u in seen), \
        [u for u in seen if not u.startswith(origin)]
