"""The one function that turns a note's Markdown source into safe HTML."""

from __future__ import annotations

import re
from importlib.metadata import version

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}


# What a stored note's HTML was made with: a note whose stored version differs is rendered
# again (at start-up, see services/notes.refresh_html). Raise RULES when the extensions or the
# allowlist below change; a new python-markdown or nh3 changes it by itself.
RULES = 2  # 2: bare links (pymdownx.magiclink) and lists typed right after a line
RENDER_VERSION = (f"{RULES}-md{markdown.__version__}-pymdownx{version('pymdown-extensions')}"
                  f"-nh3{version('nh3')}")

_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)]) +\S")


class _ListsAsTyped(Preprocessor):
    """A list typed on a phone right under a line ("Ce qui aide :" then "- la pair-aidance")
    is a list: Markdown wants a blank line before it, which nobody types."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]) \
                    and not out[-1].startswith((" ", "\t")):
                out.append("")
            out.append(line)
        return out


class ListsAsTyped(Extension):
    """Register _ListsAsTyped before python-markdown's block parser."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (python-markdown's name)
        md.preprocessors.register(_ListsAsTyped(md), "lists_as_typed", 25)


def _extensions() -> list:
    # magiclink: a bare address (https://…, www.…, an e-mail) becomes a link, which the nh3
    # allowlist below then checks like any other; no repository shorthands, no icons.
    return ["sane_lists", "nl2br", ListsAsTyped(), "pymdownx.magiclink"]


def neutralise_html(text: str) -> str:
    """Escape '&' and '<' so that raw HTML in a note shows as typed, never as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def render_note(text: str) -> str:
    """Render note source to HTML: python-markdown, then the nh3 allowlist.

    Used by the phone, the projector, the console and the report alike.
    """
    html = markdown.markdown(neutralise_html(text), extensions=_extensions(),
                             extension_configs={"pymdownx.magiclink": {"hide_protocol": False}})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def rendered(text: str) -> tuple[str, str]:
    """A note's HTML and the renderer's version, to store beside its source."""
    return render_note(text), RENDER_VERSION


def note_html(text: str, html: str | None, made_with: str | None) -> str:
    """A note's stored HTML when the current renderer made it, else made now (never stale)."""
    return html if html is not None and made_with == RENDER_VERSION else render_note(text)
