"""Note rendering (one function, sanitised) and the Markdown note of a board."""

from __future__ import annotations

import datetime as dt

import pytest

from facilitation.export.files import replace_board_file, write_atomic
from facilitation.export.markdown import BoardNote, ColumnNotes, NoteLine, board_markdown, slugify
from facilitation.export.render import render_note


@pytest.mark.parametrize("source,expected", [
    ("**gras** et *italique*", "<p><strong>gras</strong> et <em>italique</em></p>"),
    ("ligne 1\nligne 2", "<p>ligne 1<br>\nligne 2</p>"),
    ("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
    ("<b>brut</b>", "<p>&lt;b&gt;brut&lt;/b&gt;</p>"),
    ("a < b & c", "<p>a &lt; b &amp; c</p>"),
    # A bare address is a link, checked by the same allowlist (issue 13).
    ("https://www.utsopi.be", '<p><a href="https://www.utsopi.be" rel="noopener noreferrer nofollow">'
                              "https://www.utsopi.be</a></p>"),
    ("www.espace-p.be", '<p><a href="http://www.espace-p.be" rel="noopener noreferrer nofollow">'
                        "www.espace-p.be</a></p>"),
    # A list typed right under a line, as on a phone, is a list.
    ("Ce qui aide :\n- la pair-aidance\n- les permanences",
     "<p>Ce qui aide :</p>\n<ul>\n<li>la pair-aidance</li>\n<li>les permanences</li>\n</ul>"),
    ("Deux pistes :\n1. écouter\n2. relayer", "<p>Deux pistes :</p>\n<ol>\n<li>écouter</li>\n<li>relayer</li>\n</ol>"),
    ("un tiret - au milieu", "<p>un tiret - au milieu</p>"),
])
def test_render_note(source, expected):
    assert render_note(source) == expected


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![image](http://example.org/x.png)",
    "[clic](javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='javascript:alert(1)'>x</a>",
    '<iframe src="http://example.org"></iframe>',
    "javascript:alert(1) et www.javascript:alert(1)",
    "<https://example.org/\" onmouseover=\"alert(1)>",
    "<style>body{display:none}</style>",
])
def test_render_note_never_lets_markup_or_bad_links_through(source):
    from html.parser import HTMLParser

    seen: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            seen.append((tag, attrs))

    Collect().feed(render_note(source))
    for tag, attrs in seen:
        assert tag in {"p", "a", "strong", "em", "br"}, tag
        for name, value in attrs:
            assert name in {"href", "rel", "title"}, name
            if name == "href":
                assert value.split(":", 1)[0] in {"http", "https", "mailto"}, value


def test_links_keep_only_safe_schemes_and_get_rel():
    html = render_note("[site](https://example.org) [mail](mailto:a@b.c) [ftp](ftp://x)")
    assert 'href="https://example.org"' in html and 'href="mailto:a@b.c"' in html
    assert "ftp://" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


def _board(**kw) -> BoardNote:
    base = dict(
        event="Rencontre inter-associative", place="Lyon", workshop="Violences en ligne",
        question="Que faire ?", day=dt.date(2026, 12, 4), time_slot="14h", room="Salle 2",
        columns=[
            ColumnNotes("Constats", [NoteLine("Premier\nsur deux lignes", "Louve", "Cabiria"),
                                     NoteLine("<script>x</script>", "", "")]),
            ColumnNotes("Idées", []),
        ],
        written_at=dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC),
    )
    base.update(kw)
    return BoardNote(**base)


def test_board_markdown_has_front_matter_sections_and_items():
    text = board_markdown(_board(), {"question": "Question :", "empty": "(aucune note)"})
    assert text.startswith('---\nevent: "Rencontre inter-associative"\nplace: "Lyon"\n')
    assert 'date: "2026-12-04"' in text and 'workshop: "Violences en ligne"' in text
    assert "# Violences en ligne" in text and "> **Question :** Que faire ?" in text
    assert "## Constats\n\n- Premier\n    sur deux lignes\n\n    — *Louve, Cabiria*" in text
    assert "- &lt;script&gt;x&lt;/script&gt;" in text
    assert "## Idées\n\n*(aucune note)*" in text


def test_a_one_line_note_is_signed_on_its_line_and_renders_as_one_item():
    board = _board(columns=[ColumnNotes("C", [NoteLine("Court", "Louve", ""),
                                              NoteLine("Liste :\n- un\n- deux", "Ours", "Espace P")])])
    text = board_markdown(board, {"question": "Q", "empty": "-"})
    assert "- Court — *Louve*\n- Liste :\n    - un\n    - deux\n\n    — *Ours, Espace P*" in text
    import markdown

    html = markdown.markdown(text.split("---", 2)[2])
    assert html.count("<li>") == 4 and "<em>Ours, Espace P</em></p>\n</li>" in html


def test_front_matter_survives_quotes_and_colons():
    import json

    text = board_markdown(_board(event='Le "Relais": acte 2'), {"question": "Q", "empty": "-"})
    line = next(x for x in text.splitlines() if x.startswith("event: "))
    assert json.loads(line[len("event: "):]) == 'Le "Relais": acte 2'


def test_slugify():
    assert slugify("Ateliers : Violences & Numérique !") == "ateliers-violences-numerique"
    assert slugify("???") == "sans-titre"


def test_write_atomic_replaces_whole_files_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b.md"
    write_atomic(target, "un")
    write_atomic(target, "deux")
    assert target.read_text() == "deux"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]


def test_a_renamed_workshop_leaves_one_file(tmp_path):
    replace_board_file(tmp_path, "ancien-titre-7", 7, "x")
    replace_board_file(tmp_path, "autre-17", 17, "y")
    replace_board_file(tmp_path, "nouveau-titre-7", 7, "z")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre-17.md", "nouveau-titre-7.md"]
