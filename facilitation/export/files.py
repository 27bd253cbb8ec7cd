"""Atomic writes of Markdown notes under NOTES_DIR."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_board_file(folder: Path, stem: str, board_id: int, text: str) -> Path:
    """Write <stem>.md and remove this board's files under older names (after a rename)."""
    path = folder / f"{stem}.md"
    write_atomic(path, text)
    suffix = f"-{board_id}.md"
    for old in folder.glob(f"*{suffix}"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
