"""A board as a human-readable Markdown note."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .mdtext import block, inline

# The words of a file that are not data: strings, and counts as functions of the number.
Labels = dict[str, str | Callable[[int], str]]


@dataclass(frozen=True)
class NoteLine:
    """What the Markdown note needs of one sticky note."""

    text: str
    pseudonym: str
    organisation: str


@dataclass(frozen=True)
class GroupNotes:
    """A named group of notes, in board order."""

    title: str
    notes: Sequence[NoteLine]


@dataclass(frozen=True)
class ColumnNotes:
    """A column title, its groups and its loose notes, in board order; while writing is
    private, only how many notes it holds."""

    title: str
    notes: Sequence[NoteLine]
    groups: Sequence[GroupNotes] = ()
    hidden: int | None = None


@dataclass(frozen=True)
class Ranked:
    """One line of a vote's results."""

    text: str
    dots: int


@dataclass(frozen=True)
class ActionLine:
    """One action decided in the workshop."""

    what: str
    organisation: str
    due: dt.date | None
    due_label: str = ""  # the date in words, in the document's language


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
    rankings: Sequence[Sequence[Ranked]] = ()
    actions: Sequence[ActionLine] = ()
    day_label: str = ""  # the day in words, in the document's language


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
    text = block(note.text.strip())
    first, *rest = text.split("\n")
    # Four spaces: python-markdown needs them for a note's own lists; CommonMark accepts them.
    body = "- " + first + "".join("\n    " + line if line.strip() else "\n" for line in rest)
    who = ", ".join(part for part in (note.pseudonym, note.organisation) if part)
    if not who:
        return body
    signature = f"— *{inline(who)}*"
    # On a one-line note the signature follows the text; after several lines it gets a
    # paragraph of its own, or it would be swallowed by the note's last line or sub-list.
    return body + (f"\n\n    {signature}" if rest else f" {signature}")


def _one_line(text: str, limit: int = 160) -> str:
    """The first line of a text, shortened, as a one-line field."""
    lines = text.strip().split("\n")
    first = lines[0]
    if len(first) > limit or len(lines) > 1:
        first = first[:limit].rstrip() + " …"
    return inline(first)


def _column(column: ColumnNotes, labels: Labels, level: int = 2) -> list[str]:
    """A column as a section (level 2 in a board's note, 3 in the bilan), its groups one below."""
    head, sub = "#" * level, "#" * (level + 1)
    parts = [f"{head} {inline(column.title)}", ""]
    if column.hidden is not None:
        return parts + [f"*{labels['hidden'](column.hidden)}*", ""]
    for group in column.groups:
        parts += [f"{sub} {inline(group.title)}", ""]
        parts += [_list_item(n) for n in group.notes] or [f"*{labels['empty']}*"]
        parts.append("")
    if column.notes:
        if column.groups:
            parts += [f"{sub} {labels['ungrouped']}", ""]
        parts += [_list_item(n) for n in column.notes]
    elif not column.groups:
        parts.append(f"*{labels['empty']}*")
    parts.append("")
    return parts


def rankings_section(rankings: Sequence[Sequence[Ranked]], labels: Labels, level: int = 2) -> list[str]:
    """The results of the revealed votes, one numbered list each (a note by its first line)."""
    parts: list[str] = []
    for i, ranking in enumerate(rankings):
        title = labels["ranking"] + (f" ({i + 1})" if len(rankings) > 1 else "")
        parts += [f"{'#' * level} {title}", ""]
        for place, line in enumerate(ranking, 1):
            parts.append(f"{place}. {_one_line(line.text)} — **{labels['dots'](line.dots)}**")
        if not ranking:
            parts.append(f"*{labels['no_votes']}*")
        parts.append("")
    return parts


def action_item(action: ActionLine, labels: Labels, workshop: str = "") -> str:
    """An action as a task-list item: what, who, by when (and from which workshop)."""
    details = [inline(action.organisation)] if action.organisation else []
    if action.due:
        details.append(f"{labels['due']} {inline(action.due_label or action.due.isoformat())}")
    if workshop:
        details.append(inline(workshop))
    tail = f" — {', '.join(details)}" if details else ""
    return f"- [ ] {_one_line(action.what, 500)}{tail}"


def actions_section(actions: Sequence[ActionLine], labels: Labels, level: int = 2) -> list[str]:
    """The actions decided, as a task list (nothing when there are none)."""
    if not actions:
        return []
    return [f"{'#' * level} {labels['actions']}", "", *[action_item(a, labels) for a in actions], ""]


def board_markdown(board: BoardNote, labels: Labels) -> str:
    """Return the Markdown note of a board.

    labels holds the words of the file that are not data (translated by the caller):
    "question", "empty", "ungrouped", "ranking", "no_votes", "actions", "due", and two counts
    as functions of the number (ngettext): "hidden" (notes written privately) and "dots".
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
        f"# {inline(board.workshop)}",
        "",
    ]
    if board.question:
        parts += [f"> **{labels['question']}** {inline(board.question)}", ""]
    when = " · ".join(inline(x) for x in (board.day_label or day, board.time_slot, board.room) if x)
    if when:
        parts += [when, ""]
    for column in board.columns:
        parts += _column(column, labels)
    parts += rankings_section(board.rankings, labels)
    parts += actions_section(board.actions, labels)
    return "\n".join(parts).rstrip() + "\n"
