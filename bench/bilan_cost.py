"""What writing the bilan costs, as the meeting grows: the whole document (bilan.md), beside
one board's note, both from the database as the mirror writes them, in process.

The mirror writes a board's note a moment after a change to it, then its event's bilan (once
per burst, whatever the number of boards changed): this is the time that write holds the
worker for.

    .venv/bin/python bench/bilan_cost.py --notes 3 30 100 --repeat 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitation import create_app  # noqa: E402
from facilitation.db import get_session  # noqa: E402
from facilitation.mirror import bilan_text, board_text  # noqa: E402
from facilitation.models import Event  # noqa: E402
from tests.conftest import app_config  # noqa: E402
from tests.factories import make_meeting  # noqa: E402


def timed(write, repeat: int, session) -> tuple[float, int]:
    """Median ms of one write (the session emptied first, as a new write finds it), and its size."""
    times, size = [], 0
    for _ in range(repeat):
        session.expire_all()
        started = time.perf_counter()
        size = len(write())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[3, 30, 100], help="notes per column")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print("| notes in the event | bilan.md | median write of the bilan | median write of one board |")
    print("|---|---|---|---|")
    for per_column in args.notes:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            app = create_app(app_config(tmp, f"sqlite:///{tmp / 'bench.sqlite3'}"))
            meeting = make_meeting(app, organisations=13, workshops=3, notes_per_column=per_column)
            with app.app_context():
                db = get_session()
                event = db.get(Event, meeting.event_id)
                bilan_ms, size = timed(lambda db=db, event=event: bilan_text(db, event), args.repeat, db)
                board_ms, _ = timed(lambda db=db, event=event: board_text(db, event.workshops[0].board), args.repeat,
                                    db)
            app.extensions["relais.engine"].dispose()
        notes = per_column * 3 * len(meeting.workshops)
        print(f"| {notes} | {size / 1024:.1f} KiB | {bilan_ms:.1f} ms | {board_ms:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
