"""Redis between workers, never on the path of an acknowledgement.

python-socketio's Redis manager publishes inside emit(): a stalled Redis held every ack
for seconds, and a restart logged hundreds of "giving up" lines while broadcasts were lost.
Here emit() only puts the message in a bounded queue (this worker's own screens are served
at once, as before); a background task publishes from it, with a short socket timeout, and
logs once when Redis goes away and once when it is back. What other workers missed meanwhile
is caught up by their screens through the seq heartbeat (realtime.heartbeat).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

import socketio

from .rooms import IndexedRooms

log = logging.getLogger("relais.redis")

QUEUE_MAX = 5000
PUBLISH_TIMEOUT = 2.0
RECONNECT_PAUSE = (0.2, 0.5, 1.0, 2.0)


class QueuedRedisManager(IndexedRooms, socketio.RedisManager):
    """A Redis manager whose publishing is off the acknowledgement path (and which knows each
    socket's rooms: rooms.py)."""

    def __init__(self, url: str, channel: str, json: Any = None) -> None:
        super().__init__(url, channel=channel, json=json)
        self.queue: deque = deque(maxlen=QUEUE_MAX)
        self.reachable = True
        self.dropped = 0
        self._publisher: Any = None
        self._ready: Any = None

    def initialize(self) -> None:
        super().initialize()
        self._ready = self.server.eio.create_event()
        self.server.start_background_task(self._drain)

    def _publish(self, data: Any) -> None:
        """Called from emit() and friends: a queue push, nothing that can wait."""
        if len(self.queue) == self.queue.maxlen:
            self.dropped += 1  # the oldest goes: screens catch up through the heartbeat
        self.queue.append(data)
        if self._ready is not None:
            self._ready.set()

    def _down(self) -> None:
        self._publisher = None
        if self.reachable:
            self.reachable = False
            log.warning("Redis unreachable: this worker's broadcasts to the other workers wait in a queue "
                        "(their screens catch up when it is back)")

    def _drain(self) -> None:
        """Publish what the queue holds, in order; on failure wait and try again."""
        failures = 0
        while True:
            self._ready.wait()
            self._ready.clear()
            while self.queue:
                try:
                    if self._publisher is None:
                        module = self._get_redis_module()
                        self._publisher = module.Redis.from_url(
                            self.redis_url, socket_timeout=PUBLISH_TIMEOUT, socket_connect_timeout=PUBLISH_TIMEOUT)
                    self._publisher.publish(self.channel, self.json.dumps(self.queue[0]))
                except Exception:  # noqa: BLE001 - any failure: Redis is away
                    self._down()
                    time.sleep(RECONNECT_PAUSE[min(failures, len(RECONNECT_PAUSE) - 1)])
                    failures += 1
                    continue
                self.queue.popleft()
                failures = 0
                self._up()

    def _up(self) -> None:
        """Redis answered again: say so once (the queue it held is sent by then)."""
        if not self.reachable:
            self.reachable = True
            log.warning("Redis reachable again: queued broadcasts sent (%s dropped while it was away)", self.dropped)
            self.dropped = 0

    def _redis_listen_with_retries(self) -> Any:
        """The library's listener, without a log line per retry, and back within 2 s."""
        failures = 0
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    failures = 0
                    if not self.queue:  # nothing waits to be published: back for both directions
                        self._up()
                    elif self._ready is not None:
                        self._ready.set()  # the queue drains now, and says so
                yield from self.pubsub.listen()
            except Exception:  # noqa: BLE001 - any failure: Redis is away
                subscribed = False
                self._down()
                time.sleep(RECONNECT_PAUSE[min(failures, len(RECONNECT_PAUSE) - 1)])
                failures += 1
