"""Markdown out is as safe as HTML out: whatever is typed into any field, a CommonMark parser
reading the board's note sees exactly the headings Relais wrote, no raw HTML, no image and
no link but to http, https or mailto; and the front matter still parses."""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from facilitation.export.markdown import (
    ActionLine,
    BoardNote,
    ColumnNotes,
    GroupNotes,
    NoteLine,
    Ranked,
    board_markdown,
)
from facilitation.export.mdtext import block, inline

LABELS = {"question": "Question :", "empty": "(aucune note)", "hidden": lambda n: f"{n} notes privées",
          "ungrouped": "Autres notes", "ranking": "Résultats du vote", "dots": lambda n: f"{n} points",
          "no_votes": "(aucun vote)", "actions": "Actions", "due": "d’ici le"}
PARSER = MarkdownIt("commonmark")

# Pieces that attack Markdown, mixed with any text at all.
NASTY = ["# ", "## x", "\n", "\r", "\r\n", "---", "===", "***", "```", "~~~", "> ", "- ", "1. ", "| a |", "<script>",
         "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))", "![i](http://evil/x.png)", "[r]: javascript:x",
         "[r]", "<http://x>", "&#106;avascript:", "\\", "](", "[", "\u2028", "\u202e", "\x00", "\t", "    ", "*", "_",
         "---\ntitle: x\n---", "<!--", "[ok](https://ok.example)", "<a href='javascript:x'>", "\n\n# Titre\n",
         "setext\n====", "\\[x](javascript:y)", "javascript:alert(1)", "data:text/html,x", "[x](data:text/html,y)"]
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=8).map("".join)


def _front_matter_and_body(document: str) -> tuple[dict, str]:
    lines = document.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    matter = {}
    for line in lines[1:end]:
        key, _, value = line.partition(": ")
        matter[key] = json.loads(value)
    return matter, "\n".join(lines[end + 1:])


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _squash(value: str) -> str:
    return " ".join(value.split())


def headings_of(tokens) -> list[tuple[str, str]]:
    """The headings of a parsed document: (tag, its words, spaces squashed)."""
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            found.append((token.tag, _squash("".join(
                c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline")))))
    return found


def as_typed(text: str) -> str:
    """A one-line field as its heading shows it: control characters dropped, line breaks as spaces."""
    return _squash(re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", text).replace("\r", " ").replace("\u2028", " ")
                   .replace("\u2029", " ").replace("\x0b", " ").replace("\x0c", " ").replace("\x85", " "))


@settings(max_examples=150, deadline=None)
@given(event=text, workshop=text, question=text, place=text, slot=text, room=text,
       columns=st.lists(text, min_size=1, max_size=3), groups=st.lists(text, max_size=2),
       notes=st.lists(st.tuples(text, text, text), max_size=4), actions=st.lists(st.tuples(text, text), max_size=2))
def test_no_field_can_change_the_structure_of_a_board_note(event, workshop, question, place, slot, room, columns,
                                                          groups, notes, actions):
    lines = [NoteLine(t, who, org) for t, who, org in notes]
    board = BoardNote(
        event=event, place=place, workshop=workshop, question=question, day=dt.date(2027, 3, 10),
        time_slot=slot, room=room,
        columns=[ColumnNotes(title, lines, [GroupNotes(g, lines) for g in groups]) for title in columns],
        written_at=dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC),
        rankings=[[Ranked(t, 2) for t, _, _ in notes]],
        actions=[ActionLine(what, org, None) for what, org in actions],
    )
    document = board_markdown(board, LABELS)
    matter, body = _front_matter_and_body(document)
    assert (matter["event"], matter["workshop"], matter["room"]) == (event, workshop, room)
    tokens = PARSER.parse(body)
    headings = headings_of(tokens)
    expected = [("h1", workshop)]
    for title in columns:
        expected.append(("h2", title))
        expected += [("h3", g) for g in groups]
        if groups and lines:
            expected.append(("h3", LABELS["ungrouped"]))
    expected.append(("h2", LABELS["ranking"]))
    if actions:
        expected.append(("h2", LABELS["actions"]))
    assert [tag for tag, _ in headings] == [tag for tag, _ in expected]
    for (_, seen), (_, typed) in zip(headings, expected, strict=True):
        assert seen == as_typed(typed)

    for token in _walk(tokens):
        assert token.type not in ("html_block", "html_inline", "image"), token
        if token.type == "link_open":
            assert token.attrGet("href").lower().startswith(("http://", "https://", "mailto:")), token


def test_what_each_writer_keeps_and_what_it_turns_to_text():
    assert inline("# Titre\nsuite") == "\\# Titre suite"
    assert inline("1. premier") == "1\\. premier"
    assert inline("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert block("- une\n- deux") == "- une\n- deux"  # a note's own list
    assert block("voir [le site](https://example.org)") == "voir [le site](https://example.org)"
    assert block("[piège](javascript:alert(1))") == "\\[piège\\](javascript:alert(1))"
    assert block("![x](http://pisteur.example/p.png)") == "!\\[x\\](http://pisteur.example/p.png)"
    assert block("texte\n---") == "texte\n\\---"  # not a heading, not a rule
