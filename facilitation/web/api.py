"""The JSON API: what the console does, and what a script can do.

Every answer is {"ok": true, ...} or {"ok": false, "error": {"code", "message"}}
with a 4xx status. Changes need a JSON body (Content-Type: application/json),
which a cross-site form cannot send.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext

from .. import protocol as p
from ..db import get_session
from ..extensions import socketio
from ..identity import grant_facilitator, is_facilitator
from ..models import Event, Workshop
from ..realtime import publish
from ..services import DomainError
from ..services import boards as board_service
from ..services import events as event_service
from ..services.boards import Change
from .common import EVENT_FIELDS, create_event_here, error_body, load_event, public_base_url
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


def default_columns() -> list[str]:
    """The columns a new board starts with, in the current language."""
    return [
        gettext("What we see"),
        gettext("What is hard"),
        gettext("Ideas and proposals"),
        gettext("Questions"),
    ]


def json_route(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a DomainError into the error body and its status, after rolling back."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        db = get_session()
        try:
            result = func(*args, **kwargs)
        except DomainError as exc:
            db.rollback()
            body, status = error_body(exc)
            return jsonify(body), status
        return result

    return wrapper


def body() -> dict[str, Any]:
    """The JSON object sent with the request, or bad_request."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(p.BAD_REQUEST, field="body")
    return data


