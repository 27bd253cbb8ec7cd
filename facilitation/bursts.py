"""Commands that arrive together on one board are run together: one transaction for a burst.

When 200 phones cast their dots at the same moment, each dot was its own transaction: the
board, its event and its vote read again, the totals counted again, one commit each, one
after the other (SQLite has one writer, and its calls hold the loop). Here the dots of one
board wait while a burst of them is being counted, then go together as the next burst.

There is no timer and no extra task: the command that finds no burst running on its board
leads one. It first lets the commands already read from the sockets join it (one yield),
takes everything queued, runs it in its own request's transaction, and answers each; if
more arrived meanwhile, the first of them leads the next burst. A dot alone on a quiet board
waits for nothing. A waiting command is released by the burst that ran it, whatever
happens to that burst: `run` answers every ticket (`realtime.count_dots` never raises); were
it to raise, the leader's request fails with it and the others come back unanswered (their
handler says `internal`), and the next burst still starts.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .identity import Held


@dataclass(eq=False)
class Ticket:
    """One command waiting for its burst: what it asks, and who asks (their cookie and socket,
    read in their own request, since the burst runs in another's)."""

    name: str
    data: Any
    cookie: Held
    sid: str
    answer: dict[str, Any] | None = None
    error: Exception | None = None  # raised in the sender's own request (its language, its guard)
    lead: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class Bursts:
    """Per board: the commands waiting, and whether a burst is running (this worker's)."""

    def __init__(self, run: Callable[[int, list[Ticket]], None], yield_: Callable[[], None]) -> None:
        self.run, self.yield_ = run, yield_
        self.lock = threading.Lock()
        self.waiting: dict[int, list[Ticket]] = {}
        self.leading: set[int] = set()
        self.sizes: collections.deque[int] = collections.deque(maxlen=1000)  # the last bursts' sizes (tests)

    def submit(self, board_id: int, ticket: Ticket) -> Ticket:
        """Queue this command; run a burst if none is running on its board, else wait for
        the one that runs it. The ticket comes back answered (answer or error)."""
        with self.lock:
            self.waiting.setdefault(board_id, []).append(ticket)
            ticket.lead = board_id not in self.leading
            self.leading.add(board_id)
        if not ticket.lead:
            ticket.done.wait()
            if not ticket.lead:  # answered by the burst that ran it
                return ticket
        self.yield_()  # the commands already read from the sockets join this burst
        with self.lock:
            burst = self.waiting.pop(board_id)
        try:
            self.run(board_id, burst)
        finally:
            for other in burst:
                if other is not ticket:
                    other.done.set()
            with self.lock:
                queued = self.waiting.get(board_id)
                if queued:  # arrived while this burst ran: the first of them leads the next
                    queued[0].lead = True
                    queued[0].done.set()
                else:
                    self.leading.discard(board_id)
                self.sizes.append(len(burst))
        return ticket
