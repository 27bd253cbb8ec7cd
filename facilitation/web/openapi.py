"""The OpenAPI 3.1 document of /api, made from the route declarations and the payload
declarations (nothing here is written by hand but the words around them)."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

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
                "field": {"type": "string", "description": "The field at fault, when one is."},
            },
        },
    },
}
_BRACES = str.maketrans("", "", "{}")
_OK = {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}, "additionalProperties": True}


def _parameters(path: str) -> list[dict[str, Any]]:
    names = [part.strip("{}") for part in path.split("/") if part.startswith("{")]
    return [
        {"name": n, "in": "path", "required": True,
         "schema": {"type": "string"} if n == "code" else {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
        for n in names
    ]


def openapi_document(routes: list[Any]) -> dict[str, Any]:
    """Return the OpenAPI document of these routes."""
    bodies = sorted({r.body for r in routes if r.body is not None}, key=lambda m: m.__name__)
    _, schemas = models_json_schema([(m, "validation") for m in bodies], ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for r in routes:
        operation: dict[str, Any] = {
            "summary": r.summary.split("\n")[0],
            "description": f"Who: {r.who}.",
            "operationId": r.method.lower() + "_" + r.path.strip("/").replace("/", "_").translate(_BRACES),
            "responses": {str(r.status): {"description": "ok", "content": {"application/json": {"schema": _OK}}}},
        }
        for status in r.errors:
            operation["responses"][str(status)] = {
                "description": "refused; nothing changed",
                "content": {"application/json": {"schema": _ERROR}},
            }
        if r.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{r.body.__name__}"}}},
            }
        item = paths.setdefault(r.path, {"parameters": _parameters(r.path)})
        item[r.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Relais API",
            "version": "1",
            "description": "Facilitator routes need the session cookie set by the secret facilitator link. "
            "Live board changes go over Socket.IO: see docs/protocol.md.",
        },
        "paths": paths,
        "components": {"schemas": schemas.get("$defs", {})},
    }
