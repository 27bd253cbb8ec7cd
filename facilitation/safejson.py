"""JSON that a client cannot use to crash the decoder: nesting is bounded before decoding.

Python's json module recurses once per level, so "[" * 20000 raises RecursionError (a 500,
or an error inside the Socket.IO server). Nothing Relais accepts nests deeper than a few
levels; deeper is refused as a ValueError, which both Flask (a 400) and Socket.IO (a
dropped packet) treat as bad input.
"""

from __future__ import annotations

import json
import re
import secrets
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


# A placeholder no text can produce: a NUL is always escaped by the encoder, and this mark is
# unknown outside the process.
_MARK = secrets.token_hex(8)
_SURROGATE = re.compile("[\ud800-\udfff]")


class Raw:
    """JSON text encoded once (a board's snapshot, shared by every screen that joins at the same
    seq), spliced as it is into what is sent instead of being encoded again for each."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def dumps(obj: Any, **kwargs: Any) -> str:
    """json.dumps for what is sent to the sockets: UTF-8 left as it is (French text is half the
    bytes of its \\u escapes), and Raw parts spliced in."""
    raws: list[str] = []

    def splice(value: Any) -> str:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"\x00{_MARK}:{len(raws) - 1}\x00"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    kwargs.setdefault("ensure_ascii", False)
    text = json.dumps(obj, default=splice, **kwargs)
    if not kwargs["ensure_ascii"] and not text.isascii() and _SURROGATE.search(text):
        raws.clear()  # a lone surrogate cannot be UTF-8: escape it as JSON allows
        text = json.dumps(obj, default=splice, **{**kwargs, "ensure_ascii": True})
    for i, raw in enumerate(raws):
        text = text.replace(f'"\\u0000{_MARK}:{i}\\u0000"', raw, 1)
    return text


class Provider(DefaultJSONProvider):
    """Flask's JSON, with bounded nesting on the way in."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        check_depth(s)
        return super().loads(s, **kwargs)
