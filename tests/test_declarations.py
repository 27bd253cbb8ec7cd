"""One declaration per payload: the OpenAPI document and the protocol's tables come from it,
and the JSON API, fuzzed from it, never answers a 500 or an error outside the documented shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation import create_app
from facilitation import payloads as pl
from facilitation import protocol as p
from facilitation.reference import DOC, render
from facilitation.web.api import ROUTES
from facilitation.web.openapi import openapi_document

from .conftest import app_config
from .factories import make_world

ROOT = Path(__file__).resolve().parent.parent


def test_the_served_openapi_is_made_from_the_declarations(app):
    served = app.test_client().get("/api/openapi.json").json
    assert served == json.loads(json.dumps(openapi_document(ROUTES)))
    schemas = served["components"]["schemas"]
    for route in ROUTES:
        operation = served["paths"][route.path][route.method.lower()]
        if route.body is not None:
            assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
                route.body.__name__)
            assert set(schemas[route.body.__name__]["properties"]) == set(route.body.model_fields)
        assert set(operation["responses"]) == {str(route.status), *map(str, route.errors)}
    # Every route Flask serves under /api is declared (and so documented).
    served_rules = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
                    for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
                    and rule.rule != "/api/openapi.json" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served_rules == {(r.path, r.method) for r in ROUTES}


def test_the_protocol_tables_are_written_from_the_declarations():
    text = DOC.read_text()
    assert render(text) == text, "docs/protocol.md is stale: run .venv/bin/python -m facilitation.reference"
    for event, model in pl.SOCKET.items():
        assert f"| `{event}` |" in text
        for name in model.model_fields:
            assert f"`{name}" in text


def test_forms_and_scripts_take_their_limits_from_the_declarations():
    limits = pl.limits()
    assert limits["note"]["text"]["maxLength"] == pl.NOTE_MAX
    assert limits["profile"]["pseudonym"]["maxLength"] == pl.PSEUDONYM_MAX
    # No template or script retypes a limit by hand.
    for path in [*ROOT.glob("templates/*.html"), *ROOT.glob("static/js/*.js")]:
        text = path.read_text()
        assert not re.search(r'maxlength="\d+"|maxlength: "\d+"|max="\d+"', text), path


def _json_values() -> st.SearchStrategy:
    leaves = (st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False)
              | st.text(max_size=40))
    return st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=12)


def _from_schema(prop: dict) -> st.SearchStrategy:
    """Values that a field's declaration allows, near its limits (the subset of JSON Schema we use)."""
    options = prop.get("anyOf", [prop])
    found = []
    for option in options:
        kind = option.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "enum" in option:
            found.append(st.sampled_from(option["enum"]))
        if "null" in kinds:
            found.append(st.none())
        if option.get("format") == "date":
            found.append(st.dates().map(str) | st.just(""))
        elif "string" in kinds:
            high = option.get("maxLength", 50)
            found.append(st.text(min_size=option.get("minLength", 0), max_size=high + 2)
                         | st.text(alphabet="ab\u200b\u202e\r\n", min_size=high - 1, max_size=high + 1))
        if "integer" in kinds:
            found.append(st.integers(option.get("minimum", -(2**40)) - 1, option.get("maximum", 2**40) + 1))
        if "boolean" in kinds:
            found.append(st.booleans())
        if "array" in kinds:
            found.append(st.lists(_from_schema(option.get("items", {})), max_size=option.get("maxItems", 4) + 1))
    return st.one_of(found) if found else _json_values()


def _valid_ish(schema: dict) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    return st.fixed_dictionaries({k: _from_schema(properties[k]) for k in required},
                                 optional={k: _from_schema(v) for k, v in properties.items() if k not in required})


def _bodies(route) -> st.SearchStrategy:
    """Bodies a script might send: valid by the schema, valid fields with junk values, or any JSON."""
    options = [_json_values()]
    if route.body is not None:
        schema = route.body.model_json_schema()
        options.append(_valid_ish(schema))
        names = list(schema.get("properties", {}))
        options.append(st.dictionaries(st.sampled_from(names), _json_values(), max_size=len(names)) if names
                       else st.just({}))
    return st.one_of(options)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app(app_config(tmp, f"sqlite:///{tmp / 'fuzz.sqlite3'}"))
    world = make_world(app)
    client = app.test_client()
    client.get(f"/f/{world.token}")
    yield app, world, client
    app.extensions["relais.engine"].dispose()


def _check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("ok"), bool), response.get_data(as_text=True)[:300]
    if not body["ok"]:
        error = body["error"]
        assert error["code"] in p.MESSAGES and isinstance(error["message"], str) and error["message"]
        assert set(error) <= {"code", "message", "field", "phase", "note", "retry_after"}, error


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_json_api_fuzzed_from_its_declarations_never_fails(fuzzed, route, data):
    app, world, client = fuzzed
    ids = {"code": world.code, "workshop_id": world.workshops[-1], "org_id": world.organisations[-1],
           "column_id": world.columns[world.boards[-1]][-1]}
    path = route.path
    for name, value in ids.items():
        wild = data.draw(st.sampled_from([value, value, 2**31, 2**64, 0]), label=name) if name != "code" else value
        path = path.replace("{" + name + "}", str(wild))
    kind = data.draw(st.sampled_from(["json", "json", "json", "form", "text"]), label="content type")
    body = data.draw(_bodies(route), label="body")
    if kind == "json":
        response = client.open(path, method=route.method, json=body)
    elif kind == "form":
        response = client.open(path, method=route.method, data={"title": str(body)})
    else:
        response = client.open(path, method=route.method, data=json.dumps(body), content_type="text/plain")
    _check(response)
