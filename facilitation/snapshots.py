"""A board's snapshot, built and encoded once per seq for every screen of one audience.

When the venue's wifi comes back, every phone of a workshop joins at once, at the same seq:
building and encoding the same 300 notes for each of them was the whole cost of a join. The
part every screen of an audience shares (the board but its vote) is kept here as JSON text,
by board and audience, for the seq it was built at; each join adds only its own part (the
vote with the screen's own dots, its own note ids), and the text is spliced into the answer
as it is (safejson.Raw).

What is not counted by the board's seq (the event's title and language, an organisation's
name) is in the key too, or has SNAPSHOT_TTL seconds at most to reach a screen that joins.
A phone while writing is private sees its own notes: its snapshot is its own, never cached;
the facilitators' snapshot is kept under its own key, so no phone can be served it.
"""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from . import safejson
from .models import Board
from .services.presenters import Presenter

SEPARATORS = (",", ":")
PRUNE_ABOVE = 64


@dataclass
class Kept:
    stamp: tuple[Any, ...]
    text: str
    until: float
    packed: bytes | None = None  # the text compressed, once a screen asked for it


class SnapshotCache:
    """The latest encoded snapshot of each board for each shared audience (one entry each)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.kept: dict[tuple[int, str], Kept] = {}
        self.lock = threading.Lock()
        self.built = 0  # how many were built (the rest were served from here)

    def fresh(self, board_id: int, key: str, stamp: tuple[Any, ...]) -> Kept | None:
        """What is kept of this board for this audience, if it was built at this stamp
        (`stamp_of`) and is not too old; None when it must be built (by `entry`)."""
        with self.lock:
            kept = self.kept.get((board_id, key))
        if kept is not None and kept.stamp == stamp and kept.until > time.monotonic() and self.ttl > 0:
            return kept
        return None

    def entry(self, session: Session, board: Board, seen: Presenter) -> tuple[Kept, int]:
        """The audience's shared snapshot, kept or built now, and the seq it was built at."""
        key = seen.shared_key(board)
        if key is None or self.ttl <= 0:
            text, seq = self.build(session, board, seen)
            return Kept((seq,), text, 0.0), seq
        seq = board.seq  # as the caller read it a moment ago: what is kept is stamped with its own seq
        event = board.event
        stamp = stamp_of(seq, event.code, event.title, event.language)
        kept = self.fresh(board.id, key, stamp)
        if kept is not None:
            return kept, seq
        now = time.monotonic()
        text, built_seq = self.build(session, board, seen)
        made = Kept(stamp, text, now + self.ttl)
        if built_seq == seq:  # a change landed while it was built: keep nothing half-new
            with self.lock:
                current = self.kept.get((board.id, key))
                if current is None or current.stamp[0] <= seq:
                    self.kept[(board.id, key)] = made
                if len(self.kept) > PRUNE_ABOVE:  # boards nobody joined for a while
                    for old in [k for k, v in self.kept.items() if v.until <= now]:
                        del self.kept[old]
        return made, built_seq

    def build(self, session: Session, board: Board, seen: Presenter) -> tuple[str, int]:
        """The snapshot built now, encoded as every answer encodes it."""
        shared = seen.shared(session, board)
        self.built += 1
        return safejson.dumps(shared, separators=SEPARATORS), shared["seq"]

    def forget(self, board_id: int) -> None:
        """Drop what is kept of a board (it was deleted)."""
        with self.lock:
            for key in [k for k in self.kept if k[0] == board_id]:
                del self.kept[key]


def stamp_of(seq: int, code: str, title: str, language: str) -> tuple[Any, ...]:
    """What a kept snapshot must match to be served: the board's seq and what of its event
    the seq does not count."""
    return (seq, code, title, language)


def packed(kept: Kept) -> bytes:
    """The kept text compressed (zlib), for a screen that can inflate it: a 300-note board is
    a fifth of its size on the venue's wifi. Bytes, which Socket.IO sends as a binary frame
    beside the answer's JSON (on long-polling, in base64): in base64 inside the JSON, as until
    the sixth session, it was a third larger (16.6 kB against 12.5 kB for 300 notes).
    Compressed once per kept snapshot."""
    if kept.packed is None:
        kept.packed = zlib.compress(kept.text.encode(), 6)
    return kept.packed


def in_answer(kept: Kept, vote: Any, pack: str | None) -> tuple[Any, dict[str, Any]]:
    """The board as a join's answer carries it, with this screen's vote: compressed with the
    vote beside it (`pack="deflate"`), or JSON text with the vote as its last key; and the
    answer's other keys."""
    if pack == "deflate":
        return packed(kept), {"vote": vote}
    return with_vote(kept.text, vote), {}


def with_vote(text: str, vote: Any) -> safejson.Raw:
    """A shared snapshot's text with this screen's vote (its own dots) added as its last key."""
    return safejson.Raw(f'{text[:-1]},"vote":{safejson.dumps(vote, separators=SEPARATORS)}}}')
