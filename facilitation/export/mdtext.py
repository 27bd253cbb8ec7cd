"""User text written into a Markdown file (a board's note, the bilan): the one place that does it.

Markdown out must be as safe as HTML out: whatever someone typed, a viewer that renders the
file must see no raw HTML, no script link, no remote image, and the file's own structure
(its headings, lists and front matter) must stay exactly as Relais wrote it.

- `inline(text)`: a one-line field (a title, a name, a question, an action): line breaks
  folded, raw HTML escaped, and every character that could open a structure or a link
  escaped, so it reads as the words typed.
- `block(text)`: a note's own Markdown, kept (emphasis, lists, links to http, https and
  mailto) but with raw HTML escaped, headings, rules, setext underlines and code fences
  neutralised, other links and every image turned into plain text.
"""

from __future__ import annotations

import re

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Escaped wherever they stand in a one-line field: each could start markup or a link.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
# What may open a block at the start of a line (after its indentation).
_LINE_START = re.compile(r"^(\s*)([-+=>])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")
_HEADING = re.compile(r"^(\s*)(#)")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_RULE = re.compile(r"^(\s*)([-*_=])(\s*\2){2,}\s*$")
_SETEXT = re.compile(r"^(\s*)([=-])\2*\s*$")
# A note's own list markers at the start of a line, nested or not.
_CONTAINERS = re.compile(r"(?:[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))+")
_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(([^()\s]*)(\s+\"[^\"]*\")?\)")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(text: str) -> str:
    """A one-line field, safe anywhere on a line of Markdown (a heading, a list item, prose)."""
    text = _CONTROLS.sub("", _BREAKS.sub(" ", text)).strip()
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _html(text)
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _safe_link(match: re.Match[str]) -> bool:
    bang, url = match.group(1), match.group(3)
    return not bang and url.lower().startswith(_SAFE_SCHEMES)


def _opening(line: str) -> str:
    """A line's start with what could open a block of its own (a fence, a rule, a setext
    underline, a heading) escaped; the rest as it was."""
    if _FENCE.match(line):
        return _FENCE.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)
    if _RULE.match(line) or _SETEXT.match(line):
        return re.sub(r"^(\s*)(\S)", lambda m: m.group(1) + "\\" + m.group(2), line, count=1)
    return _HEADING.sub(lambda m: m.group(1) + "\\#", line, count=1)


def _line(line: str) -> str:
    line = line.replace("\\", "\\\\")
    line = _html(line)
    line = _opening(line)
    # A note's own list items are kept, but what follows their markers is a line start too
    # ("- # x" is a heading in a list item, "1. ```" a fence). (Quotes are escaped with HTML.)
    containers = _CONTAINERS.match(line)
    if containers and containers.end():
        line = line[:containers.end()] + _opening(line[containers.end():])
    # Links to the web or to an address are kept as they are; then every other bracket is
    # escaped, so that an image, a link elsewhere or a reference link is only its words.
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        if not _safe_link(match):
            return match.group(0)
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    line = _LINK.sub(hold, line)
    line = re.sub(r"([\[\]])", r"\\\1", line)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], line)


def block(text: str) -> str:
    """A note's Markdown, its own lists and emphasis kept, nothing that reaches outside it."""
    text = _CONTROLS.sub("", _BREAKS.sub("\n", text))
    return "\n".join(_line(line) for line in text.split("\n"))
