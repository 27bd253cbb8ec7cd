"""Keeps NOTES_DIR/<event>/<workshop>.md in step with each board, a moment after each change.

Changes to one board within MIRROR_DELAY seconds are written once. The database is
the source of truth; the files are rewritten from it, so several workers writing
the same file is harmless (each write is atomic).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from .export.files import replace_board_file
from .export.markdown import board_markdown, slugify
from .extensions import socketio
from .models import Board, Event
from .security import log_failure
from .services.presenters import MARKDOWN

log = logging.getLogger("relais.mirror")


class _Pending:
    """Board ids waiting for their file to be rewritten, in this process."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.running = 0
        self.lock = threading.Lock()

    def add(self, board_id: int) -> bool:
        with self.lock:
            fresh = board_id not in self.ids
            self.ids.add(board_id)
            self.running += fresh
            return fresh

    def take(self, board_id: int) -> None:
        with self.lock:
            self.ids.discard(board_id)

    def done(self) -> None:
        with self.lock:
            self.running -= 1


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
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pending: _Pending = app.extensions["relais.mirror"]
    if pending.add(board_id):
        socketio.start_background_task(_write_later, app, pending, board_id)


def _write_later(app: Flask, pending: _Pending, board_id: int) -> None:
    socketio.sleep(app.config["MIRROR_DELAY"])
    pending.take(board_id)  # changes from now on schedule another write
    try:
        write_board(app, board_id)
    except Exception as exc:
        log_failure(f"could not write the Markdown note of board {board_id}", exc, log)
    finally:
        pending.done()


def wait_idle(app: Flask, timeout: float = 10.0) -> bool:
    """Wait until no write is scheduled or running (tests, and a clean shutdown)."""
    pending: _Pending = app.extensions["relais.mirror"]
    waited = 0.0
    while pending.running and waited < timeout:
        socketio.sleep(0.02)
        waited += 0.02
    return not pending.running


def write_all(app: Flask) -> int:
    """Rewrite every board's file (at start-up, so a crash never leaves a stale note)."""
    with app.app_context():
        from .db import get_session

        ids = list(get_session().scalars(select(Board.id)))
    for board_id in ids:
        write_board(app, board_id)
    return len(ids)


def init_app(app: Flask) -> None:
    """Give the app its set of pending writes."""
    app.extensions["relais.mirror"] = _Pending()
