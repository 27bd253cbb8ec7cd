"""The JSON API: what the console does, and what a script can do.

Every answer is {"ok": true, ...} or {"ok": false, "error": {"code", "message"}}
with a 4xx status. Each route is declared once with `route(...)`: its method, its path,
the payload declaration of its body and the statuses it may answer; Flask's routing and
the OpenAPI document (/api/openapi.json) are both made from that declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext

from .. import dates, forget, throttle
from .. import payloads as pl
from .. import protocol as p
from ..db import DatabaseBusy, get_session
from ..extensions import socketio
from ..i18n import current_language
from ..identity import ensure_participant, grant_facilitator, is_facilitator, runs_board
from ..mirror import schedule_mirror
from ..models import Event, Workshop
from ..realtime import publish, settle, settle_event
from ..services import DomainError, access, retention
from ..services import columns as column_service
from ..services import events as event_service
from ..services import plenary as plenary_service
from ..services import programme as programme_service
from ..services import round as round_service
from ..services import workshops as workshop_service
from ..services.access import link_form, room_key
from ..services.changes import Change
from ..services.presenters import card_form, columns_form, programme_form, workshop_form
from ..services.programme import days_of
from .common import create_event_here, error_body, load_event, secret_link

bp = Blueprint("api", __name__, url_prefix="/api")


@dataclass(frozen=True)
class Route:
    """One route of the API, as declared."""

    method: str
    rule: str
    body: type[pl.Payload] | None
    status: int
    errors: tuple[int, ...]
    summary: str
    who: str
    answer: str

    @property
    def path(self) -> str:
        """The route as OpenAPI writes it: /api/events/{code}."""
        out = bp.url_prefix + self.rule
        for part in self.rule.split("/"):
            if part.startswith("<"):
                out = out.replace(part, "{" + part.strip("<>").split(":")[-1] + "}")
        return out


ROUTES: list[Route] = []
RUNS = "owner, or the workshop's facilitator"


def route(method: str, rule: str, *, body: type[pl.Payload] | None = None, status: int = 200, answer: str = "{}",
          errors: tuple[int, ...] = (400, 403, 404, 429), who: str = "owner", secret: bool = False,
          limit: str | None = None) -> Callable:
    """Declare a route: the view gets its checked body as `data`; a refusal becomes the error body.
    A `secret` answer (it holds a facilitator link) is never cached; `limit` names a policy of
    throttle.py that the route counts against (per client)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append(Route(method, rule, body, status, errors, (view.__doc__ or "").strip(), who, answer))

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            db = get_session()
            try:
                if body is not None:
                    kwargs["data"] = pl.parse(body, request.get_json(silent=True), whole="body")
                if method == "GET":
                    result = view(*args, **kwargs)
                else:
                    with current_app.extensions["relais.lifecycle"].command():
                        result = view(*args, **kwargs)
            except pl.PayloadError as exc:
                db.rollback()
                return jsonify(p.error(exc.code, gettext(p.MESSAGES[exc.code]), field=exc.field)), 400
            except DomainError as exc:
                db.rollback()
                error, status_code = error_body(exc)
                return jsonify(error), status_code
            except DatabaseBusy:
                db.rollback()
                refused = jsonify(p.error(p.BUSY, gettext(p.MESSAGES[p.BUSY]), retry_after=2))
                refused.headers["Retry-After"] = "2"
                return refused, 503
            except throttle.TooFast as exc:
                db.rollback()
                refused = jsonify(p.error(p.TOO_FAST, gettext(p.MESSAGES[p.TOO_FAST]), retry_after=exc.retry_after))
                refused.headers["Retry-After"] = str(exc.retry_after)
                return refused, 429
            answer, code = result if isinstance(result, tuple) else (result, status)
            response = jsonify(answer)
            response.status_code = code
            if secret:
                response.headers["Cache-Control"] = "no-store"
            return response

        served = throttle.limiter.limit(throttle.POLICIES[limit], scope=limit)(wrapper) if limit else wrapper
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=served, methods=[method])
        return wrapper

    return decorate


def default_columns() -> list[str]:
    """The columns a new board starts with, in the current language."""
    return [
        gettext("What we see"),
        gettext("Challenges"),
        gettext("Ideas and proposals"),
        gettext("Questions"),
    ]


def facilitated(code: str) -> Event:
    """The event, if this browser is its owner; else not_facilitator."""
    event = load_event(code)
    if not is_facilitator(event):
        raise DomainError(p.NOT_FACILITATOR)
    return event


def run_workshop(code: str, workshop_id: int) -> Workshop:
    """The workshop, if this browser runs it (the owner, or one of its workshop's
    facilitators); else not_facilitator (not_found for a workshop of another event)."""
    event = load_event(code)
    workshop = workshop_service.get_workshop(get_session(), event, workshop_id)
    if not runs_board(get_session(), event, workshop.board):
        raise DomainError(p.NOT_FACILITATOR)
    return workshop


