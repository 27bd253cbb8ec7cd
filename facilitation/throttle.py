"""Rate limits that a room never notices and an abuser always does.

One set of policies, one storage (memory for one process, Redis when several workers share
REDIS_URL), one strategy: Flask-Limiter's, which the HTTP routes use through its decorators
and the socket commands and guess counters use through the same `limits` objects.

- Socket commands count per participant and per socket: a person types, taps and drags
  fast, a script does not (1,000 notes in 10 s is stopped after 8).
- Guessing a join code or a facilitator link counts only the misses, per client (a keyed
  hash of its address, never the address itself, and kept a few minutes at most); once a
  client is over, every lookup it makes is refused for a while, a right one too (so a
  refusal says nothing about the code), except a lookup of an event it already belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from . import protocol as p

# What a human never reaches; numbers chosen with the reasoning in docs/protocol.md.
POLICIES: dict[str, str] = {
    # A note takes a person several seconds to type; eight quick short ones is already fast.
    "write": "8 per 10 seconds; 30 per minute; 300 per hour",
    # Fixing or removing one's own notes.
    "change": "20 per 10 seconds; 60 per minute",
    # Tapping + and − on a phone while changing one's mind.
    "vote": "30 per 10 seconds; 120 per minute",
    # The facilitator drags, edits and steps through the workshop quickly.
    "facilitate": "60 per 10 seconds; 600 per minute",
    # Joining (and rejoining after a reconnect) a board.
    "join": "30 per minute",
    # Misses only: a wrong join code or workshop id, a wrong facilitator link.
    "guess-code": "20 per minute; 200 per day",
    "guess-link": "10 per minute; 50 per day",
    # New events, from one client.
    "create-event": "30 per hour",
}

limiter = Limiter(key_func=lambda: client_key(), headers_enabled=True, strategy="moving-window")

# When the shared storage (Redis) does not answer within its short timeout, this worker counts
# on its own, in memory, for a while: a limit must never hold an acknowledgement.
FALLBACK_SECONDS = 5.0
_fallback = MovingWindowRateLimiter(MemoryStorage())
_shared_down_until = 0.0


def _strategy() -> Any:
    return _fallback if time.monotonic() < _shared_down_until else limiter.limiter


def _counted(call: Callable[[Any], Any]) -> Any:
    """Run a counting call on the shared storage, or on this worker's own when it fails."""
    global _shared_down_until
    strategy = _strategy()
    try:
        return call(strategy)
    except Exception:  # noqa: BLE001 - Redis away or slow: count here for a while
        if strategy is _fallback:
            raise
        _shared_down_until = time.monotonic() + FALLBACK_SECONDS
        return call(_fallback)


def client_key() -> str:
    """Who is asking, as far as a rate limit needs to know: a keyed hash of the address."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:20]


# Which policy a socket command counts against (the facilitator's commands count as "facilitate").
COMMANDS: dict[str, str] = {p.NOTE_ADD: "write", p.CARD_NOTE: "write", p.NOTE_EDIT: "change", p.NOTE_DELETE: "change",
                            p.VOTE_CAST: "vote", p.VOTE_UNCAST: "vote"}


def policy_for(command: str, facilitator: bool) -> str:
    """The policy a command counts against, for this sender."""
    return "facilitate" if facilitator else COMMANDS.get(command, "facilitate")


def _items(policy: str) -> list[RateLimitItem]:
    return parse_many(POLICIES[policy])


@dataclass
class TooFast(Exception):
    """Over a rate limit: wait `retry_after` seconds."""

    retry_after: int

    @property
    def code(self) -> str:
        return p.TOO_FAST


def _retry_after(policy: str, key: str) -> int:
    """Seconds until every window of the policy that is full has room again."""
    stats = [_counted(lambda s, i=item: s.get_window_stats(i, policy, key)) for item in _items(policy)]
    waits = [s.reset_time - time.time() for s in stats if s.remaining <= 0]
    return max(1, int(max(waits, default=1)) + 1)


def hit(policy: str, *keys: str) -> None:
    """Count one use of this policy for every key; raise TooFast when any is over."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for key in keys:
        for item in _items(policy):
            if not _counted(lambda s, i=item, k=key: s.hit(i, policy, k)):
                raise TooFast(_retry_after(policy, key))


def over(policy: str, key: str) -> bool:
    """Whether this key is over the policy now (without counting anything)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    return not all(_counted(lambda s, i=item: s.test(i, policy, key)) for item in _items(policy))


def check_guesses(policy: str) -> None:
    """Before a lookup: refuse a client that has missed too often lately."""
    if over(policy, client_key()):
        raise TooFast(_retry_after(policy, client_key()))


def missed(policy: str) -> None:
    """After a lookup found nothing: count it against the client."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    key = client_key()
    for item in _items(policy):
        _counted(lambda s, i=item: s.hit(i, policy, key))
