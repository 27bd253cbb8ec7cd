"""A board as a human-readable Markdown note."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .render import neutralise_html


@dataclass(frozen=True)
class NoteLine:
    """What the Markdown note needs of one sticky note."""

    text: str
    pseudonym: str
    organisation: str


@dataclass(frozen=True)
class ColumnNotes:
    """A column title and its notes, in board order."""

    title: str
    notes: Sequence[NoteLine]


@dataclass(frozen=True)
class BoardNote:
    """Everything that goes into one board's Markdown file."""

    event: str
    place: str
    workshop: str
    question: str
    day: dt.date | None
    time_slot: str
    room: str
    columns: Sequence[ColumnNotes]
    written_at: dt.datetime


def slugify(text: str, fallback: str = "sans-titre") -> str:
    """Make a file-name-safe, lower-case ASCII slug (accents folded)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or fallback


def _front_matter(items: Iterable[tuple[str, str]]) -> str:
    # JSON strings are valid YAML scalars, so any title survives the round trip.
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in items]
    return "\n".join(lines + ["---"])


def _list_item(note: NoteLine) -> str:
    text = neutralise_html(note.text.strip())
    first, *rest = text.split("\n")
    # Four spaces: python-markdown needs them for a note's own lists; CommonMark accepts them.
    body = "- " + first + "".join("\n    " + line if line.strip() else "\n" for line in rest)
    who = ", ".join(part for part in (note.pseudonym, note.organisation) if part)
    if not who:
        return body
    signature = f"— *{neutralise_html(who)}*"
    # On a one-line note the signature follows the text; after several lines it gets a
    # paragraph of its own, or it would be swallowed by the note's last line or sub-list.
    return body + (f"\n\n    {signature}" if rest else f" {signature}")


def board_markdown(board: BoardNote, labels: dict[str, str]) -> str:
    """Return the Markdown note of a board.

    labels holds the few words of the file that are not data (translated by the
    caller): "question", "when", "room", "empty".
    """
    day = board.day.isoformat() if board.day else ""
    parts = [
        _front_matter(
            [
                ("event", board.event),
                ("place", board.place),
                ("workshop", board.workshop),
                ("question", board.question),
                ("date", day),
                ("time_slot", board.time_slot),
                ("room", board.room),
                ("written_at", board.written_at.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ]
        ),
        "",
        f"# {board.workshop}",
        "",
    ]
    if board.question:
        parts += [f"> **{labels['question']}** {neutralise_html(board.question)}", ""]
    when = " · ".join(x for x in (day, board.time_slot, board.room) if x)
    if when:
        parts += [when, ""]
    for column in board.columns:
        parts += [f"## {column.title}", ""]
        if column.notes:
            parts += [_list_item(n) for n in column.notes]
        else:
            parts.append(f"*{labels['empty']}*")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
