"""Language choice: a switch (cookie), else the browser's preference, else French."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import get_locale, gettext

LANGUAGES = ("fr", "en")


def select_locale() -> str:
    """Pick the language of this request."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="fr") or "fr"


def js_strings() -> dict[str, str]:
    """The strings the browser scripts show, translated for this request."""
    return {
        "sending": gettext("Sending…"),
        "offline": gettext("Offline: your notes are kept on this phone and will be sent."),
        "online": gettext("Connected"),
        "reconnecting": gettext("Reconnecting…"),
        "edit": gettext("Edit"),
        "delete": gettext("Delete"),
        "save": gettext("Save"),
        "cancel": gettext("Cancel"),
        "confirm_delete": gettext("Delete this note?"),
        "confirm_delete_column": gettext("Delete this column?"),
        "confirm_delete_workshop": gettext("Delete this workshop and all its notes?"),
        "confirm_delete_org": gettext("Remove this organisation from the list?"),
        "chars_left": gettext("characters left"),
        "empty_column": gettext("No notes yet"),
        "rename": gettext("Rename"),
        "error": gettext("Something went wrong."),
        "board_deleted": gettext("This workshop was deleted."),
        "copied": gettext("Copied"),
        "projector": gettext("Projector"),
        "phone": gettext("Phone"),
        "download": gettext("Notes (.md)"),
        "columns": gettext("Columns"),
        "name": gettext("Name"),
        "city": gettext("City"),
        "country": gettext("Country"),
    }


def template_globals() -> dict[str, Any]:
    """Helpers every template may use."""
    return {"current_language": lambda: str(get_locale() or "fr"), "js_strings": js_strings}
