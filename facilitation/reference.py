"""The payload tables of docs/protocol.md, written from the declarations (payloads.py and the
API's route declarations), so the document cannot drift from the code.

    .venv/bin/python -m facilitation.reference        # rewrite the generated parts of docs/protocol.md

The tests fail when the document differs from what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from . import payloads as pl

DOC = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end of generated -->)", re.S)


def _describe(prop: dict[str, Any]) -> str:
    """A field's type and limits, in a few words."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    option = options[0] if options else prop
    if "enum" in option:
        return " \\| ".join(f"`{v}`" for v in option["enum"])
    if "const" in option:
        return f"`{option['const']}`"
    kind = option.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if option.get("format") == "date":
        return 'date "YYYY-MM-DD" ("" or null: none)'
    if kind == "string":
        if "pattern" in option:
            return f"string `{option['pattern']}`"
        low = option.get("minLength", 0)
        return f"text, {low}–{option['maxLength']} characters" if "maxLength" in option else "text"
    if kind == "integer":
        low, high = option.get("minimum"), option.get("maximum")
        if (low, high) == (1, pl.ID_MAX):
            return "id"
        if (low, high) == (0, pl.ID_MAX):
            return "integer ≥ 0"
        return f"integer {low}–{high}"
    if kind == "boolean":
        return "true \\| false"
    if kind == "array":
        return f"[{_describe(option['items'])}], at most {option['maxItems']}" if "maxItems" in option else "list"
    return str(kind)


def fields(model: type[pl.Payload], skip: tuple[str, ...] = ()) -> str:
    """The fields of a declaration: `name` (type), `name?` when optional, with their defaults."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    parts = []
    for name, prop in schema.get("properties", {}).items():
        if name in skip:
            continue
        mark = "" if name in required else "?"
        extra = f", default `{str(prop['default']).lower()}`" if prop.get("default") not in (None, "") else ""
        note = f"; {prop['description']}" if "description" in prop else ""
        parts.append(f"`{name}{mark}` ({_describe(prop)}{extra}{note})")
    return ", ".join(parts) or "—"


def socket_table() -> str:
    """One row per client event."""
    rows = ["| event | payload | who | answer | errors |", "|---|---|---|---|---|"]
    for event, model in pl.SOCKET.items():
        scope = "board" if issubclass(model, pl.Command) else "event" if issubclass(model, pl.EventCommand) else None
        payload = fields(model, skip=("op", scope) if scope else ())
        if scope:
            payload = f"`op`, `{scope}`, " + payload if payload != "—" else f"`op`, `{scope}`"
        who = model.who or "participant (and the facilitator)"
        errors = ", ".join(f"`{code}`" for code in model.errors) or "—"
        summary = (model.__doc__ or "").strip().split("\n")[0]
        rows.append(f"| `{event}` | {summary} {payload} | {who} | {model.answer} | {errors} |")
    return "\n".join(rows) + "\n"


def api_table() -> str:
    """One row per API route."""
    from .web.api import ROUTES

    rows = ["| route | who | body | answer | statuses |", "|---|---|---|---|---|"]
    for r in ROUTES:
        body = fields(r.body) if r.body is not None and r.body is not pl.Empty else "—"
        if r.body is pl.Empty:
            body = "`{}` (a JSON object)"
        summary = r.summary.split("\n")[0]
        statuses = ", ".join(str(s) for s in (r.status, *r.errors))
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", "/api" + r.rule)
        rows.append(f"| `{r.method} {path}` | {r.who} | {body} | {r.status} `{r.answer}`: {summary} | {statuses} |")
    return "\n".join(rows) + "\n"


def forms_table() -> str:
    """The HTML forms that post to pages."""
    rows = ["| form | fields |", "|---|---|"]
    forms = (("`POST /events` (home page)", pl.EventForm), ("`POST /<code>/profile`", pl.ProfileForm),
             ("`GET /join` (home page)", pl.JoinForm), ("`POST /<code>/cards/<org_id>` (card page)", pl.CardPatch))
    for name, model in forms:
        rows.append(f"| {name} | {fields(model)} |")
    return "\n".join(rows) + "\n"


BLOCKS = {"socket-commands": socket_table, "api-routes": api_table, "forms": forms_table}


def render(text: str) -> str:
    """The document with every generated block written afresh."""
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + BLOCKS[match.group("name")]() + match.group(4)

    return _BLOCK.sub(replace, text)


def main() -> int:
    """Rewrite docs/protocol.md's generated blocks; say whether it changed."""
    before = DOC.read_text()
    after = render(before)
    if after != before:
        DOC.write_text(after)
        print(f"{DOC} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
