"""Typed text, made safe to store: one place that says what a line or a note may contain.

Applied at the edge (every payload field of text goes through here) so that what is
stored, broadcast and written to Markdown is already clean:
- NUL and lone surrogates are refused (they break databases, JSON and files);
- line ends become "\\n" (a lone "\\r" too, which some viewers read as a new line);
- other control characters are dropped;
- a one-line field (a title, a pseudonym) has its line breaks folded into spaces and its
  bidirectional controls removed, so it cannot reverse the line it is shown on;
- a multi-line field keeps them balanced within each line;
- text made only of invisible characters counts as empty.
"""

from __future__ import annotations

import re
import unicodedata

# Embeddings and overrides close with PDF; isolates with PDI.
_OPENERS_EMBED = "\u202a\u202b\u202d\u202e"
_PDF = "\u202c"
_OPENERS_ISOLATE = "\u2066\u2067\u2068"
_PDI = "\u2069"
BIDI_CONTROLS = _OPENERS_EMBED + _PDF + _OPENERS_ISOLATE + _PDI + "\u200e\u200f\u061c"
# Characters that show nothing: zero-width spaces and joiners, word joiner, BOM, soft hyphen...
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u034f\u061c\u115f\u1160"
                        "\u3164\uffa0\u180e]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls but tab and line feed (line ends are normalised before this runs).
_CONTROLS = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f]")


class TextRefused(ValueError):
    """The text cannot be stored at all (NUL, lone surrogate)."""


def _common(value: str) -> str:
    if "\x00" in value or _SURROGATE.search(value):
        raise TextRefused("unstorable character")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROLS.sub("", value)


def is_blank(value: str) -> bool:
    """True when nothing would show: only spaces and invisible characters."""
    return not _INVISIBLE.sub("", value).strip()


def balance_bidi(line: str) -> str:
    """Drop closers without an opener and close what is left open, so that a line's
    direction controls cannot leak into what follows it."""
    out: list[str] = []
    stack: list[str] = []
    for ch in line:
        if ch in _OPENERS_EMBED or ch in _OPENERS_ISOLATE:
            stack.append(ch)
        elif ch == _PDF:
            if not stack or stack[-1] not in _OPENERS_EMBED:
                continue
            stack.pop()
        elif ch == _PDI:
            if not any(c in _OPENERS_ISOLATE for c in stack):
                continue
            # A PDI also ends the embeddings opened inside its isolate (Unicode's rule).
            while stack.pop() not in _OPENERS_ISOLATE:
                pass
        out.append(ch)
    for opener in reversed(stack):
        out.append(_PDI if opener in _OPENERS_ISOLATE else _PDF)
    return "".join(out)


def clean_line(value: str) -> str:
    """A one-line field: line breaks folded, direction controls removed, trimmed."""
    value = _common(value)
    value = re.sub(r"\s*\n\s*", " ", value)
    value = "".join(ch for ch in value if ch not in BIDI_CONTROLS)
    value = unicodedata.normalize("NFC", value).strip()
    return "" if is_blank(value) else value


def clean_prose(value: str) -> str:
    """A multi-line field (a note, a summary): line ends normalised, direction controls
    balanced on each line, trailing spaces kept inside, trimmed at both ends."""
    value = _common(value)
    value = "\n".join(balance_bidi(line) for line in value.split("\n"))
    value = unicodedata.normalize("NFC", value).strip()
    return "" if is_blank(value) else value
