"""Serve Relais: `python wsgi.py` (what `make run` does).

gevent by default (ASYNC_MODE=gevent); ASYNC_MODE=eventlet is also supported.
Monkey-patching must happen before anything else is imported, so it lives here
and only here.
"""

import os

ASYNC_MODE = os.environ.get("ASYNC_MODE", "gevent")
if ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

import errno  # noqa: E402
import sys  # noqa: E402

from facilitation import create_app  # noqa: E402
from facilitation.extensions import socketio  # noqa: E402
from facilitation.forget import purge_daily, purge_expired  # noqa: E402
from facilitation.mirror import write_all  # noqa: E402
from facilitation.netaddr import loopback_only, network_url  # noqa: E402
from facilitation.realtime import heartbeat  # noqa: E402
from facilitation.security import configure_logging  # noqa: E402
from facilitation.serve import lean_writers, light_pings, make_server, run, tune_gc  # noqa: E402

app = create_app()


def main() -> None:
    """Print where to connect, then serve until stopped."""
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    host, port = app.config["HOST"], app.config["PORT"]
    public = app.config["PUBLIC_URL"] or network_url(host, port)
    print(f"Relais ({ASYNC_MODE}) — sur cet ordinateur : http://127.0.0.1:{port}", flush=True)
    if loopback_only(host) and not app.config["PUBLIC_URL"]:
        print(f"Relais — attention : HOST={host}, les téléphones ne peuvent pas s’y connecter. "
              "Pour eux, lancez avec HOST=0.0.0.0 (tout le wifi).", flush=True)
    else:
        print(f"Relais — pour les téléphones (même wifi) : {public}", flush=True)
    try:
        server = make_server(app, host, port, ASYNC_MODE)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(f"Le port {port} est déjà utilisé (Relais tourne peut-être déjà ?). "
              f"Essayez : PORT={port + 1} make run", file=sys.stderr)
        sys.exit(1)
    purge_expired(app)  # events past their retention go before anything is written or served
    tune_gc()  # after the start's own work: what it made stays, frozen out of collections
    if ASYNC_MODE == "gevent":
        light_pings()
        lean_writers()
    socketio.start_background_task(write_all, app)
    socketio.start_background_task(heartbeat, app)
    socketio.start_background_task(purge_daily, app)

    def stopped() -> None:
        print(f"Relais s’est arrêté proprement : les notes sont enregistrées dans {app.config['NOTES_DIR']}.",
              flush=True)

    run(app, server, ASYNC_MODE, on_stop=stopped)
    sys.exit(0)


if __name__ == "__main__":
    main()
