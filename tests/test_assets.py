"""Static files' hashed URLs: a file edited while the server runs gets a new URL, and the
folder is looked at once a second at most, not for every URL of every page."""

from __future__ import annotations

from pathlib import Path

from facilitation import assets as assets_module
from facilitation.assets import Assets


def test_an_edited_file_gets_a_new_url_within_a_second_and_pages_do_not_stat_every_file(tmp_path, monkeypatch):
    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "phone.js"
    script.write_text("export const a = 1;\n")
    (tmp_path / "app.css").write_text("body {}\n")
    clock = [1000.0]
    monkeypatch.setattr(assets_module.time, "monotonic", lambda: clock[0])
    assets = Assets(tmp_path)
    looks = []
    real_files = assets._files
    monkeypatch.setattr(assets, "_files", lambda: looks.append(1) or real_files())
    assets.refresh()
    first = assets.hashes["js/phone.js"]

    script.write_text("export const a = 2;\n")
    for _ in range(12):  # a page's URLs, within the same second
        assets.chain("js/phone.js")
        assets.refresh()
    assert len(looks) == 1 and assets.hashes["js/phone.js"] == first

    clock[0] += 1.0
    assets.refresh()
    assert len(looks) == 2 and assets.hashes["js/phone.js"] != first


def test_a_page_asks_the_disk_a_few_times_not_hundreds(app, world, monkeypatch):
    stats = []
    real = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, *a, **k: stats.append(self) or real(self, *a, **k))
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/{world.code}/w/{world.workshops[0]}").status_code == 200
    assert len(stats) < 30, len(stats)  # was some 650 a page
