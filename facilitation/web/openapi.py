"""The JSON API described as an OpenAPI 3.1 document (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from .. import protocol as p

_ERROR = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {
        "ok": {"const": False},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": sorted(p.MESSAGES)},
                "message": {"type": "string", "description": "Translated for the reader."},
                "field": {"type": "string"},
            },
        },
    },
}

_S = {"type": "string"}
_DATE = {"type": ["string", "null"], "format": "date"}
_ORG_IN = {
    "type": "object",
    "properties": {"name": {**_S, "maxLength": 120}, "city": {**_S, "maxLength": 80},
                   "country": {**_S, "maxLength": 80}},
}
_EVENT_IN = {
    "type": "object",
    "properties": {
        "title": {**_S, "maxLength": 120},
        "place": {**_S, "maxLength": 120},
        "starts_on": _DATE,
        "ends_on": _DATE,
        "description": {**_S, "maxLength": 2000},
    },
}
_WORKSHOP_IN = {
    "type": "object",
    "properties": {
        "title": {**_S, "maxLength": 120},
        "question": {**_S, "maxLength": 500},
        "day": _DATE,
        "time_slot": {**_S, "maxLength": 40},
        "room": {**_S, "maxLength": 80},
        "position": {"type": "integer", "minimum": 0},
        "columns": {"type": "array", "items": {**_S, "maxLength": 80}, "maxItems": 12,
                    "description": "Only when creating; default: four French columns."},
    },
}
_COLUMN_IN = {"type": "object", "properties": {"title": {**_S, "maxLength": 80},
                                               "index": {"type": "integer", "minimum": 0}}}
_OK = {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}},
       "additionalProperties": True}


def _op(summary: str, *, body: dict | None = None, ok_status: str = "200",
        errors: tuple[str, ...] = ("400", "403", "404")) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {ok_status: {"description": "ok", "content": {"application/json": {"schema": _OK}}}},
    }
    for status in errors:
        op["responses"][status] = {
            "description": "refused; nothing changed",
            "content": {"application/json": {"schema": _ERROR}},
        }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _params(*names: str) -> list[dict[str, Any]]:
    kinds = {"code": _S, "workshop_id": {"type": "integer"}, "org_id": {"type": "integer"},
             "column_id": {"type": "integer"}}
    return [{"name": n, "in": "path", "required": True, "schema": kinds[n]} for n in names]


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document of /api."""
    ev = "/api/events/{code}"
    ws = ev + "/workshops/{workshop_id}"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Relais API",
            "version": "1",
            "description": "Facilitator routes need the session cookie set by the secret "
            "facilitator link. Live board changes go over Socket.IO: see docs/protocol.md.",
        },
        "paths": {
            "/api/events": {"post": _op("Create an event (answer holds the facilitator link, once)",
                                        body=_EVENT_IN, ok_status="201", errors=("400",))},
            ev: {
                "parameters": _params("code"),
                "get": _op("Read an event with organisations and workshops", errors=("404",)),
                "patch": _op("Change an event (facilitator)", body=_EVENT_IN),
            },
            ev + "/facilitator-link": {
                "parameters": _params("code"),
                "post": _op("Replace the facilitator link (facilitator)"),
            },
            ev + "/organisations": {
                "parameters": _params("code"),
                "post": _op("Add an organisation (facilitator)", body=_ORG_IN, ok_status="201",
                            errors=("400", "403", "404", "409")),
            },
            ev + "/organisations/{org_id}": {
                "parameters": _params("code", "org_id"),
                "patch": _op("Change an organisation (facilitator)", body=_ORG_IN,
                             errors=("400", "403", "404", "409")),
                "delete": _op("Remove an organisation (facilitator)"),
            },
            ev + "/workshops": {
                "parameters": _params("code"),
                "post": _op("Add a workshop with its board (facilitator)", body=_WORKSHOP_IN,
                            ok_status="201"),
            },
            ws: {
                "parameters": _params("code", "workshop_id"),
                "patch": _op("Change a workshop (facilitator); broadcasts board:workshop",
                             body=_WORKSHOP_IN),
                "delete": _op("Delete a workshop and its notes (facilitator); broadcasts board:deleted"),
            },
            ws + "/columns": {
                "parameters": _params("code", "workshop_id"),
                "post": _op("Append a column (facilitator); broadcasts board:columns",
                            body=_COLUMN_IN, ok_status="201"),
            },
            ws + "/columns/{column_id}": {
                "parameters": _params("code", "workshop_id", "column_id"),
                "patch": _op("Rename or move a column (facilitator); broadcasts board:columns",
                             body=_COLUMN_IN),
                "delete": _op("Delete an empty column (facilitator); broadcasts board:columns",
                              errors=("400", "403", "404", "409")),
            },
        },
    }
