"""Keeps NOTES_DIR/<event>/<workshop>.md in step with each board, and NOTES_DIR/<event>/bilan.md
with the whole event, a moment after each change, whatever the disk does.

A file is named by a key: ("board", board id) or ("bilan", event id). Writing a board's file
schedules its event's bilan next (the bilan holds every board). Changes to one file within
MIRROR_DELAY seconds are written once. The database is the source
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
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import protocol as p
from .export.bilan import bilan_markdown
from .export.files import replace_board_file, write_atomic
from .export.markdown import Labels, board_markdown, slugify
from .extensions import socketio
from .i18n import programme_kind_labels
from .models import Board, Event
from .security import log_failure
from .services.access import credentials, event_credentials, room_key
from .services.presenters import MARKDOWN, Bilan, MarkdownNote

log = logging.getLogger("relais.mirror")

# Seconds before each new try of a failed write; then the last, again and again.
RETRY_DELAYS = (0.5, 1, 2, 4, 5)
BOARD, BILAN = "board", "bilan"
BILAN_FILE = "bilan.md"
Key = tuple[str, int]  # (BOARD, board id) or (BILAN, event id)
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
    """A file that could not be written: why, and how many tries so far."""

    cause: str
    tries: int = 0


class Mirror:
    """The files of this process that wait to be written, and those failing."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pending: set[Key] = set()  # a write after MIRROR_DELAY is on its way
        self.urgent: set[Key] = set()  # a write at once is on its way, not yet reading
        self.failing: dict[Key, Failing] = {}
        self.erased: set[Key] = set()  # deleted for good: never written again
        self.running = 0  # scheduled or retrying writes, not yet finished
        self.lock = threading.Lock()
        # One write of a file at a time: a write reads the database and then writes the file, so
        # two overlapping writes could land in the wrong order and put back deleted words.
        self.writing: dict[Key, threading.Lock] = {}

    def schedule(self, key: Key, *, at_once: bool = False) -> None:
        """Write this file shortly (once per burst of changes), or at once (someone's words were
        deleted: they must leave the file now)."""
        with self.lock:
            if key in self.erased:
                return
            if key in (self.urgent if at_once else self.pending) or key in self.failing:
                return  # a write (or a retry) is on its way and will read the latest state
            (self.urgent if at_once else self.pending).add(key)
            self.running += 1
        socketio.start_background_task(self._write_later, key, 0 if at_once else self.app.config["MIRROR_DELAY"])

    def erase(self, keys: list[Key], paths: list[Path]) -> None:
        """Forget these files for good: no write of them is pending, retried or ever made again,
        and they are removed from the disk (a folder with all it holds)."""
        with self.lock:
            self.erased.update(keys)
            self.pending.difference_update(keys)
            self.urgent.difference_update(keys)
            for key in keys:
                self.failing.pop(key, None)
            running = [self.writing[key] for key in keys if key in self.writing]
        for one_at_a_time in running:  # a write already under way ends before the files go
            with one_at_a_time:
                pass
        for path in paths:
            _remove(path)

    def _write_later(self, key: Key, delay: float) -> None:
        try:
            socketio.sleep(delay)
            while True:
                if self.write(key, at_once=not delay):
                    return
                tries = self.failing[key].tries
                socketio.sleep(RETRY_DELAYS[min(tries, len(RETRY_DELAYS)) - 1])
        finally:
            with self.lock:
                self.running -= 1

    def write(self, key: Key, *, follow: bool = True, at_once: bool = False) -> bool:
        """Rewrite one file now; False when it failed (it will be tried again). A board's
        write then schedules its event's bilan (at once too, when this one was), unless follow
        is False."""
        kind, ident = key
        with self.lock:
            one_at_a_time = self.writing.setdefault(key, threading.Lock())
        try:
            with one_at_a_time:
                with self.lock:  # changes from now on schedule another write
                    (self.urgent if at_once else self.pending).discard(key)
                if key in self.erased:
                    return True
                event_id = (write_board if kind == BOARD else write_bilan)(self.app, ident, self)
        except OSError as exc:
            cause = cause_of(exc)
            with self.lock:
                failing = self.failing.setdefault(key, Failing(cause))
                failing.cause = cause
                failing.tries += 1
                first = failing.tries == 1
            if first:
                log.warning("Markdown file of %s %s behind: %s (NOTES_DIR); retrying", kind, ident, SAID[cause])
                self._tell(key, cause)
            return False
        except Exception as exc:  # a bug, not the disk: say so, and do not retry forever
            log_failure(f"could not write the Markdown file of {kind} {ident}", exc, log)
            return True
        with self.lock:
            healed = self.failing.pop(key, None)
        if healed is not None:
            log.warning("Markdown file of %s %s written again after %s tries", kind, ident, healed.tries + 1)
            self._tell(key, None)
        if follow and kind == BOARD and event_id is not None:
            self.schedule((BILAN, event_id), at_once=at_once)
        return True

    def _tell(self, key: Key, cause: str | None) -> None:
        """Tell the consoles of the board (or of the event, for its bilan) whether its file is
        behind (and why) or whole again."""
        kind, ident = key
        with self.app.app_context():
            from .db import get_session

            found = get_session().get(Board if kind == BOARD else Event, ident)
            if found is None:
                return
            if kind == BOARD:
                rooms = [p.facilitators_room(ident, room_key(c)) for c in credentials(found)]
            else:
                rooms = [p.event_facilitators_room(ident, room_key(c)) for c in event_credentials(found)]
        socketio.emit(p.FILES_STATE, {kind: ident, "ok": cause is None, "cause": cause}, to=rooms)

    def behind(self) -> dict[Key, str]:
        """Files that could not be written yet, with the cause."""
        with self.lock:
            return {key: f.cause for key, f in self.failing.items()}

    def flush(self) -> dict[Key, str]:
        """Write every pending or failing file now (a clean stop), boards before bilans;
        return those still failing."""
        with self.lock:
            keys = sorted(self.pending | self.urgent | set(self.failing))
        for key in keys:
            self.write(key)
        with self.lock:  # the bilans the board writes have just asked for
            bilans = sorted(k for k in self.pending if k[0] == BILAN)
            self.pending.difference_update(bilans)
        for key in bilans:
            self.write(key)
        return self.behind()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no write is scheduled or running (tests)."""
        waited = 0.0
        while self.running and waited < timeout:
            socketio.sleep(0.02)
            waited += 0.02
        return not self.running


def bilan_labels() -> Labels:
    """The words of the bilan that are not data, in the current language."""
    return {
        **markdown_labels(),
        "hosted_by": gettext("Hosted by"),
        "organisations": gettext("Organisations present"),
        "on_subject": gettext("What it already does on the subject"),
        "contact": gettext("Contact:"),
        "remarks": gettext("Questions and notes from the round"),
        "none": gettext("(nothing yet)"),
        "programme": gettext("Programme"),
        "workshop": gettext("Workshop:"),
        "summary": gettext("Summary"),
        "actions_by_owner": gettext("Actions by organisation"),
        "nobody_yet": gettext("Nobody has taken these on yet"),
        "next": gettext("What next?"),
        **{f"kind_{kind}": label for kind, label in programme_kind_labels().items()},
        "kind_question": gettext("Question:"),
        "kind_note": gettext("Note:"),
    }


def markdown_labels() -> Labels:
    """The words of a Markdown note that are not data, in the current language."""
    return {
        "question": gettext("Question:"),
        "empty": gettext("(no notes)"),
        "hidden": lambda n: ngettext("%(n)s note written privately, not revealed yet",
                                     "%(n)s notes written privately, not revealed yet", n, n=n),
        "ungrouped": gettext("Other notes"),
        "ranking": gettext("Vote results"),
        "dots": lambda n: ngettext("%(n)s dot", "%(n)s dots", n, n=n),
        "no_votes": gettext("(no votes)"),
        "actions": gettext("Actions"),
        "due": gettext("due"),
    }


def event_folder(event: Event) -> str:
    """The folder of an event's files under NOTES_DIR: <event-slug>-<code>."""
    return f"{slugify(event.title)}-{event.code}"


