"""Handing a meeting over: the owner downloads its package (.zip); another server (or this
one) imports it, as a template or as a full copy, into a new event with its own code and
owner link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request
from flask_babel import force_locale, gettext

from .. import clock, package, throttle
from .. import protocol as p
from ..db import get_session
from ..identity import ensure_participant, grant_facilitator
from ..mirror import bilan_labels, event_folder, markdown_labels
from ..models import Event
from .common import facilitator_event, no_store, public_base_url, secret_link

bp = Blueprint("handover", __name__)


def package_of(event: Event, *, full: bool) -> bytes:
    """The event's package, its Markdown files in the event's language."""
    with force_locale(event.language):
        labels = (markdown_labels(), bilan_labels())
        return package.export_package(get_session(), event, full=full, now=clock.now(), labels=labels)


@bp.get("/<code>/package.zip")
def export(code: str) -> Response:
    """The event's package (the owner): everything (?contents=full, the default), or its
    structure only (?contents=structure: no note, vote, action or summary)."""
    event = facilitator_event(code)
    full = request.args.get("contents", "full") != "structure"
    response = make_response(package_of(event, full=full))
    response.headers["Content-Type"] = "application/zip"
    suffix = "" if full else "-structure"
    response.headers["Content-Disposition"] = f'attachment; filename="relais-{event_folder(event)}{suffix}.zip"'
    return no_store(response)


def _refused(message: str) -> tuple[str, int]:
    return render_template("home.html", form={}, error=None, import_error=message, mine=[]), 400


@bp.post("/import")
@throttle.limiter.limit(throttle.POLICIES["create-event"], scope="create-event")
def import_event() -> Any:
    """Import a package from the home page: a new event (a template, or a full copy), whose
    owner link is shown once, like a created event's. Anything wrong refuses the whole
    package with one message, and creates nothing."""
    sent = request.files.get("package")
    copy = request.form.get("mode") == "copy"
    starts = request.form.get("starts_on") or ""
    try:
        starts_on = dt.date.fromisoformat(starts) if starts else None
    except ValueError:
        return _refused(gettext(p.MESSAGES[p.BAD_REQUEST]))
    if sent is None:
        return _refused(gettext(p.MESSAGES[p.BAD_PACKAGE]))
    db = get_session()
    try:
        manifest = package.read_manifest(sent.read(package.PACKAGE_MAX_BYTES + 1))
        event, token = package.import_package(db, manifest, copy=copy, starts_on=starts_on)
    except package.PackageError:
        db.rollback()
        return _refused(gettext(p.MESSAGES[p.BAD_PACKAGE]))
    grant_facilitator(event)
    ensure_participant(db, event)
    db.commit()
    base = public_base_url()
    page = render_template("created.html", event=event, facilitator_url=secret_link(token),
                           join_url=f"{base}/{event.code}", imported=True)
    return no_store(make_response(page))
