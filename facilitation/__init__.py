"""Relais: live workshop boards for meetings between associations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request

# The cookie that keeps a browser on one worker behind nginx: only the worker's name.
STICKY_COOKIE = "relais_worker"

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, languages, security headers, routes, sockets."""
    from . import assets, config, db, i18n, lifecycle, migrate, mirror, payloads, safejson, security, tallies, throttle
    from . import protocol as p
    from .extensions import babel, socketio
    from .identity import CookieOncePerSocket
    from .turns import Turns
    from .web import api, handover, meeting, pages

    instance = Path(os.environ.get("INSTANCE_PATH") or ROOT / "instance")
    if test_config and "INSTANCE_PATH" in test_config:
        instance = Path(test_config["INSTANCE_PATH"])
    app = Flask(
        __name__,
        instance_path=str(instance),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.json = safejson.Provider(app)
    app.config.update(config.from_environment(instance))
    if test_config:
        app.config.update(test_config)

    from .web.common import IdConverter

    app.url_map.converters["id"] = IdConverter
    app.session_interface = CookieOncePerSocket()
    db.init_app(app)
    migrate.init_app(app)
    _render_stale_notes(app)
    app.extensions["relais.lifecycle"] = lifecycle.Lifecycle()
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.jinja_env.globals.update(i18n.template_globals())
    app.jinja_env.globals.update(limits=payloads.limits(), colors=payloads.COLORS)
    from .serve import body_limit

    @app.before_request
    def _body_limit() -> None:  # the import form takes a package; every other request 64 KiB
        request.max_content_length = body_limit(app, request.path)

    if app.config["WORKER_NAME"]:
        @app.after_request
        def _stick(response: Any) -> Any:  # nginx keeps this browser on this worker (Socket.IO needs it)
            if request.cookies.get(STICKY_COOKIE) != app.config["WORKER_NAME"]:
                response.set_cookie(STICKY_COOKIE, app.config["WORKER_NAME"], httponly=True, samesite="Lax",
                                    secure=app.config["SESSION_COOKIE_SECURE"])
            return response

    security.init_app(app)
    assets.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_CHANNEL"])
    # A stalled Redis must not hold a request: short timeouts, then each worker counts alone.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.1, "socket_connect_timeout": 0.1})
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    throttle.limiter.init_app(app)
    mirror.init_app(app)
    tallies.init_app(app)
    from .snapshots import SnapshotCache

    app.extensions["relais.snapshots"] = SnapshotCache(app.config["SNAPSHOT_TTL"])
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(meeting.bp)
    app.register_blueprint(handover.bp)
    from .cli import relais

    app.cli.add_command(relais)

    from . import bursts, realtime  # (realtime registers the socket handlers)

    pause = _pause(app.config["ASYNC_MODE"])  # dots gather into a burst, joins let commands go first
    app.extensions["relais.bursts"] = bursts.Bursts(realtime.count_dots, pause)

    if app.config["REDIS_URL"]:
        from .redisqueue import QueuedRedisManager

        manager = QueuedRedisManager(app.config["REDIS_URL"], app.config["REDIS_CHANNEL"], json=safejson)
    else:
        from .rooms import Manager

        manager = Manager()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        client_manager=manager,
        # A note is 500 characters; nothing legitimate comes near this.
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
        json=safejson,
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
    )
    # Joins take turns (turns.py): one at a time on SQLite, whose calls hold the loop; four on
    # PostgreSQL, whose queries yield while they wait on the network.
    sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    app.extensions["relais.turns"] = Turns(socketio.server, {p.BOARD_JOIN, p.EVENT_JOIN}, 1 if sqlite else 4, pause)
    app.extensions["relais.turns"].install()
    # A join carried by a connect (realtime.carried_joins), in its turn too.
    socketio.server.on("connect", realtime.carried_joins(app.extensions["relais.turns"]), namespace="/")
    realtime.joins_in_the_address(socketio.server)  # (the pages' first socket carries it there)
    if app.config["PROXY_COUNT"]:
        # Outermost, so that Socket.IO (its origin check, its handlers' request) sees what the
        # proxy forwarded too: the scheme, host and client address nginx says, nobody else.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    return app


def _pause(async_mode: str) -> Any:
    """Let everything else that is ready run first: on gevent, wait until its loop is idle (it
    has read what the sockets hold and run what that started; a yield of 0 s would only run
    the greenlets already started), or 2 ms at most: a loop that is never idle (1,000 phones
    connecting) must not hold the one waiting. Measured on joins (turns.py): at most 20 ms
    made joining 1,000 phones 30 % longer; 4 ms, 27 %; 2 ms, within 10 % of no queue, with a
    neighbour's note p99 of 54 ms; 1 ms, 13 % quicker, but the note's p99 back to 112 ms.
    Elsewhere, a plain yield."""
    if async_mode == "gevent":
        import gevent

        def pause() -> None:
            with gevent.Timeout(0.002, False):
                gevent.idle()

        return pause
    from .extensions import socketio

    return lambda: socketio.sleep(0)


def _render_stale_notes(app: Flask) -> None:
    """Notes written before their HTML was stored, or by an older renderer, are rendered once
    now, so that no read has to (several workers starting together write the same thing)."""
    import logging

    from .db import get_session
    from .services.notes import refresh_html

    with app.app_context():
        done = refresh_html(get_session())
    if done:
        logging.getLogger(__name__).info("rendered the HTML of %s notes written by an older release", done)
