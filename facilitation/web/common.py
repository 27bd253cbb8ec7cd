"""Helpers shared by the pages and the JSON API."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from .. import protocol as p
from .. import throttle
from ..db import get_session
from ..i18n import current_language
from ..identity import ensure_participant, grant_facilitator, is_facilitator, participant_id
from ..models import Event
from ..netaddr import network_url
from ..services import DomainError, retention
from ..services import events as event_service

HTTP_STATUS = {
    p.OUTSIDE_EVENT: 400,
    p.BUSY: 503,
    p.CROSS_SITE: 403,
    p.NOT_FOUND: 404,
    p.FORBIDDEN: 403,
    p.NOT_FACILITATOR: 403,
    p.CONFLICT: 409,
    p.DUPLICATE: 409,
    p.COLUMN_NOT_EMPTY: 409,
    p.LAST_COLUMN: 409,
}


def error_body(exc: DomainError) -> tuple[dict[str, Any], int]:
    """A DomainError as the JSON error body and its HTTP status."""
    body = p.error(exc.code, gettext(p.MESSAGES[exc.code]), **exc.details)
    return body, HTTP_STATUS.get(exc.code, 400)


def load_event(code: str) -> Event:
    """The event with this join code, or DomainError(not_found).

    Misses count against the client (throttle.py): past the limit, every lookup it makes is
    refused with too_fast for a while, except one of an event it already belongs to.
    """
    blocked = throttle.over("guess-code", throttle.client_key())
    try:
        event = event_service.find_event(get_session(), code)
    except DomainError:
        throttle.missed("guess-code")
        if blocked:
            throttle.check_guesses("guess-code")
        raise
    if blocked and participant_id(event.id) is None:
        throttle.check_guesses("guess-code")
    return event


def event_or_404(code: str) -> Event:
    """The event of a page's address, or the 404 page."""
    try:
        return load_event(code)
    except DomainError:
        abort(404)


def facilitator_event(code: str) -> Event:
    """The event of a page for its facilitators only, or the 403 page."""
    event = event_or_404(code)
    if not is_facilitator(event):
        abort(403)
    return event


def no_store(response: Response) -> Response:
    """A page that holds what no cache should keep (a secret link, the bilan)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def create_event_here(fields: dict[str, Any]) -> tuple[Event, str, str]:
    """Create an event from checked fields and make this browser its facilitator (and a participant).

    Returns the event, its facilitator URL (to show once) and its join URL.
    Raises DomainError, with nothing stored, when a rule refuses it.
    """
    db = get_session()
    fields = dict(fields)
    if not fields.get("language"):
        fields["language"] = current_language()  # a Dutch-speaking host gets Dutch files and bilan
    days = fields.pop("retention_days", None)
    event, token = event_service.create_event(db, **fields)
    retention.set_days(event, days, current_app.config["RETENTION_DAYS"])
    grant_facilitator(event)
    ensure_participant(db, event)
    db.commit()
    base = public_base_url()
    return event, secret_link(token), f"{base}/{event.code}"


def secret_link(token: str) -> str:
    """A secret link to give someone: the token after '#', which browsers never send, so no
    server or proxy on the way can log it (the page /f hands it over by a POST)."""
    return f"{public_base_url()}/f#{token}"


def public_base_url() -> str:
    """Base URL that phones can open: PUBLIC_URL, else the LAN address when the page
    was opened on localhost, else the address the page was opened with."""
    cfg = current_app.config
    if cfg["PUBLIC_URL"]:
        return cfg["PUBLIC_URL"]
    host = request.host.rsplit(":", 1)[0].strip("[]")
    if host in ("localhost", "127.0.0.1", "::1"):
        port = request.host.rsplit(":", 1)[1] if ":" in request.host else cfg["PORT"]
        return network_url(cfg["HOST"], int(port))
    return request.host_url.rstrip("/")


class IdConverter(IntegerConverter):
    """<id:name> in a route: a database id, 1 to 2**31 - 1 (larger is a 404, not a database error)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def id_arg(name: str) -> int | None:
    """A query-string id, or None when absent or out of range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value < 2**31 else None
