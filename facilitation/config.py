"""Settings, read from the environment once at start-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY, or one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with 0600 so that another user of the laptop cannot forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_environment(instance: Path) -> dict:
    """Build the Flask config mapping from environment variables."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'relais.sqlite3'}"
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": database_url,
        "NOTES_DIR": os.environ.get("NOTES_DIR") or str(instance / "notes"),
        "HOST": os.environ.get("HOST", "0.0.0.0"),
        "PORT": int(os.environ.get("PORT", "5000")),
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/"),
        "REDIS_URL": os.environ.get("REDIS_URL") or "",
        # Several Relais instances may share one Redis: give each its own channel.
        "REDIS_CHANNEL": os.environ.get("REDIS_CHANNEL") or "relais",
        "ASYNC_MODE": os.environ.get("ASYNC_MODE", "gevent"),
        # Seconds between a change and the rewrite of the board's Markdown file.
        "MIRROR_DELAY": float(os.environ.get("MIRROR_DELAY", "2")),
        # Seconds a board's encoded snapshot is shared by the screens that join at its seq (what
        # the seq does not count, an organisation's new name, takes at most this to show); 0: off.
        "SNAPSHOT_TTL": float(os.environ.get("SNAPSHOT_TTL", "10")),
        # Seconds between two vote tallies sent to a board's screens (the last one always goes).
        "TALLY_INTERVAL": float(os.environ.get("TALLY_INTERVAL", "0.1")),
        # Seconds between two pings of a connected screen (Socket.IO's, answered by the browser),
        # and how long it has to answer one before it is dropped.
        "PING_INTERVAL": int(os.environ.get("PING_INTERVAL", "20")),  # whole seconds (Engine.IO's)
        "PING_TIMEOUT": int(os.environ.get("PING_TIMEOUT", "20")),
        # Seconds between two "board:seq" heartbeats to each board's screens (at least every 15 s).
        "HEARTBEAT_SECONDS": float(os.environ.get("HEARTBEAT_SECONDS", "10")),
        # Days an event is kept after its last day, then deleted for good (its owner may shorten it).
        "RETENTION_DAYS": int(os.environ.get("RETENTION_DAYS", "90")),
        # Workers bring the schema up to date at start-up, under a lock; set 0 when a
        # separate `flask --app wsgi db upgrade` step does it (docs/deploy.md).
        "MIGRATE_ON_START": os.environ.get("MIGRATE_ON_START", "1") != "0",
        # How long a request's headers, and then its body, may take to arrive (seconds).
        "REQUEST_TIMEOUT": float(os.environ.get("REQUEST_TIMEOUT", "10")),
        # SQLite: how long a write waits for a lock held by another process before `busy`.
        "DB_WRITE_WAIT": float(os.environ.get("DB_WRITE_WAIT", "10")),
        # How many reverse proxies (nginx) stand in front; their X-Forwarded-For/Proto/Host are
        # believed, nobody else's. 0 on a laptop.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # Behind nginx with several workers: this worker's name, in the `relais_worker` cookie
        # that nginx keeps each browser on (deploy/nginx/relais.conf); "" on a laptop.
        "WORKER_NAME": os.environ.get("WORKER_NAME", ""),
        # PostgreSQL connections per worker: a pool of DB_POOL_SIZE, and DB_MAX_OVERFLOW more at
        # a peak. workers x (both) must stay under the server's max_connections (docs/deploy.md).
        "DB_POOL_SIZE": int(os.environ.get("DB_POOL_SIZE", "10")),
        "DB_MAX_OVERFLOW": int(os.environ.get("DB_MAX_OVERFLOW", "20")),
        # Rate limits (throttle.py); "off" only for benchmarks that play a crowd from few sockets.
        "RATELIMIT_ENABLED": os.environ.get("RATE_LIMITS", "on") != "off",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PUBLIC_URL", "").startswith("https://"),
        # A meeting lasts days; phones should not be logged out overnight.
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        # The cookie is sent again only when it changes, not with every answer.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
    }
