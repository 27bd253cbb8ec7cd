"""What every benchmark here shares: its command line's common part and how it reports."""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any


def arguments(doc: str) -> argparse.ArgumentParser:
    """A benchmark's command line: its docstring as help, and --json (also write the result)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the result here")
    return parser


def rounds_and_before(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--rounds, and --before: the same measure of an older source tree, alternated in one run."""
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="also measure Relais from this source tree (an older release)")
    return parser


def medians(rows_by_key: dict[str, list[dict]]) -> dict[str, dict]:
    """The median of each figure over the rounds, per key."""
    return {key: {k: statistics.median(r[k] for r in rows) for k in rows[0]} for key, rows in rows_by_key.items()}


def report(result: Any, path: Path | None, shown: Any = None) -> None:
    """Print the result (or `shown`, a summary of it) and write it whole to `path`, if given."""
    print(json.dumps(result if shown is None else shown, indent=2))
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2))


def main_with_rounds(doc: str, run: Callable[[argparse.Namespace], Any],
                     more: Callable[[argparse.ArgumentParser], Any] | None = None) -> None:
    """The whole command line of a benchmark that takes --rounds, --before and --json (and
    what `more` adds)."""
    parser = rounds_and_before(arguments(doc))
    if more is not None:
        more(parser)
    args = parser.parse_args()
    report(run(args), args.json)
