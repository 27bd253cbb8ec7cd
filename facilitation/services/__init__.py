"""Workshop rules. No Flask here: every function takes a SQLAlchemy session,
flushes, and raises DomainError; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..protocol import NOT_FOUND


class DomainError(Exception):
    """A rule refused a command; code is one of protocol's error codes."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Actor:
    """Who is asking: a participant of one event, maybe its facilitator."""

    event_id: int
    participant_id: str
    facilitator: bool = False


def owned(row: Any, event_id: int) -> Any:
    """Return row if it exists and belongs to the event; else raise not_found."""
    if row is None or row.event_id != event_id:
        raise DomainError(NOT_FOUND)
    return row
