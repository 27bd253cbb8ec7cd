"""Every user-facing string is marked for translation and has its French and Dutch text."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {lang: ROOT / "facilitation" / "translations" / lang / "LC_MESSAGES" / "messages.po"
              for lang in ("fr", "nl")}
PO = CATALOGUES["fr"]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def _extracted() -> set[str]:
    found: set[str] = set()
    for folder, method in (("facilitation", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_marked_string_has_a_translation(lang):
    with CATALOGUES[lang].open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}

    def done(text) -> bool:
        return bool(text) if isinstance(text, str) or text is None else all(text)

    missing = sorted(s for s in _extracted() if not done(translated.get(s)))
    assert missing == [], f"run `make messages` and translate into {lang}: {missing}"


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_no_catalogue_entry_is_fuzzy_or_left_over(lang):
    with CATALOGUES[lang].open("rb") as fh:
        catalog = read_po(fh)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert list(catalog.obsolete) == []


def test_french_is_typeset_in_the_catalogue():
    """Typographic apostrophes; a non-breaking space before : ; ? ! » and after «, so that
    « doxxing » and "Question :" never split across lines."""
    import re

    with PO.open("rb") as fh:
        catalog = read_po(fh)
    bad = []
    for m in catalog:
        if not m.id:
            continue
        for text in [m.string] if isinstance(m.string, str) else m.string:
            if "'" in text or re.search(r"[ \t][:;?!»]|« ", text) or re.search(r"[^\s\u00a0\u202f/][;?!»]", text):
                bad.append(text)
    assert bad == []


@pytest.mark.parametrize("accept,expected", [
    (None, "fr"), ("fr-FR,fr;q=0.9", "fr"), ("nl-BE,nl;q=0.9,en;q=0.5", "nl"), ("de-DE,de;q=0.9", "en"),
    ("en-GB", "en"), ("es", "en"),
])
def test_a_browser_gets_french_dutch_or_english(app, accept, expected):
    client = app.test_client()
    html = client.get("/", headers={"Accept-Language": accept} if accept else {}).get_data(as_text=True)
    assert f'<html lang="{expected}">' in html
    for lang in ("fr", "nl", "en"):  # the switch, on every page
        assert f'lang="{lang}"' in html and f"/lang/{lang}" in html


def test_a_french_phone_page_names_its_colours_in_french(app):
    """The colour chips' tooltips and screen-reader text, and the console's labels: French."""
    import re

    from .factories import make_world

    world = make_world(app)
    client = app.test_client()
    html = client.get(f"/{world.code}/w/{world.workshops[0]}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True)
    shown = " ".join(re.findall(r'title="([^"]*)"', html) + re.findall(r'visually-hidden">([^<]*)<', html))
    assert all(word in shown for word in ("Jaune", "Rose", "Bleu", "Vert", "Violet"))
    assert not re.search(r"\b(yellow|pink|blue|green|purple)\b", shown, re.I)
    # The console builds its forms in the browser: no label there is a bare field name.
    for script in (ROOT / "static" / "js").glob("console*.js"):
        assert not re.search(r'(label|"aria-label"): "[a-z_↑+]+"', script.read_text()), script.name


def test_a_dutch_phone_page_names_its_colours_in_dutch(app):
    import re

    from .factories import make_world

    world = make_world(app)
    html = app.test_client().get(f"/{world.code}/w/{world.workshops[0]}",
                                 headers={"Accept-Language": "nl-BE"}).get_data(as_text=True)
    shown = " ".join(re.findall(r'title="([^"]*)"', html) + re.findall(r'visually-hidden">([^<]*)<', html))
    assert all(word in shown for word in ("Geel", "Roze", "Blauw", "Groen", "Paars"))
    assert "Notitie plaatsen" in html and "Post note" not in html


def test_a_dutch_speaking_host_gets_dutch_columns_and_dutch_files(app):
    """A host whose browser asks for Dutch: the event's files are in Dutch, and a new
    workshop's columns are named in Dutch."""
    client = app.test_client()
    dutch = {"Accept-Language": "nl-BE,nl;q=0.9"}
    created = client.post("/api/events", json={"title": "Ontmoeting"}, headers=dutch).json
    code = created["event"]["code"]
    assert created["event"]["language"] == "nl"
    workshop = client.post(f"/api/events/{code}/workshops", json={"title": "Online geweld"}, headers=dutch).json
    assert [c["title"] for c in workshop["workshop"]["columns"]] == [
        "Wat we zien", "Moeilijkheden", "Ideeën en voorstellen", "Vragen"]
    # A French host's event stays French.
    french = client.post("/api/events", json={"title": "Rencontre"}, headers={"Accept-Language": "fr"}).json
    assert french["event"]["language"] == "fr"
