"""Headers that keep every page on this origin, and logs that hold no IP and no text."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import traceback

from flask import Flask, Response, g, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Candidates for IP addresses; each is checked with ipaddress before it is replaced.
_IP_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?![\w:])")


def _scrub_ip(match: re.Match[str]) -> str:
    token = match.group(0).strip(".")
    try:
        ipaddress.ip_address(token)
    except ValueError:
        return match.group(0)
    return match.group(0).replace(token, "[ip]")


# The facilitator token is a password: it must never reach a log line.
_SECRET_PATH = re.compile(r"^/f/[^/]+")

log = logging.getLogger("relais.access")


def redact_path(path: str) -> str:
    """The request path as it may be logged."""
    return _SECRET_PATH.sub("/f/…", path)


class ScrubAddresses(logging.Filter):
    """A log filter that replaces IP addresses and facilitator tokens in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _IP_CANDIDATE.sub(_scrub_ip, message)
        clean = re.sub(r"/f/[A-Za-z0-9_-]+", "/f/…", clean)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def log_failure(what: str, exc: BaseException, logger: logging.Logger | None = None) -> None:
    """Log a failure with its type and stack, never its message.

    Exception messages carry data: a database error quotes the row (a note's text, a
    participant id). The stack says where it failed, which is what fixing needs.
    """
    stack = "".join(traceback.format_tb(exc.__traceback__))
    (logger or logging.getLogger("relais")).error("%s: %s\n%s", what, type(exc).__name__, stack.rstrip())


def configure_logging(level: str = "INFO") -> logging.Handler:
    """Log to stderr through the address-scrubbing filter; mute per-request server logs."""
    handler = logging.StreamHandler()
    handler.addFilter(ScrubAddresses())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # These print the client's address on every request; ours (relais.access) does not.
    for name in ("geventwebsocket.handler", "werkzeug", "engineio.server", "socketio.server"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def init_app(app: Flask) -> None:
    """Add security headers and a privacy-keeping access log."""

    # Flask logs an unhandled exception with its message, which may quote data.
    app.log_exception = lambda exc_info: log_failure(  # type: ignore[method-assign]
        f"{request.method} {redact_path(request.path)} failed", exc_info[1]
    )

    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.path != "/socket.io/":
            elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            # Method, path (token redacted), status, time: no address, no query, no body.
            log.info("%s %s %s %.0fms", request.method, redact_path(request.path),
                     response.status_code, elapsed)
        return response
