"""Which rooms a socket is in, known without looking through every room.

python-socketio keeps room -> sockets only: asking the rooms of one socket (every command
checks that its socket joined the board) and forgetting a socket that leaves both walk
through every room of the worker. With 1,000 phones there are some 3,000 rooms (each
socket's own, each participant's, each board's), so a storm of joins or of disconnects,
when the wifi comes back or goes, cost the square of the room's size. This manager also
keeps socket -> rooms, kept in step by the two methods every entry and exit goes through.
"""

from __future__ import annotations

from typing import Any

import socketio


class IndexedRooms:
    """Mixin for a python-socketio manager: socket -> rooms beside room -> sockets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined: dict[tuple[str, str], set[Any]] = {}  # (namespace, sid) -> rooms (None: connected)

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: str | None = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self.joined.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        rooms = self.joined.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self.joined[(namespace, sid)]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        return [room for room in self.joined.get((namespace, sid), ()) if room is not None]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """As python-socketio's own (5.18), which walks a copy of every room to find this
        socket's: its rooms, then its pending callbacks and connect/disconnect marks."""
        if namespace not in self.rooms:
            return
        for room in list(self.joined.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]


class Manager(IndexedRooms, socketio.Manager):
    """One worker's rooms."""