def event_form(event: Event, *, full: bool = True, owner: bool = False) -> dict[str, Any]:
    """The wire form of an event, with its organisations, workshops and programme."""
    language = current_language()
    data: dict[str, Any] = {
        "code": event.code,
        "title": event.title,
        "place": event.place,
        "starts_on": event.starts_on.isoformat() if event.starts_on else None,
        "ends_on": event.ends_on.isoformat() if event.ends_on else None,
        "dates_label": dates.event_dates(event.starts_on, event.ends_on, language),
        "days": [{"day": d.isoformat(), "label": dates.day(d, language)} for d in days_of(event)],
        "description": event.description,
        "timezone": event.timezone,
        "language": event.language,
        "next_meeting": event.next_meeting,
        "bilan_pseudonyms": event.bilan_pseudonyms,
    }
    if owner:  # what only the owner's console shows: retention, and who holds which link (never a token)
        server_days = current_app.config["RETENTION_DAYS"]
        erased = retention.erased_on(event, server_days)
        data["retention_days"] = retention.days_of(event, server_days)
        data["retention_max"] = server_days
        data["erased_on"] = erased.isoformat()
        data["erased_label"] = dates.short_day(erased, language)
        data["links"] = [link_form(link) for link in event.links]
    if full:
        data["organisations"] = [card_form(o) for o in event.organisations]
        data["workshops"] = [workshop_full(w) for w in event.workshops]
        data["programme"] = [programme_form(item, language) for item in event.programme]
    return data


def workshop_full(workshop: Workshop) -> dict[str, Any]:
    """A workshop with its board's columns and its summary."""
    return {**workshop_form(workshop), "columns": columns_form(workshop.board), "summary": workshop.summary,
            "day_label": dates.day(workshop.day, current_language()) if workshop.day else ""}


@bp.get("/openapi.json")
def openapi() -> Any:
    """This API as an OpenAPI 3.1 document, made from the route declarations."""
    from .openapi import openapi_document

    return jsonify(openapi_document(ROUTES))


@route("POST", "/events", body=pl.EventIn, status=201, errors=(400, 403, 429), who="anyone", secret=True,
       limit="create-event",
       answer="{event, facilitator_url, join_url}")
def create_event(data: pl.EventIn) -> Any:
    """Create an event; the answer holds the facilitator link, shown once, and makes the caller facilitator."""
    event, facilitator_url, join_url = create_event_here(data.given())
    return p.ok(event=event_form(event, owner=True), facilitator_url=facilitator_url, join_url=join_url)


@route("GET", "/events/<code>", errors=(404, 429), who="anyone with the code",
       answer="{event: {code, title, place, starts_on, ends_on, description, organisations, "
       "workshops: [{id, board, title, question, day, time_slot, room, position, columns}]}}")
def get_event(code: str) -> Any:
    """Read an event with its organisations and workshops."""
    event = load_event(code)
    return p.ok(event=event_form(event, owner=is_facilitator(event)))


@route("PATCH", "/events/<code>", body=pl.EventPatch, answer="{event}")
def update_event(code: str, data: pl.EventPatch) -> Any:
    """Change the event's title, place, dates or description."""
    db = get_session()
    event = facilitated(code)
    fields = data.given()
    if "retention_days" in fields:
        retention.set_days(event, fields.pop("retention_days"), current_app.config["RETENTION_DAYS"])
    event_service.update_event(db, event, **fields)
    settle_event(db, event, [], every_file=True)
    return p.ok(event=event_form(event, full=False, owner=True))


@route("POST", "/events/<code>/facilitator-link", body=pl.Empty, secret=True, answer="{facilitator_url}")
def new_facilitator_link(code: str, data: pl.Empty) -> Any:
    """Replace the facilitator link; the old one and every other facilitator session stop working."""
    db = get_session()
    event = facilitated(code)
    old = room_key(event.facilitator_token_hash)
    token = event_service.rotate_token(db, event)
    db.commit()
    grant_facilitator(event)
    # Consoles opened with the old link hear nothing more from now on (their room is no longer
    # sent to), and are told so; their next command is refused.
    for workshop in event.workshops:
        room = p.facilitators_room(workshop.board.id, old)
        socketio.emit(p.ACCESS_REVOKED, {"board": workshop.board.id}, to=room)
        socketio.close_room(room)
    socketio.close_room(p.event_facilitators_room(event.id, old))
    return p.ok(facilitator_url=secret_link(token))


