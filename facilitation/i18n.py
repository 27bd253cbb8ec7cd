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


def phase_labels() -> list[tuple[str, str]]:
    """The workshop's steps, in order, with their names in this request's language."""
    return [
        ("collect", gettext("Write")),
        ("group", gettext("Group")),
        ("vote", gettext("Vote")),
        ("discuss", gettext("Discuss")),
        ("closed", gettext("Closed")),
    ]


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
        "access_revoked": gettext("This facilitator link was replaced: this screen no longer receives anything. "
                                  "Open the new link."),
        "too_fast": gettext("That is a lot at once: wait a moment, it will be sent by itself."),
        "server_stopping": gettext("The server is restarting; this page reconnects by itself. Nothing is lost."),
        "files_behind": gettext("The notes files cannot be written ({cause}); they will be written as soon as "
                                "possible. Nothing is lost: everything is in the database."),
        "cause_no_space": gettext("the disk is full"),
        "cause_read_only": gettext("the folder is read-only"),
        "cause_permission": gettext("permission denied"),
        "cause_other": gettext("a disk error"),
        "purge": gettext("Delete all this person's notes"),
        "confirm_purge": gettext("Delete every note written by the author of this note, on this board?"),
        "copied": gettext("Copied"),
        "projector": gettext("Projector"),
        "phone": gettext("Phone"),
        "download": gettext("Notes (.md)"),
        "columns": gettext("Columns"),
        "name": gettext("Name"),
        "city": gettext("City"),
        "country": gettext("Country"),
        **{f"phase_{phase}": label for phase, label in phase_labels()},
        "help_group": gettext("The facilitator is gathering the notes into groups. You can still correct yours."),
        "help_vote": gettext("Time to vote: tap + on what matters most to you."),
        "help_discuss": gettext("Discussion time: here are the results and the actions."),
        "help_closed": gettext("This workshop is closed. Thank you! You can still read the board."),
        "private_notice": gettext("Private writing: only you see your notes until the facilitator reveals them all."),
        "private_count": gettext("{n} notes written (private for now)"),
        "projector_private": gettext("Private writing: the notes will appear all together."),
        "projector_closed": gettext("Workshop closed. Thank you!"),
        "vote_soon": gettext("The vote will open in a moment."),
        "vote_closed": gettext("The vote is closed."),
        "vote_progress": gettext("{cast} dots from {voters} people"),
        "dots_left": gettext("You have {left} of {budget} dots left."),
        "dots_left_one": gettext("You have 1 of {budget} dots left."),
        "vote_notes_help": gettext("Tap + to give a dot to a note, − to take it back."),
        "vote_groups_help": gettext("Tap + to give a dot to a group, − to take it back."),
        "add_dot": gettext("Give a dot"),
        "take_back": gettext("Take a dot back"),
        "my_dots": gettext("of your dots here"),
        "dot": gettext("dot"),
        "dots": gettext("dots"),
        "dots_short": gettext("pts"),
        "results": gettext("Vote results"),
        "actions": gettext("Actions"),
        "no_actions": gettext("No actions yet."),
        "due": gettext("by"),
        "time_left": gettext("Time left:"),
        "spotlight": gettext("Spotlight"),
        "make_action": gettext("Make it an action"),
        "new_group": gettext("New group"),
        "group_name": gettext("Name of the group"),
        "split": gettext("Split up"),
        "confirm_split": gettext("Split this group up? Its notes stay in the column."),
        "confirm_anonymous": gettext("Erase every pseudonym of this board for good?"),
        "nothing_lit": gettext("Nothing in the spotlight."),
        "lit": gettext("In the spotlight:"),
        "vote_none": gettext("No vote yet. Move to the Vote step to open one."),
        "vote_open_status": gettext("Vote open: {cast} dots from {voters} people."),
        "vote_closed_status": gettext("Vote closed: {cast} dots from {voters} people."),
    }


def template_globals() -> dict[str, Any]:
    """Helpers every template may use."""
    return {"current_language": lambda: str(get_locale() or "fr"), "js_strings": js_strings}