def picked(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a body that a route passes on; any other field is ignored."""
    return {k: data[k] for k in names if k in data}


_ORGANISATION_FIELDS = ("name", "city", "country")


def facilitated(code: str) -> Event:
    """The event, if this browser is its facilitator; else not_facilitator."""
    event = load_event(code)
    if not is_facilitator(event):
        raise DomainError(p.NOT_FACILITATOR)
    return event


def event_dict(event: Event, *, full: bool = True) -> dict[str, Any]:
    """The wire form of an event, with its organisations and workshops."""
    data: dict[str, Any] = {
        "code": event.code,
        "title": event.title,
        "place": event.place,
        "starts_on": event.starts_on.isoformat() if event.starts_on else None,
        "ends_on": event.ends_on.isoformat() if event.ends_on else None,
        "description": event.description,
    }
    if full:
        data["organisations"] = [organisation_dict(o) for o in event.organisations]
        data["workshops"] = [workshop_full(w) for w in event.workshops]
    return data


def organisation_dict(org: Any) -> dict[str, Any]:
    """The wire form of an organisation."""
    return {"id": org.id, "name": org.name, "city": org.city, "country": org.country}


def workshop_full(workshop: Workshop) -> dict[str, Any]:
    """A workshop with its board's columns."""
    return {
        **board_service.workshop_dict(workshop),
        "columns": board_service.columns_list(workshop.board),
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    """This API as an OpenAPI 3.1 document."""
    return jsonify(openapi_document())


@bp.post("/events")
@json_route
def create_event() -> Any:
    """Create an event; the answer holds the facilitator link, shown once."""
    event, facilitator_url, join_url = create_event_here(body())
    response = jsonify(p.ok(event=event_dict(event), facilitator_url=facilitator_url, join_url=join_url))
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.get("/events/<code>")
@json_route
def get_event(code: str) -> Any:
    """An event with its organisations and workshops (anyone with the code)."""
    return jsonify(p.ok(event=event_dict(load_event(code))))


@bp.patch("/events/<code>")
@json_route
def update_event(code: str) -> Any:
    """Change the event's title, place, dates or description."""
    db = get_session()
    event = facilitated(code)
    event_service.update_event(db, event, **picked(body(), EVENT_FIELDS))
    db.commit()
    return jsonify(p.ok(event=event_dict(event, full=False)))


@bp.post("/events/<code>/facilitator-link")
@json_route
def new_facilitator_link(code: str) -> Any:
    """Replace the facilitator link; every other facilitator session ends."""
    db = get_session()
    event = facilitated(code)
    token = event_service.rotate_token(db, event)
    db.commit()
    grant_facilitator(event)
    response = jsonify(p.ok(facilitator_url=f"{public_base_url()}/f/{token}"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/<code>/organisations")
@json_route
def add_organisation(code: str) -> Any:
    """Add an organisation to the event."""
    db = get_session()
    event = facilitated(code)
    data = body()
    org = event_service.add_organisation(db, event, **picked(data, _ORGANISATION_FIELDS))
    db.commit()
    return jsonify(p.ok(organisation=organisation_dict(org))), 201


@bp.patch("/events/<code>/organisations/<id:org_id>")
@json_route
def update_organisation(code: str, org_id: int) -> Any:
    """Rename or relocate an organisation."""
    db = get_session()
    event = facilitated(code)
    org = event_service.get_organisation(db, event, org_id)
    event_service.update_organisation(db, org, **picked(body(), _ORGANISATION_FIELDS))
    db.commit()
    return jsonify(p.ok(organisation=organisation_dict(org)))


@bp.delete("/events/<code>/organisations/<id:org_id>")
@json_route
def delete_organisation(code: str, org_id: int) -> Any:
    """Remove an organisation (notes keep their text)."""
    db = get_session()
    event = facilitated(code)
    event_service.delete_organisation(db, event_service.get_organisation(db, event, org_id))
    db.commit()
    return jsonify(p.ok())


_WORKSHOP_FIELDS = ("title", "question", "day", "time_slot", "room", "position")


@bp.post("/events/<code>/workshops")
@json_route
def add_workshop(code: str) -> Any:
    """Add a workshop, with its board and the default columns."""
    db = get_session()
    event = facilitated(code)
    data = body()
    columns = data.get("columns")
    if columns is not None and (
        not isinstance(columns, list) or not columns or len(columns) > 12
        or not all(isinstance(c, str) and c.strip() and len(c) <= 80 for c in columns)
    ):
        raise DomainError(p.BAD_REQUEST, field="columns")
    workshop = board_service.add_workshop(
        db, event, [c.strip() for c in columns] if columns else default_columns(),
        **picked(data, _WORKSHOP_FIELDS),
    )
    db.commit()
    return jsonify(p.ok(workshop=workshop_full(workshop))), 201


@bp.patch("/events/<code>/workshops/<id:workshop_id>")
@json_route
def update_workshop(code: str, workshop_id: int) -> Any:
    """Change a workshop; its board's screens follow (board:workshop)."""
    db = get_session()
    event = facilitated(code)
    workshop = board_service.get_workshop(db, event, workshop_id)
    change = board_service.update_workshop(db, workshop, **picked(body(), _WORKSHOP_FIELDS))
    db.commit()
    publish(change)
    return jsonify(p.ok(workshop=workshop_full(workshop), seq=change.payload["seq"]))


@bp.delete("/events/<code>/workshops/<id:workshop_id>")
@json_route
def delete_workshop(code: str, workshop_id: int) -> Any:
    """Delete a workshop and its notes; its screens are told (board:deleted)."""
    db = get_session()
    event = facilitated(code)
    board_id = board_service.delete_workshop(db, board_service.get_workshop(db, event, workshop_id))
    db.commit()
    socketio.emit(p.BOARD_DELETED, {"board": board_id}, to=[p.board_room(board_id), p.facilitators_room(board_id)])
    return jsonify(p.ok())


def _board_of(code: str, workshop_id: int) -> Any:
    event = facilitated(code)
    return board_service.get_workshop(get_session(), event, workshop_id).board


def _column_change(change: Change, status: int = 200) -> Any:
    get_session().commit()
    publish(change)
    return jsonify(p.ok(columns=change.payload["columns"], seq=change.payload["seq"])), status


@bp.post("/events/<code>/workshops/<id:workshop_id>/columns")
@json_route
def add_column(code: str, workshop_id: int) -> Any:
    """Append a column to a workshop's board."""
    board = _board_of(code, workshop_id)
    return _column_change(board_service.add_column(get_session(), board, body().get("title")), 201)


@bp.patch("/events/<code>/workshops/<id:workshop_id>/columns/<id:column_id>")
@json_route
def update_column(code: str, workshop_id: int, column_id: int) -> Any:
    """Rename a column or move it to another index."""
    board = _board_of(code, workshop_id)
    data = body()
    return _column_change(
        board_service.update_column(
            get_session(), board, column_id, title=data.get("title"), index=data.get("index")
        )
    )


@bp.delete("/events/<code>/workshops/<id:workshop_id>/columns/<id:column_id>")
@json_route
def delete_column(code: str, workshop_id: int, column_id: int) -> Any:
    """Delete an empty column."""
    board = _board_of(code, workshop_id)
    return _column_change(board_service.delete_column(get_session(), board, column_id))