def board_file_parts(board: Board) -> tuple[str, str]:
    """Folder and file stem of a board's note: <event-slug>-<code>, <workshop-slug>-<board id>."""
    return event_folder(board.workshop.event), f"{slugify(board.workshop.title)}-{board.id}"


def board_text(session: Session, board: Board, audience: MarkdownNote = MARKDOWN) -> str:
    """A board's Markdown note as this audience sees it (the room's, by default), in its
    event's language (the note is part of the report)."""
    with force_locale(board.event.language):
        return board_markdown(audience.document(session, board), markdown_labels())


def bilan_text(session: Session, event: Event) -> str:
    """The event's bilan as Markdown, in the event's language."""
    with force_locale(event.language):
        return bilan_markdown(Bilan(event).whole(session), bilan_labels())


def write_board(app: Flask, board_id: int, mirror: Mirror | None = None) -> int | None:
    """Rewrite one board's Markdown file from the database; its event's id (None: gone)."""
    with app.app_context():
        from .db import get_session

        db = get_session()
        board = db.get(Board, board_id)
        if board is None:
            return None
        text = board_text(db, board)
        folder, stem = board_file_parts(board)
        path = replace_board_file(Path(app.config["NOTES_DIR"]) / folder, stem, board.id, text)
        if mirror is not None and (BOARD, board_id) in mirror.erased:  # deleted while this write ran
            _remove(path)
            return None
        return board.event_id


