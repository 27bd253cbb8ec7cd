"""Scripts and styles served without their comments (facilitation/slim.py): the code is the same."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitation.slim import strip_css, strip_js

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_comments_go_and_everything_else_stays():
    src = (
        "// a whole line\n"
        "const url = \"http://example.org/*x*/\"; // after code\n"
        "const s = '// not a comment';\n"
        "  /**\n   * a block, on its own lines\n   */\n"
        "const re = /\\/\\*[^/]*\\//g, half = total / 2 /* inline */ + 1;\n"
        "const t = `line // kept\n\n  /* kept too */ ${a /* gone */ + `${b // gone\n}`}`;\n"
        "if (ok) return /x\\/y/.test(s) ? a / b : c; // end\n"
        "const next = a /* spans\n lines */ b\n"
    )
    assert strip_js(src) == (
        "const url = \"http://example.org/*x*/\";\n"
        "const s = '// not a comment';\n"
        "const re = /\\/\\*[^/]*\\//g, half = total / 2   + 1;\n"
        "const t = `line // kept\n\n  /* kept too */ ${a   + `${b\n}`}`;\n"
        "if (ok) return /x\\/y/.test(s) ? a / b : c;\n"
        "const next = a \n b\n"
    )


def test_a_script_it_cannot_follow_is_served_whole():
    for src in ("const s = 'open\n;", "const t = `open ${x}", "const r = /open\n", "/* open", "a\x00b // c"):
        assert strip_js(src) == src


def test_styles_lose_their_comments_not_their_strings():
    src = "/* head */\na::before { content: \"/* kept */\"; } /* tail */\n  /*\n   block\n  */\nb { c: d }\n"
    assert strip_css(src) == "a::before { content: \"/* kept */\"; }\nb { c: d }\n"


def _acorn_trees(sources: dict[str, str]) -> dict[str, str]:
    """Each source's syntax tree (positions left out), read by the acorn inside node."""
    script = r"""
const acorn = require("internal/deps/acorn/acorn/dist/acorn");
const sources = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const [name, src] of Object.entries(sources)) {
  const tree = acorn.parse(src, { ecmaVersion: "latest", sourceType: "module" });
  out[name] = JSON.stringify(tree, (k, v) => (k === "start" || k === "end" ? undefined : v));
}
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(["node", "--expose-internals", "-e", script], input=json.dumps(sources),
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_every_script_served_is_the_same_program_without_its_comments():
    """Read by a real JavaScript parser (acorn, inside node), each of our scripts and the script
    served for it make the same syntax tree: the same code, strings, template literals and
    regular expressions (their raw text included), only the comments gone."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the syntax trees cannot be compared")
    files = sorted((STATIC / "js").glob("*.js"))
    originals = {f.name: f.read_text(encoding="utf-8") for f in files}
    served = {name: strip_js(text) for name, text in originals.items()}
    try:
        before, after = _acorn_trees(originals), _acorn_trees(served)
    except subprocess.CalledProcessError as exc:
        if "internal/deps/acorn" in exc.stderr:
            pytest.skip("this node has no acorn inside: the syntax trees cannot be compared")
        raise
    for name in originals:
        assert served[name] != originals[name], name  # (every one of ours has comments)
        assert "//" not in served[name].replace("://", "") or "`" in served[name], name
        assert after[name] == before[name], name


def test_the_static_route_serves_them_slim_compressed_and_conditional(app):
    client = app.test_client()
    assets = app.extensions["relais.assets"]
    for name in ("js/connection.js", "css/app.css"):
        original = (STATIC / name).read_text(encoding="utf-8")
        url = f"/static/{name}?v={assets.hashes[name]}"
        plain = client.get(url)
        assert plain.status_code == 200 and "immutable" in plain.headers["Cache-Control"]
        body = plain.get_data(as_text=True)
        assert body == (strip_js(original) if name.endswith(".js") else strip_css(original))
        assert len(body) < len(original) * 0.95
        assert plain.mimetype == ("text/javascript" if name.endswith(".js") else "text/css")
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()).decode() == body
        etag = plain.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        part = client.get(url, headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and part.get_data(as_text=True) == body[:100]
    vendored = (STATIC / "vendor" / "socket.io.esm.min.js").read_text(encoding="utf-8")
    assert client.get("/static/vendor/socket.io.esm.min.js").get_data(as_text=True) == vendored  # licence kept
