"""Keeps NOTES_DIR/<event>/<workshop>.md in step with each board, a moment after each change,
whatever the disk does.

Changes to one board within MIRROR_DELAY seconds are written once. The database is the source
of truth; the files are rewritten from it, so several workers writing the same file is
harmless (each write is atomic: a temporary file, then a rename; it needs room for both).

A write that fails (a full disk, a read-only or forbidden folder) is retried with backoff,
without any new change, until it succeeds; the cause is logged once when the files fall
behind and once when they are whole again, the facilitators' consoles are told both times
(`files:state`), and /readyz reports it. A clean stop writes every pending board at once.
"""

from __future__ import annotations

import errno
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from . import protocol as p
from .export.files import replace_board_file
from .export.markdown import board_markdown, slugify
from .extensions import socketio
from .models import Board, Event
from .security import log_failure
from .services.access import credentials, room_key
from .services.presenters import MARKDOWN

log = logging.getLogger("relais.mirror")

# Seconds before each new try of a failed write; then the last, again and again.
RETRY_DELAYS = (0.5, 1, 2, 4, 5)
CAUSES = {errno.ENOSPC: "no_space", errno.EDQUOT: "no_space", errno.EROFS: "read_only",
          errno.EACCES: "permission", errno.EPERM: "permission"}
# What the log says of each cause (never a note's text).
SAID = {"no_space": "no space left on the disk", "read_only": "the folder is read-only",
        "permission": "permission denied", "other": "the file could not be written"}


def cause_of(exc: OSError) -> str:
    """A failed write's cause, in a word the console can translate."""
    return CAUSES.get(exc.errno or 0, "other")


@dataclass
class Failing:
    """A board whose file could not be written: why, and how many tries so far."""

    cause: str
    tries: int = 0


class Mirror:
    """The boards of this process whose file waits to be written, and those failing."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pending: set[int] = set()
        self.failing: dict[int, Failing] = {}
        self.running = 0  # scheduled or retrying writes, not yet finished
        self.lock = threading.Lock()

    def schedule(self, board_id: int) -> None:
        """Write this board's file shortly (once per burst of changes)."""
        with self.lock:
            if board_id in self.pending or board_id in self.failing:
                return  # a write (or a retry) is on its way and will read the latest state
            self.pending.add(board_id)
            self.running += 1
        socketio.start_background_task(self._write_later, board_id)

    def _write_later(self, board_id: int) -> None:
        try:
            socketio.sleep(self.app.config["MIRROR_DELAY"])
            while True:
                with self.lock:
                    self.pending.discard(board_id)  # changes from now on schedule another write
                if self.write(board_id):
                    return
                tries = self.failing[board_id].tries
                socketio.sleep(RETRY_DELAYS[min(tries, len(RETRY_DELAYS)) - 1])
        finally:
            with self.lock:
                self.running -= 1

    def write(self, board_id: int) -> bool:
        """Rewrite one board's file now; False when it failed (it will be tried again)."""
        try:
            write_board(self.app, board_id)
        except OSError as exc:
            cause = cause_of(exc)
            with self.lock:
                failing = self.failing.setdefault(board_id, Failing(cause))
                failing.cause = cause
                failing.tries += 1
                first = failing.tries == 1
            if first:
                log.warning("Markdown note of board %s behind: %s (NOTES_DIR); retrying", board_id, SAID[cause])
                self._tell(board_id, cause)
            return False
        except Exception as exc:  # a bug, not the disk: say so, and do not retry forever
            log_failure(f"could not write the Markdown note of board {board_id}", exc, log)
            return True
        with self.lock:
            healed = self.failing.pop(board_id, None)
        if healed is not None:
            log.warning("Markdown note of board %s written again after %s tries", board_id, healed.tries + 1)
            self._tell(board_id, None)
        return True

    def _tell(self, board_id: int, cause: str | None) -> None:
        """Tell the board's consoles whether its file is behind (and why) or whole again."""
        with self.app.app_context():
            from .db import get_session

            board = get_session().get(Board, board_id)
            if board is None:
                return
            rooms = [p.facilitators_room(board_id, room_key(c)) for c in credentials(board)]
        socketio.emit(p.FILES_STATE, {"board": board_id, "ok": cause is None, "cause": cause}, to=rooms)

    def behind(self) -> dict[int, str]:
        """Boards whose file could not be written yet, with the cause."""
        with self.lock:
            return {board_id: f.cause for board_id, f in self.failing.items()}

    def flush(self) -> dict[int, str]:
        """Write every pending or failing board now (a clean stop); return those still failing."""
        with self.lock:
            ids = sorted(self.pending | set(self.failing))
            self.pending.clear()
        for board_id in ids:
            self.write(board_id)
        return self.behind()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no write is scheduled or running (tests)."""
        waited = 0.0
        while self.running and waited < timeout:
            socketio.sleep(0.02)
            waited += 0.02
        return not self.running


def markdown_labels() -> dict[str, str]:
    """The words of a Markdown note that are not data, in the current language."""
    return {
        "question": gettext("Question:"),
        "empty": gettext("(no notes)"),
        "hidden": gettext("{n} notes written privately, not revealed yet"),
        "ungrouped": gettext("Other notes"),
        "ranking": gettext("Vote results"),
        "dot": gettext("dot"),
        "dots": gettext("dots"),
        "no_votes": gettext("(no votes)"),
        "actions": gettext("Actions"),
        "due": gettext("by"),
    }


def board_file_parts(board: Board) -> tuple[str, str]:
    """Folder and file stem of a board's note: <event-slug>-<code>, <workshop-slug>-<board id>."""
    event: Event = board.workshop.event
    return (
        f"{slugify(event.title)}-{event.code}",
        f"{slugify(board.workshop.title)}-{board.id}",
    )


def write_board(app: Flask, board_id: int) -> Path | None:
    """Rewrite one board's Markdown file from the database."""
    with app.app_context():
        from .db import get_session

        db = get_session()
        board = db.get(Board, board_id)
        if board is None:
            return None
        with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
            text = board_markdown(MARKDOWN.document(db, board), markdown_labels())
        folder, stem = board_file_parts(board)
        return replace_board_file(Path(app.config["NOTES_DIR"]) / folder, stem, board.id, text)


def schedule_mirror(board_id: int) -> None:
    """Ask for the board's file to be rewritten shortly (once per burst of changes)."""
    current_app.extensions["relais.mirror"].schedule(board_id)


def wait_idle(app: Flask, timeout: float = 10.0) -> bool:
    """Wait until no write is scheduled or running (tests)."""
    return app.extensions["relais.mirror"].wait_idle(timeout)


def write_all(app: Flask) -> int:
    """Rewrite every board's file (at start-up, so a crash never leaves a stale note); a board
    that cannot be written is retried like any other."""
    with app.app_context():
        from .db import get_session

        ids = list(get_session().scalars(select(Board.id)))
    mirror: Mirror = app.extensions["relais.mirror"]
    for board_id in ids:
        if not mirror.write(board_id):
            mirror.schedule(board_id)
    return len(ids)


def init_app(app: Flask) -> None:
    """Give the app its mirror."""
    app.extensions["relais.mirror"] = Mirror(app)
