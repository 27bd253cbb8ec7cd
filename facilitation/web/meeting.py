"""Pages of the meeting around the workshops: the programme on the event page, the
organisations' cards, the tour de table (phone and projector), the plenary screen, and the
bilan (HTML preview to print, Markdown, zip of every file)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for
from flask_babel import force_locale, gettext

from .. import clock, dates
from .. import payloads as pl
from .. import protocol as p
from ..db import get_session
from ..export.render import render_note
from ..i18n import current_language, programme_kind_labels
from ..identity import ensure_participant, is_facilitator
from ..mirror import BILAN_FILE, bilan_labels, bilan_text, board_file_parts, board_text, event_folder
from ..models import Event, Organisation, ProgrammeItem
from ..realtime import settle_event
from ..services import DomainError
from ..services import events as event_service
from ..services import round as round_service
from ..services.presenters import Bilan
from ..services.programme import moments, now_next
from .common import event_or_404, facilitator_event, no_store, public_base_url

bp = Blueprint("meeting", __name__)


# ---- the programme ------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    """A time of the programme as the event page shows it."""

    item: ProgrammeItem
    hours: str
    kind: str
    href: str | None  # where it sends a phone (None: nowhere, a break)
    workshops: list[Any]


def _href(event: Event, item: ProgrammeItem) -> str | None:
    if item.kind == "round":
        return url_for("meeting.round_phone", code=event.code)
    if item.kind == "plenary":
        return url_for("meeting.plenary", code=event.code)
    if item.kind == "workshops" and len(item.workshops) == 1:
        return url_for("pages.phone_board", code=event.code, workshop_id=item.workshops[0].id)
    return None


def programme_view(event: Event) -> dict[str, Any]:
    """The programme by day, and what is on now and next by the server's clock in the event's
    time zone, in the reader's language."""
    language = current_language()
    kinds = programme_kind_labels()

    def slot(item: ProgrammeItem) -> Slot:
        return Slot(item, dates.hours(item.starts_at, item.ends_at, language), kinds[item.kind],
                    _href(event, item), list(item.workshops))

    days: dict[Any, list[Slot]] = {}
    for moment in moments(event):
        days.setdefault(moment.item.day, []).append(slot(moment.item))
    current, following = now_next(event, clock.now())
    return {
        "days": [(dates.day(day, language), slots) for day, slots in days.items()],
        "now": [slot(item) for item in current],
        "next": slot(following) if following else None,
        "next_day": dates.day(following.day, language) if following else "",
        "slotted": {w.id for item in event.programme for w in item.workshops},
    }


# ---- the organisations' cards -------------------------------------------------------------
def _organisation_or_404(event: Event, org_id: int) -> Organisation:
    try:
        return event_service.get_organisation(get_session(), event, org_id)
    except DomainError:
        abort(404)


def website_href(website: str) -> str | None:
    """The address a card's website links to: http(s) only, a bare domain as https; None when
    it is not an address (it is then shown as text)."""
    value = website.strip()
    if value.lower().startswith(("http://", "https://")):
        return value if " " not in value else None
    if value and " " not in value and "." in value and ":" not in value and not value.startswith(("/", ".")):
        return "https://" + value
    return None


def _may_edit(event: Event, org: Organisation, participant: Any) -> bool:
    return is_facilitator(event) or participant.organisation_id == org.id


@bp.get("/<code>/cards")
def cards(code: str) -> str:
    """Every organisation's card: who is here, what they do, what they already do on the subject."""
    event = event_or_404(code)
    db = get_session()
    participant = ensure_participant(db, event)
    db.commit()
    return render_template("cards.html", event=event, cards=round_service.cards(db, event), participant=participant,
                           facilitator=is_facilitator(event), render=render_note, website_href=website_href)


@bp.route("/<code>/cards/<id:org_id>", methods=["GET", "POST"])
def card(code: str, org_id: int) -> Response | str | tuple[str, int]:
    """One card; its organisation's members (their phone names it) and the facilitator edit it here."""
    event = event_or_404(code)
    db = get_session()
    participant = ensure_participant(db, event)
    org = _organisation_or_404(event, org_id)
    editable = _may_edit(event, org, participant)
    error = None
    if request.method == "POST":
        if not editable:
            abort(403)
        try:
            fields = pl.parse(pl.CardPatch, request.form.to_dict(), whole="body").given()
            if is_facilitator(event):
                event_service.update_organisation(db, org, **fields)
            else:
                event_service.update_card(db, org, participant, **fields)
        except (DomainError, pl.PayloadError) as exc:
            db.rollback()
            error = gettext(p.MESSAGES[exc.code])
        else:
            settle_event(db, event, [round_service.refreshed(db, event)])
            response = make_response("", 303)
            response.headers["Location"] = url_for("meeting.card", code=event.code, org_id=org.id, saved=1)
            return response
    db.commit()
    page = render_template("card.html", event=event, org=org, editable=editable, error=error,
                           form=request.form if error else None, saved="saved" in request.args, render=render_note,
                           website_href=website_href)
    return (page, 400) if error else page


