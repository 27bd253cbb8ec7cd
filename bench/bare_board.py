"""A bare Flask-SocketIO board: the baseline the room-load benchmark compares Relais with.

The same server stack as Relais (Flask-SocketIO, gevent, gevent-websocket's handler, one
process) and nothing else: no validation, no database, no rights. `board:join` joins a room
and answers a snapshot held in memory (NOTES notes shaped like Relais's, encoded for each
join as Flask-SocketIO does); `note:add` broadcasts the note to the room; `vote:cast` counts
the dot and broadcasts the totals to the room after each dot. What Relais costs beyond this
is its own doing.

    python bench/bare_board.py PORT NOTES
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402
from gevent import pywsgi  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402


def note(i: int) -> dict:
    from room_load import note_text

    text = note_text(i)
    return {"id": i + 1, "column": i % 3 + 1, "group": None, "position": i // 3, "text": text,
            "html": f"<p>{text}</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1,
            "for_bilan": True, "created_at": "2026-12-04T09:00:00Z", "edited_at": None}


def main() -> None:
    port, notes = int(sys.argv[1]), int(sys.argv[2])
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", logger=False, engineio_logger=False)
    board = {"id": 1, "seq": notes, "columns": [{"id": c, "title": f"Colonne {c}", "position": c} for c in (1, 2, 3)],
             "notes": [note(i) for i in range(notes)], "groups": [], "vote": None}
    dots: dict[int, int] = {}
    seq = [notes]

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @socketio.on("board:join")
    def join(payload: dict) -> dict:
        join_room("board")
        return {"ok": True, "board": board, "seq": seq[0]}

    @socketio.on("note:add")
    def add(payload: dict) -> dict:
        seq[0] += 1
        made = {**note(seq[0]), "text": payload["text"]}
        emit("note:added", {"board": 1, "seq": seq[0], "note": made}, to="board")
        return {"ok": True, "note": made}

    @socketio.on("vote:cast")
    def cast(payload: dict) -> dict:
        dots[payload["target"]] = dots.get(payload["target"], 0) + 1
        totals = {"cast": sum(dots.values()), "results": None}
        emit("board:tally", {"board": 1, "vote": totals}, to="board")
        return {"ok": True, "vote": totals}

    server = pywsgi.WSGIServer(("127.0.0.1", port), app, handler_class=WebSocketHandler, log=None)
    server.serve_forever()


if __name__ == "__main__":
    main()