@route("DELETE", "/events/<code>", body=pl.EventDelete, answer="{}")
def delete_event(code: str, data: pl.EventDelete) -> Any:
    """Delete the event for good: every row, its Markdown files and its bilan; `confirm` must be
    its code (400 `bad_request` otherwise). Every screen of it is told (event:deleted)."""
    db = get_session()
    event = facilitated(code)
    if event_service.normalise_code(data.confirm) != event.code:
        raise DomainError(p.BAD_REQUEST, field="confirm")
    event_id = event.id
    screens = {w.board.id: [p.board_room(w.board.id)] + [p.facilitators_room(w.board.id, room_key(c))
                                                         for c in access.credentials(w.board)]
               for w in event.workshops}
    forget.delete_event(current_app._get_current_object(), db, event)
    for board_id, rooms in screens.items():
        socketio.emit(p.BOARD_DELETED, {"board": board_id}, to=rooms)
    socketio.emit(p.EVENT_DELETED, {"event": event_id}, to=p.event_room(event_id))
    return p.ok()


@route("POST", "/events/<code>/links", body=pl.LinkIn, status=201, secret=True, answer="{link, url}")
def add_link(code: str, data: pl.LinkIn) -> Any:
    """Make a workshop facilitator link, named, for one or more workshops; its address is in
    this answer only. Whoever opens it runs those workshops' boards, and nothing else."""
    db = get_session()
    event = facilitated(code)
    link, token = access.create_link(db, event, name=data.name, workshop_ids=data.workshops)
    db.commit()
    return p.ok(link=link_form(link), url=secret_link(token))


@route("DELETE", "/events/<code>/links/<id:link_id>", answer="{}")
def revoke_link(code: str, link_id: int) -> Any:
    """Revoke a workshop facilitator link: it stops working at once, also on a console already
    open (told `access:revoked`, out of the facilitators' room; its next command is refused)."""
    db = get_session()
    event = facilitated(code)
    rooms = access.revoke_link(db, access.get_link(db, event, link_id))
    db.commit()
    for board_id, room in rooms:
        socketio.emit(p.ACCESS_REVOKED, {"board": board_id}, to=room)
        socketio.close_room(room)
    return p.ok()


@route("POST", "/events/<code>/organisations", body=pl.OrganisationIn, status=201, errors=(400, 403, 404, 409),
       answer="{organisation: {id, name, city, country}}")
def add_organisation(code: str, data: pl.OrganisationIn) -> Any:
    """Add an organisation to the event; 409 `duplicate` for a name already there."""
    db = get_session()
    event = facilitated(code)
    org = event_service.add_organisation(db, event, **data.given())
    settle_event(db, event, [round_service.refreshed(db, event)])
    return p.ok(organisation=card_form(org))


@route("PATCH", "/events/<code>/organisations/<id:org_id>", body=pl.OrganisationPatch, errors=(400, 403, 404, 409),
       answer="{organisation}")
def update_organisation(code: str, org_id: int, data: pl.OrganisationPatch) -> Any:
    """Rename or relocate an organisation."""
    db = get_session()
    event = facilitated(code)
    org = event_service.get_organisation(db, event, org_id)
    renamed = data.given().get("name", org.name) != org.name
    event_service.update_organisation(db, org, **data.given())
    settle_event(db, event, [round_service.refreshed(db, event)], every_file=renamed)
    return p.ok(organisation=card_form(org))


@route("PATCH", "/events/<code>/organisations/<id:org_id>/card", body=pl.CardPatch, who="a member (whose phone "
       "names this organisation)", answer="{organisation}")
def update_card(code: str, org_id: int, data: pl.CardPatch) -> Any:
    """Fill in or edit one's own organisation's card (the facilitator uses the route above)."""
    db = get_session()
    event = load_event(code)
    participant = ensure_participant(db, event)
    org = event_service.get_organisation(db, event, org_id)
    event_service.update_card(db, org, participant, **data.given())
    settle_event(db, event, [round_service.refreshed(db, event)])
    return p.ok(organisation=card_form(org))


@route("POST", "/events/<code>/programme", body=pl.ProgrammeIn, status=201, answer="{item}")
def add_programme_item(code: str, data: pl.ProgrammeIn) -> Any:
    """Add a time to the programme; 400 `outside_event` for a day not among the event's."""
    db = get_session()
    event = facilitated(code)
    item = programme_service.add_item(db, event, **data.given())
    settle_event(db, event, [])
    return p.ok(item=programme_form(item, current_language()))


@route("PATCH", "/events/<code>/programme/<id:item_id>", body=pl.ProgrammePatch, answer="{item}")
def update_programme_item(code: str, item_id: int, data: pl.ProgrammePatch) -> Any:
    """Change a time of the programme (its workshops follow its day)."""
    db = get_session()
    event = facilitated(code)
    item = programme_service.update_item(db, event, programme_service.get_item(db, event, item_id), **data.given())
    settle_event(db, event, [], every_file=True)  # its workshops may have moved to another day
    return p.ok(item=programme_form(item, current_language()))


