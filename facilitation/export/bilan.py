"""The bilan of a whole meeting, as one Markdown document (and the data the HTML preview draws).

Its structure is Relais's alone: whatever a note, a card or a summary holds, it goes through
mdtext (inline for one-line fields, block for Markdown texts) and cannot open a heading, a
rule, a fence, front matter, HTML or a link elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from .markdown import (
    ActionLine,
    ColumnNotes,
    Labels,
    NoteLine,
    Ranked,
    _column,
    _list_item,
    action_item,
    actions_section,
    rankings_section,
)
from .mdtext import block, inline


@dataclass(frozen=True)
class CardEntry:
    """An organisation present, from its card."""

    name: str
    city: str = ""
    country: str = ""
    website: str = ""
    description: str = ""
    on_subject: str = ""
    contact: str = ""
    is_host: bool = False
    remarks: Sequence[tuple[str, str]] = ()  # (kind, text): questions and notes posted during the round


@dataclass(frozen=True)
class ProgrammeEntry:
    """A time of the programme."""

    when: str
    kind: str
    title: str = ""
    text: str = ""
    workshops: Sequence[str] = ()


@dataclass(frozen=True)
class WorkshopEntry:
    """A workshop: its question, the facilitator's summary, its board, its votes and actions."""

    title: str
    question: str = ""
    when: str = ""
    room: str = ""
    summary: str = ""
    columns: Sequence[ColumnNotes] = ()
    rankings: Sequence[Sequence[Ranked]] = ()
    actions: Sequence[ActionLine] = ()


@dataclass(frozen=True)
class OwnerActions:
    """Every action one organisation carries (its name; "" for actions nobody carries yet)."""

    organisation: str
    actions: Sequence[tuple[str, ActionLine]]  # (workshop title, action)


@dataclass(frozen=True)
class BilanDocument:
    """Everything the bilan holds."""

    title: str
    place: str = ""
    dates: str = ""
    hosts: Sequence[str] = ()
    organisations: Sequence[CardEntry] = ()
    programme: Sequence[tuple[str, Sequence[ProgrammeEntry]]] = ()  # (day, its times)
    workshops: Sequence[WorkshopEntry] = ()
    owners: Sequence[OwnerActions] = ()
    next_meeting: str = ""
    written_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def _paragraph(text: str) -> list[str]:
    """A Markdown text of someone's (a card, a summary) as paragraphs of the document."""
    return [block(text.strip()), ""] if text.strip() else []


def bilan_markdown(doc: BilanDocument, labels: Labels) -> str:
    """The bilan as Markdown. labels holds the words that are not data, in the event's language."""
    matter = [("title", doc.title), ("place", doc.place), ("dates", doc.dates), ("hosts", ", ".join(doc.hosts)),
              ("written_at", doc.written_at.strftime("%Y-%m-%dT%H:%M:%SZ"))]
    parts = ["---", *[f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in matter], "---", "",
             f"# {inline(doc.title)}", ""]
    facts = [inline(x) for x in (doc.place, doc.dates) if x]
    if facts:
        parts += [" · ".join(facts), ""]
    if doc.hosts:
        parts += [f"{labels['hosted_by']} {', '.join(inline(h) for h in doc.hosts)}", ""]

    parts += [f"## {labels['organisations']}", ""]
    for card in doc.organisations:
        parts += [f"### {inline(card.name)}", ""]
        where = ", ".join(inline(x) for x in (card.city, card.country) if x)
        if where:
            parts += [where, ""]
        if card.website:
            parts += [inline(card.website), ""]
        parts += _paragraph(card.description)
        if card.on_subject.strip():
            parts += [f"**{labels['on_subject']}**", ""] + _paragraph(card.on_subject)
        if card.contact:
            parts += [f"{labels['contact']} {inline(card.contact)}", ""]
        if card.remarks:
            parts += [f"**{labels['remarks']}**", ""]
            parts += [_list_item_of(kind, text, labels) for kind, text in card.remarks] + [""]
    if not doc.organisations:
        parts += [f"*{labels['none']}*", ""]

    if doc.programme:
        parts += [f"## {labels['programme']}", ""]
        for day, items in doc.programme:
            parts += [f"### {inline(day)}", ""]
            for item in items:
                title = inline(item.title) if item.title else labels[f"kind_{item.kind}"]
                line = f"- {inline(item.when)} — {title}"
                if item.workshops:
                    line += f" ({', '.join(inline(w) for w in item.workshops)})"
                parts.append(line)
            parts.append("")

    for workshop in doc.workshops:
        parts += [f"## {labels['workshop']} {inline(workshop.title)}", ""]
        if workshop.question:
            parts += [f"**{labels['question']}** {inline(workshop.question)}", ""]
        facts = [inline(x) for x in (workshop.when, workshop.room) if x]
        if facts:
            parts += [" · ".join(facts), ""]
        if workshop.summary.strip():
            parts += [f"### {labels['summary']}", ""] + _paragraph(workshop.summary)
        for column in workshop.columns:
            parts += _column(column, labels, level=3)
        parts += rankings_section(workshop.rankings, labels, level=3)
        parts += actions_section(workshop.actions, labels, level=3)

    if doc.owners:
        parts += [f"## {labels['actions_by_owner']}", ""]
        for owner in doc.owners:
            parts += [f"### {inline(owner.organisation) if owner.organisation else labels['nobody_yet']}", ""]
            parts += [action_item(action, labels, workshop) for workshop, action in owner.actions] + [""]

    parts += [f"## {labels['next']}", ""]
    parts += _paragraph(doc.next_meeting) or [f"*{labels['none']}*", ""]
    return "\n".join(parts).rstrip() + "\n"


def _list_item_of(kind: str, text: str, labels: Labels) -> str:
    return _list_item(NoteLine(f"{labels['kind_' + kind]} {text}", "", ""))
