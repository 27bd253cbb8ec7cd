"""Whether this worker is taking commands, and how many are running: a clean stop closes the
door, lets the running ones finish, and only then writes the Markdown files, so that every
note acknowledged before the stop is in them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from . import protocol as p
from .services import DomainError


class Lifecycle:
    """The commands running in this worker, and whether it is stopping."""

    def __init__(self) -> None:
        self.stopping = False
        self.running = 0
        self._lock = threading.Lock()

    @contextmanager
    def command(self) -> Iterator[None]:
        """Around a command that changes something: refused (busy, to be resent) once stopping."""
        with self._lock:
            if self.stopping:
                raise DomainError(p.BUSY, retry_after=3)
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1

    def close(self, wait: float, sleep) -> bool:  # noqa: ANN001 - the async mode's sleep
        """Take no more commands; wait (up to `wait` s) for the running ones; True when none is left."""
        with self._lock:
            self.stopping = True
        waited = 0.0
        while self.running and waited < wait:
            sleep(0.01)
            waited += 0.01
        return not self.running
