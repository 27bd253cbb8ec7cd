"""JSON that a client cannot use to crash the decoder: nesting is bounded before decoding.

Python's json module recurses once per level, so "[" * 20000 raises RecursionError (a 500,
or an error inside the Socket.IO server). Nothing Relais accepts nests deeper than a few
levels; deeper is refused as a ValueError, which both Flask (a 400) and Socket.IO (a
dropped packet) treat as bad input.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32


def check_depth(text: str | bytes) -> None:
    """Raise ValueError when brackets nest deeper than MAX_DEPTH (strings are skipped)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # cannot be that deep: the common case costs two counts
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError("JSON nested too deep")
        elif ch in "]}":
            depth -= 1


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads, refusing what nests too deep."""
    check_depth(text)
    return json.loads(text, **kwargs)


dumps = json.dumps


class Provider(DefaultJSONProvider):
    """Flask's JSON, with bounded nesting on the way in."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        check_depth(s)
        return super().loads(s, **kwargs)
