"""The one function that turns a note's Markdown source into safe HTML."""

from __future__ import annotations

import markdown
import nh3

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}


def neutralise_html(text: str) -> str:
    """Escape '&' and '<' so that raw HTML in a note shows as typed, never as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def render_note(text: str) -> str:
    """Render note source to HTML: python-markdown, then the nh3 allowlist.

    Used by the phone, the projector, the console and the report alike.
    """
    html = markdown.markdown(neutralise_html(text), extensions=["sane_lists", "nl2br"])
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
