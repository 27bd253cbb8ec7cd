"""What a hand-over package weighs and costs, for a meeting of a given size: its size in
bytes, the time to export it, to read it (every check of an untrusted package) and to import
it as a full copy and as a template; in process, SQLite, medians.

    .venv/bin/python bench/package_cost.py --notes 33 --repeat 10   # 13 organisations, 3 workshops, 297 notes
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

from flask_babel import force_locale  # noqa: E402

from facilitation import clock, create_app, package  # noqa: E402
from facilitation.db import get_session  # noqa: E402
from facilitation.mirror import bilan_labels, markdown_labels  # noqa: E402
from facilitation.models import Event  # noqa: E402
from tests.conftest import app_config  # noqa: E402
from tests.factories import make_meeting  # noqa: E402


def median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=33, help="notes per column (3 columns, 3 workshops)")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        app = create_app(app_config(tmp, f"sqlite:///{tmp / 'bench.sqlite3'}"))
        meeting = make_meeting(app, notes_per_column=args.notes)
        with app.test_request_context():
            db = get_session()
            event = db.get(Event, meeting.event_id)

            def export(full: bool = True) -> bytes:
                with force_locale(event.language):
                    return package.export_package(db, event, full=full, now=clock.now(),
                                                  labels=(markdown_labels(), bilan_labels()))

            data, structure = export(), export(full=False)

            def imported(copy: bool) -> None:
                package.import_package(db, package.read_manifest(data), copy=copy)
                db.rollback()

            rows = {
                "export (full)": median_ms(export, args.repeat),
                "read and check": median_ms(lambda: package.read_manifest(data), args.repeat),
                "import as a full copy": median_ms(lambda: imported(True), args.repeat),
                "import as a template": median_ms(lambda: imported(False), args.repeat),
            }
        app.extensions["relais.engine"].dispose()
    notes = args.notes * 3 * 3
    print(f"13 organisations, 3 workshops, {notes} notes: package {len(data) / 1024:.1f} KiB "
          f"(structure only {len(structure) / 1024:.1f} KiB)")
    for name, ms in rows.items():
        print(f"| {name} | {ms:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
