"""Deleting for good: an event (on the owner's word, or when its retention is over) or a
workshop, from the database and from the disk, so that none of its words stay anywhere.

Rows go in one transaction (services/events.delete_event, services/workshops.delete_workshop);
then the Markdown files (the mirror forgets them first, so no write can bring them back); then,
on SQLite, the write-ahead log is checkpointed and emptied (secure_delete has zeroed the
deleted pages of the database file itself).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .db import forget_deleted
from .extensions import socketio
from .mirror import BILAN, BOARD, board_paths, event_folder
from .models import Board, Event, Workshop
from .security import log_failure
from .services import events as event_service
from .services import retention
from .services import workshops as workshop_service

log = logging.getLogger("relais.forget")
PURGE_EVERY = 24 * 3600  # seconds between two purges of expired events


def delete_event(app: Flask, session: Session, event: Event) -> None:
    """Delete an event and all of it, in the database and on the disk."""
    folder = Path(app.config["NOTES_DIR"]) / event_folder(event)
    boards = session.scalars(select(Board.id).where(Board.event_id == event.id)).all()
    keys = [(BOARD, board_id) for board_id in boards] + [(BILAN, event.id)]
    event_service.delete_event(session, event)
    session.commit()
    app.extensions["relais.mirror"].erase(keys, [folder])
    for board_id in boards:  # its boards' encoded snapshots, kept in memory for joins
        app.extensions["relais.snapshots"].forget(board_id)
    forget_deleted(app.extensions["relais.engine"])


def delete_workshop(app: Flask, session: Session, workshop: Workshop) -> int:
    """Delete a workshop, its board and its notes, in the database and its Markdown file;
    return the board's id. (The caller commits what else changed and rewrites the bilan.)"""
    board = workshop.board
    paths = board_paths(app, board)
    board_id = workshop_service.delete_workshop(session, workshop)
    session.commit()
    app.extensions["relais.mirror"].erase([(BOARD, board_id)], paths)
    app.extensions["relais.snapshots"].forget(board_id)
    forget_deleted(app.extensions["relais.engine"])
    return board_id


def purge_expired(app: Flask) -> int:
    """Delete every event whose retention is over (today by the server's clock); log how many,
    never which."""
    from .db import get_session

    deleted = 0
    with app.app_context():
        session = get_session()
        for event_id in retention.expired(session, clock.now().date(), app.config["RETENTION_DAYS"]):
            session.rollback()  # each in a transaction of its own
            event = retention.claim(session, event_id)
            if event is None:
                continue  # another worker deleted it first
            delete_event(app, session, event)
            deleted += 1
        session.rollback()
    if deleted:
        log.warning("retention: %d event(s) past their retention deleted for good", deleted)
    return deleted


def purge_daily(app: Flask) -> None:
    """Purge expired events once a day, for as long as the worker runs (the start-up purge is
    the server's own, before anything is served)."""
    while True:
        socketio.sleep(PURGE_EVERY)
        try:
            purge_expired(app)
        except Exception as exc:  # noqa: BLE001 - the database may be away: try again tomorrow
            log_failure("the retention purge failed", exc, log)