def write_bilan(app: Flask, event_id: int, mirror: Mirror | None = None) -> None:
    """Rewrite an event's bilan.md from the database."""
    with app.app_context():
        from .db import get_session

        db = get_session()
        event = db.get(Event, event_id)
        if event is None:
            return
        path = Path(app.config["NOTES_DIR"]) / event_folder(event) / BILAN_FILE
        write_atomic(path, bilan_text(db, event))
        if mirror is not None and (BILAN, event_id) in mirror.erased:  # deleted while this write ran
            _remove(path.parent)


def _remove(path: Path) -> None:
    """Remove a file, or a folder and all it holds; nothing when it is not there."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def board_paths(app: Flask, board: Board) -> list[Path]:
    """A board's Markdown file, under its present name and any older one."""
    folder, _ = board_file_parts(board)
    return list((Path(app.config["NOTES_DIR"]) / folder).glob(f"*-{board.id}.md"))


def schedule_mirror(board_id: int, *, at_once: bool = False) -> None:
    """Ask for the board's file (and then its event's bilan) to be rewritten shortly, or at once."""
    current_app.extensions["relais.mirror"].schedule((BOARD, board_id), at_once=at_once)


def schedule_bilan(event_id: int, *, at_once: bool = False) -> None:
    """Ask for the event's bilan to be rewritten shortly (a card, the programme, a summary
    changed), or at once (a workshop was deleted: its words must leave the bilan now)."""
    current_app.extensions["relais.mirror"].schedule((BILAN, event_id), at_once=at_once)


def wait_idle(app: Flask, timeout: float = 10.0) -> bool:
    """Wait until no write is scheduled or running (tests)."""
    return app.extensions["relais.mirror"].wait_idle(timeout)


def write_all(app: Flask) -> int:
    """Rewrite every board's file and every bilan (at start-up, so a crash never leaves a stale
    note); a file that cannot be written is retried like any other."""
    with app.app_context():
        from .db import get_session

        keys = [(BOARD, i) for i in get_session().scalars(select(Board.id))]
        keys += [(BILAN, i) for i in get_session().scalars(select(Event.id))]
    mirror: Mirror = app.extensions["relais.mirror"]
    for key in keys:
        if not mirror.write(key, follow=False):
            mirror.schedule(key)
    return len(keys)


def init_app(app: Flask) -> None:
    """Give the app its mirror."""
    app.extensions["relais.mirror"] = Mirror(app)
