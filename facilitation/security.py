"""Headers that keep every page on this origin, and logs that hold no IP and no text."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import time
import traceback

from flask import Flask, Response, abort, g, request, session

from .assets import OPENER_HASH

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

def csp(app: Flask) -> str:
    """The policy, with the hashes of the pages' two inline scripts (assets.py): the import map,
    and the opener of a phone's or projector's websocket."""
    assets = app.extensions.get("relais.assets")
    if assets is None or not assets.map_hash:
        return CSP
    return CSP.replace("script-src 'self'", f"script-src 'self' 'sha256-{assets.map_hash}' 'sha256-{OPENER_HASH}'", 1)


# What is never a document: served with `nosniff` only (no CSP, framing or permissions rules).
SUBRESOURCES = frozenset({"text/javascript", "application/javascript", "text/css"})

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


# Control characters from a request (an encoded newline in a path) must not forge log lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|\n(?!\s)")


def _escape(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


class ScrubAddresses(logging.Filter):
    """A log filter that replaces IP addresses and facilitator tokens in every record, and
    escapes control characters (a stack trace keeps its own line breaks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _IP_CANDIDATE.sub(_scrub_ip, message)
        clean = re.sub(r"/f/[A-Za-z0-9_-]+", "/f/…", clean)
        if record.name == "relais.access":
            clean = clean.replace("\n", "\\n")
        clean = _CONTROL.sub(_escape, clean)
        if clean != message:
            record.msg, record.args = clean, None
        return True


# ---- cross-site requests ----------------------------------------------------------------
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def from_elsewhere() -> bool:
    """Whether a browser sent this request from another site (or another origin of this one).

    A browser says where a request comes from (Origin; else Sec-Fetch-Site). A request with
    neither is not from a browser, and a script needs no help from a victim's cookie.
    """
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != request.host_url.rstrip("/")
    site = request.headers.get("Sec-Fetch-Site")
    return site is not None and site not in ("same-origin", "none")


def csrf_token() -> str:
    """This browser's form token (made once, kept in its signed session)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _check_request() -> None:
    """Every change must come from our own pages: refuse other sites (and forms without our token)."""
    if request.method not in _UNSAFE:
        return
    if from_elsewhere():
        abort(403, description="cross_site")
    if request.mimetype in _FORMS:
        sent = request.form.get("csrf", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(403, description="cross_site")


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
        _check_request()

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The others rule what a document may do: a script or a style sheet never is one (the
        # page's own rule its subresources). 0.5 kB less for each of the dozen files of a
        # phone's first visit (5.3 kB in all). An SVG may be opened as a document: it keeps them.
        if response.mimetype not in SUBRESOURCES:
            response.headers.setdefault("Content-Security-Policy", csp(app))
            # same-origin: nothing is sent to another site, and our own form posts carry our
            # Origin (with no-referrer, browsers send "Origin: null" and the CSRF check could not tell).
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.path != "/socket.io/":
            elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            # Method, path (token redacted), status, time: no address, no query, no body.
            log.info("%s %s %s %.0fms", request.method, redact_path(request.path),
                     response.status_code, elapsed)
        return response