# ---- the tour de table --------------------------------------------------------------------
@bp.get("/<code>/round")
def round_phone(code: str) -> str:
    """The tour de table on a phone: the card on the screen, and a question or a note to post to it."""
    return _live_page(code, "round.html")


def _live_page(code: str, template: str) -> str:
    """A page of the event's live parts: its browser gets a participant id (its socket needs
    one), and a projector shows where phones join."""
    event = event_or_404(code)
    db = get_session()
    ensure_participant(db, event)
    db.commit()
    base = public_base_url()
    return render_template(template, event=event, facilitator=is_facilitator(event),
                           join_host=base.split("://", 1)[-1])


@bp.get("/<code>/round/screen")
def round_screen(code: str) -> str:
    """The tour de table on the projector: the current card large, "4 / 13", its timer, the next one."""
    return _live_page(code, "round_screen.html")


# ---- the plenary screen -------------------------------------------------------------------
@bp.get("/<code>/screen")
def plenary(code: str) -> str:
    """The plenary screen: each workshop's question, top-ranked notes or groups and actions, live."""
    return _live_page(code, "plenary.html")


# ---- the bilan ----------------------------------------------------------------------------
@bp.get("/<code>/bilan")
def bilan(code: str) -> Response:
    """The bilan as a page to read and print ("Imprimer / PDF"): A4, each workshop on a new
    page, the vote rankings as bar charts, nothing fetched from anywhere (the facilitator)."""
    event = facilitator_event(code)
    document = Bilan(event).whole(get_session())
    # The whole page in the event's language, like its Markdown: it is the same document.
    with force_locale(event.language):
        page = render_template("bilan.html", event=event, doc=document, labels=bilan_labels(), render=render_note,
                               bars=ranking_bars)
    return no_store(make_response(page))


@dataclass(frozen=True)
class Bar:
    """One bar of a ranking's chart, in the SVG's own units."""

    y: int
    width: float
    label: str
    dots: int


BAR_HEIGHT, BAR_GAP, CHART_WIDTH = 22, 8, 300


def ranking_bars(ranking: Any) -> tuple[list[Bar], int]:
    """A ranking as bars for an inline SVG chart (no script, no external resource): the bars
    and the chart's height."""
    top = max((line.dots for line in ranking), default=0) or 1
    bars = [Bar(i * (BAR_HEIGHT + BAR_GAP), round(CHART_WIDTH * line.dots / top, 1), line.text.strip().split("\n")[0],
                line.dots) for i, line in enumerate(ranking)]
    return bars, max(1, len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP)


def _download(text: bytes, name: str, kind: str) -> Response:
    response = make_response(text)
    response.headers["Content-Type"] = kind
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)


@bp.get("/<code>/bilan.md")
def bilan_markdown_file(code: str) -> Response:
    """The bilan as Markdown, as written to NOTES_DIR/<event>/bilan.md (the facilitator)."""
    event = facilitator_event(code)
    return _download(bilan_text(get_session(), event).encode(), f"{event_folder(event)}-{BILAN_FILE}",
                     "text/markdown; charset=utf-8")


@bp.get("/<code>/bilan.zip")
def bilan_zip(code: str) -> Response:
    """Every Markdown file of the event in one zip, to hand out with the bilan: the bilan and
    each workshop's note, written from the database now as the bilan sees them (no note kept
    out of it, no pseudonym unless asked for) (the facilitator)."""
    event = facilitator_event(code)
    db = get_session()
    folder = event_folder(event)
    audience = Bilan(event)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/{BILAN_FILE}", bilan_text(db, event))
        for workshop in event.workshops:
            _, stem = board_file_parts(workshop.board)
            archive.writestr(f"{folder}/{stem}.md", board_text(db, workshop.board, audience))
    return _download(buffer.getvalue(), f"{folder}.zip", "application/zip")

