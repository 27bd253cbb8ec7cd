"""The server's clock, in one place, so that tests can set it instead of waiting.

Every rule that depends on time (a timer that locks the board, "now / next" in the
programme, the retention purge) asks `now()`. Tests move it with `travel()` or pin it
with `frozen()`; the running server never touches either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_fixed: dt.datetime | None = None
_offset = dt.timedelta()


def now() -> dt.datetime:
    """The current time in UTC (aware)."""
    if _fixed is not None:
        return _fixed
    return dt.datetime.now(dt.UTC) + _offset


def now_ms() -> int:
    """The current time in ms since 1970: what every screen's timer follows."""
    return int(now().timestamp() * 1000)


def travel(seconds: float) -> None:
    """Move the clock forward (tests only)."""
    global _offset, _fixed
    if _fixed is not None:
        _fixed += dt.timedelta(seconds=seconds)
    else:
        _offset += dt.timedelta(seconds=seconds)


def reset() -> None:
    """Back to the real clock (tests only)."""
    global _offset, _fixed
    _offset, _fixed = dt.timedelta(), None


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Pin the clock at one instant for the duration of a block (tests only)."""
    global _fixed
    before = _fixed
    _fixed = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    try:
        yield
    finally:
        _fixed = before