@route("DELETE", "/events/<code>/programme/<id:item_id>")
def delete_programme_item(code: str, item_id: int) -> Any:
    """Remove a time of the programme (its workshops stay, out of any slot)."""
    db = get_session()
    event = facilitated(code)
    programme_service.delete_item(db, programme_service.get_item(db, event, item_id))
    settle_event(db, event, [])
    return p.ok()


@route("DELETE", "/events/<code>/organisations/<id:org_id>")
def delete_organisation(code: str, org_id: int) -> Any:
    """Remove an organisation (notes keep their text, lose the link)."""
    db = get_session()
    event = facilitated(code)
    event_service.delete_organisation(db, event_service.get_organisation(db, event, org_id))
    settle_event(db, event, [round_service.refreshed(db, event)], every_file=True)  # notes lose its name
    return p.ok()


@route("POST", "/events/<code>/workshops", body=pl.WorkshopIn, status=201,
       answer="{workshop} with its board and columns")
def add_workshop(code: str, data: pl.WorkshopIn) -> Any:
    """Add a workshop with its board and columns (default: four, in the request's language)."""
    db = get_session()
    fields = data.given()
    columns = fields.pop("columns", None) or default_columns()
    event = facilitated(code)
    workshop = workshop_service.add_workshop(db, event, columns, **fields)
    settle_event(db, event, [plenary_service.refreshed(db, event)])
    schedule_mirror(workshop.board.id)
    return p.ok(workshop=workshop_full(workshop))


@route("PATCH", "/events/<code>/workshops/<id:workshop_id>", body=pl.WorkshopPatch, answer="{workshop, seq}",
       who=RUNS + " (its facilitators: `summary` only)")
def update_workshop(code: str, workshop_id: int, data: pl.WorkshopPatch) -> Any:
    """Change a workshop; its board's screens follow (board:workshop). Its own facilitators
    may write its summary; every other field is the owner's."""
    db = get_session()
    workshop = run_workshop(code, workshop_id)
    fields = data.given()
    if set(fields) - {"summary"} and not is_facilitator(workshop.event):
        raise DomainError(p.NOT_FACILITATOR)
    change = workshop_service.update_workshop(db, workshop, **fields)
    settle(db, change)
    return p.ok(workshop=workshop_full(workshop), seq=change.payload["seq"])


@route("DELETE", "/events/<code>/workshops/<id:workshop_id>")
def delete_workshop(code: str, workshop_id: int) -> Any:
    """Delete a workshop and its notes; its screens are told (board:deleted)."""
    db = get_session()
    event = facilitated(code)
    workshop = workshop_service.get_workshop(db, event, workshop_id)
    rooms = [p.board_room(workshop.board.id)] + [p.facilitators_room(workshop.board.id, room_key(c))
                                                for c in access.credentials(workshop.board)]
    board_id = forget.delete_workshop(current_app._get_current_object(), db, workshop)
    if event.plenary_workshop_id == workshop_id:
        event.plenary_workshop_id = None
    settle_event(db, event, [plenary_service.refreshed(db, event)], at_once=True)  # its words leave the bilan now
    socketio.emit(p.BOARD_DELETED, {"board": board_id}, to=rooms)
    return p.ok()


def _board_of(code: str, workshop_id: int) -> Any:
    return run_workshop(code, workshop_id).board


def _column_change(change: Change) -> dict[str, Any]:
    get_session().commit()
    publish(change)
    return p.ok(columns=change.payload["columns"], seq=change.payload["seq"])


@route("POST", "/events/<code>/workshops/<id:workshop_id>/columns", body=pl.ColumnIn, status=201,
       answer="{columns, seq}", who=RUNS)
def add_column(code: str, workshop_id: int, data: pl.ColumnIn) -> Any:
    """Append a column (at most twelve); broadcasts board:columns."""
    return _column_change(column_service.add_column(get_session(), _board_of(code, workshop_id), data.title))


@route("PATCH", "/events/<code>/workshops/<id:workshop_id>/columns/<id:column_id>", body=pl.ColumnPatch,
       answer="{columns, seq}", who=RUNS)
def update_column(code: str, workshop_id: int, column_id: int, data: pl.ColumnPatch) -> Any:
    """Rename a column or move it to another index; broadcasts board:columns."""
    board = _board_of(code, workshop_id)
    return _column_change(column_service.update_column(get_session(), board, column_id, **data.given()))


@route("DELETE", "/events/<code>/workshops/<id:workshop_id>/columns/<id:column_id>", errors=(400, 403, 404, 409),
       answer="{columns, seq}", who=RUNS)
def delete_column(code: str, workshop_id: int, column_id: int) -> Any:
    """Delete an empty column; 409 `column_not_empty` or `last_column`; broadcasts board:columns."""
    return _column_change(column_service.delete_column(get_session(), _board_of(code, workshop_id), column_id))
