"""Every user-facing string is marked for translation and has its French text."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "facilitation" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
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


def test_every_marked_string_has_a_french_translation():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id}
    missing = sorted(s for s in _extracted() if not translated.get(s))
    assert missing == [], f"run `make messages` and translate: {missing}"


def test_no_french_catalogue_entry_is_fuzzy():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


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
