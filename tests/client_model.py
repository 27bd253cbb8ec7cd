"""The client's board state in Python: the same rules as static/js/board_state.js, so that a
property test can check that applying the broadcasts always ends in the server's order
(and a browser test runs the JS itself on recorded sequences)."""

from __future__ import annotations

import copy
from typing import Any


class ClientBoard:
    """What a screen holds of a board, changed the way board_state.js changes it."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.seq = snapshot["seq"]
        self.notes = {n["id"]: copy.deepcopy(n) for n in snapshot["notes"]}
        self.groups: dict[int, dict] = {}
        self.set_groups(snapshot["groups"])

    def set_groups(self, groups: list[dict]) -> None:
        self.groups = {g["id"]: dict(g) for g in groups}
        for note in self.notes.values():
            if note["group"] and note["group"] not in self.groups:
                note["group"] = None

    def upsert(self, note: dict, force: bool = False) -> None:
        known = self.notes.get(note["id"])
        if known and known["version"] > note["version"] and not force:
            return
        self.notes[note["id"]] = {**(known or {}), **note}

    def renumber(self, ids: list[int]) -> None:
        for index, note_id in enumerate(ids):
            if note_id in self.notes:
                self.notes[note_id]["position"] = index

    def receive(self, name: str, data: dict) -> None:
        """A broadcast, as connection.js takes it: in seq order, once."""
        if "seq" not in data or data["seq"] <= self.seq:
            return
        assert data["seq"] == self.seq + 1, f"gap: {self.seq} then {data['seq']}"
        self.seq = data["seq"]
        self.apply(name, data)

    def apply(self, name: str, data: dict) -> None:
        if name in ("note:added", "note:edited"):
            self.upsert(data["note"])
        elif name == "note:moved":
            self.upsert(data["note"], force=True)
            self.renumber(data["order"])
            if data.get("left"):
                self.renumber(data["left"]["order"])
        elif name == "note:deleted":
            self.notes.pop(data["note"], None)
        elif name == "note:purged":
            for note_id in data["notes"]:
                self.notes.pop(note_id, None)
        elif name == "board:groups":
            self.set_groups(data["groups"])
            for placed in data["notes"]:
                if placed["id"] in self.notes:
                    self.notes[placed["id"]].update(column=placed["column"], group=placed["group"],
                                                    position=placed["position"])

    def container_of(self, note: dict) -> str:
        group = self.groups.get(note["group"]) if note["group"] else None
        return f"{note['column']}:{note['group'] if group and group['column'] == note['column'] else 0}"

    def containers(self) -> dict[str, list[int]]:
        """Every container's note ids, in the order they are shown (position, then id)."""
        found: dict[str, list[dict]] = {}
        for note in self.notes.values():
            found.setdefault(self.container_of(note), []).append(note)
        return {key: [n["id"] for n in sorted(notes, key=lambda n: (n["position"], n["id"]))]
                for key, notes in found.items()}

    def texts(self) -> dict[int, tuple[str, int]]:
        return {i: (n["text"], n["version"]) for i, n in self.notes.items()}
