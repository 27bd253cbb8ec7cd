"""Vote tallies to a board's screens, at most one per TALLY_INTERVAL per board.

When 200 phones cast their 3 dots at once, sending the totals after each dot sent every
phone 600 frames. Dots are cast without a seq (services/votes.py); after each, the board is
marked here, and the totals go out at most once per interval: the first at once, the
following ones at the end of the interval, read from the database at that moment, so the
last tally sent always holds every dot committed before it (nothing is lost by coalescing).
The caster's own ack and `vote:mine` are not delayed. Each worker coalesces the dots cast
through it; with several workers, a screen may hear one tally per worker per interval.

A tally carries the board's seq (a screen behind it catches up) and, in the vote, `at`: when
its totals were read, so that a screen keeps the latest tally or vote whatever the order they
arrive in.
"""

from __future__ import annotations

import threading
import time

from flask import Flask

from . import protocol as p
from .extensions import socketio
from .models import Board, Vote
from .security import log_failure
from .services.access import credentials, room_key
from .services.presenters import vote_form


class Tallies:
    """The boards whose totals moved, waiting for their next tally."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.interval = app.config["TALLY_INTERVAL"]
        self.lock = threading.Lock()
        self.waiting: dict[int, int] = {}  # board -> vote
        self.scheduled: set[int] = set()
        self.last_sent: dict[int, float] = {}
        self.sent = 0  # tallies sent by this worker (benchmarks)

    def mark(self, board_id: int, vote_id: int) -> None:
        """A dot was cast (committed) on this board: its totals go out within the interval."""
        with self.lock:
            self.waiting[board_id] = vote_id
            if board_id in self.scheduled:
                return  # the tally on its way will read these totals too
            self.scheduled.add(board_id)
            wait = max(0.0, self.last_sent.get(board_id, 0.0) + self.interval - time.monotonic())
        socketio.start_background_task(self._send_later, board_id, wait)

    def _send_later(self, board_id: int, wait: float) -> None:
        socketio.sleep(wait)
        with self.lock:
            vote_id = self.waiting.pop(board_id)
            self.scheduled.discard(board_id)
            self.last_sent[board_id] = time.monotonic()
        try:
            with self.app.app_context():
                from .db import get_session

                db = get_session()
                board, vote = db.get(Board, board_id), db.get(Vote, vote_id)
                if board is None or vote is None:
                    return  # deleted meanwhile
                tally = {"board": board_id, "seq": board.seq, "vote": vote_form(db, vote)}
                consoles = credentials(board)  # read now: a link revoked meanwhile hears nothing
        except Exception as exc:  # noqa: BLE001 - the database away: the screens' next join has the totals
            log_failure("could not read a vote's totals", exc)
            return
        socketio.emit(p.BOARD_TALLY, tally, to=p.board_room(board_id))
        for credential in consoles:
            socketio.emit(p.BOARD_TALLY, tally, to=p.facilitators_room(board_id, room_key(credential)))
        self.sent += 1
        with self.lock:
            if len(self.last_sent) > 1024:  # boards not voted on for a while
                now = time.monotonic()
                for old in [b for b, at in self.last_sent.items() if now - at > 60 and b not in self.scheduled]:
                    del self.last_sent[old]


def mark(app: Flask, board_id: int, vote_id: int) -> None:
    """Send this board's vote totals within TALLY_INTERVAL."""
    app.extensions["relais.tallies"].mark(board_id, vote_id)


def init_app(app: Flask) -> None:
    """Keep this worker's tallies."""
    app.extensions["relais.tallies"] = Tallies(app)
