"""Language choice: a switch (cookie), else the browser's preference (French, Dutch or English;
a browser asking for none of them gets English), else, with no preference at all, French."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_babel import force_locale, get_locale, gettext, ngettext

from . import dates, payloads

LANGUAGES = ("fr", "nl", "en")


def current_language() -> str:
    """The language of this request: fr, nl or en."""
    return str(get_locale() or "fr").split("_")[0]


def select_locale() -> str:
    """Pick the language of this request."""
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if not request.accept_languages:
        return "fr"  # no preference sent: the meeting's own language
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def phase_labels() -> list[tuple[str, str]]:
    """The workshop's steps, in order, with their names in this request's language."""
    return [
        ("collect", gettext("Write")),
        ("group", gettext("Group")),
        ("vote", gettext("Vote")),
        ("discuss", gettext("Discuss")),
        ("closed", gettext("Closed")),
    ]


def programme_kind_labels() -> dict[str, str]:
    """The kinds of a time of the programme, named in this request's language."""
    return {
        "round": gettext("Presentations (tour de table)"),
        "workshops": gettext("Workshops"),
        "plenary": gettext("Plenary"),
        "break": gettext("Break"),
        "text": gettext("Other"),
    }


# Numbers whose plural form each language's rules pick (CLDR categories one, many, other).
SAMPLES = {"one": 1, "many": 1_000_000, "other": 2}


def _forms(pick: Callable[[int], str]) -> dict[str, str]:
    """A count's forms in this request's language, by plural category, with {n} for the number;
    the browser picks one with Intl.PluralRules (static/js/i18n.js, count())."""
    return {category: pick(n) for category, n in SAMPLES.items()}


def js_plurals() -> dict[str, dict[str, str]]:
    """Every count the browser scripts show, as plural forms (ngettext, never "1 notes")."""
    return {
        "dots": _forms(lambda n: ngettext("%(n)s dot", "%(n)s dots", n, n="{n}")),
        "people": _forms(lambda n: ngettext("%(n)s person", "%(n)s people", n, n="{n}")),
        "chars_left": _forms(lambda n: ngettext("%(n)s character left", "%(n)s characters left", n,
                                                n="{n}")),
        "dots_left": _forms(lambda n: ngettext("You have %(n)s dot left of {budget}.",
                                               "You have %(n)s dots left of {budget}.", n, n="{n}")),
        "my_dots": _forms(lambda n: ngettext("%(n)s of your dots here", "%(n)s of your dots here", n,
                                             n="{n}")),
        "private_count": _forms(lambda n: ngettext("%(n)s note written (private for now)",
                                                   "%(n)s notes written (private for now)", n, n="{n}")),
        "notes": _forms(lambda n: ngettext("%(n)s note", "%(n)s notes", n, n="{n}")),
        "questions": _forms(lambda n: ngettext("%(n)s question or note", "%(n)s questions or notes", n,
                                               n="{n}")),
        "minutes": _forms(lambda n: ngettext("%(n)s minute", "%(n)s minutes", n, n="{n}")),
    }


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
        "empty_column": gettext("No notes yet"),
        "rename": gettext("Rename"),
        "error": gettext("Something went wrong."),
        "board_deleted": gettext("This workshop was deleted."),
        "access_revoked": gettext("This facilitator link was replaced or revoked: this screen no longer receives "
                                  "anything. Ask the host for a new link."),
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
        "new_column": gettext("Add a column"),
        "name": gettext("Name"),
        "city": gettext("City"),
        "country": gettext("Country"),
        **{f"phase_{phase}": label for phase, label in phase_labels()},
        "help_group": gettext("The facilitator is gathering the notes into groups. You can still correct yours."),
        "help_vote": gettext("Time to vote: tap + on what matters most to you."),
        "help_discuss": gettext("Discussion time: here are the results and the actions."),
        "help_closed": gettext("This workshop is closed. Thank you! You can still read the board."),
        "private_notice": gettext("Private writing: only you see your notes until the facilitator reveals them all."),
        "projector_private": gettext("Private writing: the notes will appear all together."),
        "projector_closed": gettext("Workshop closed. Thank you!"),
        "continued": gettext("(continued)"),
        "paused": gettext("paused"),
        "no_workshops": gettext("No workshop yet: add the first one below."),
        "day_empty": gettext("Nothing planned on this day yet."),
        "no_workshop_left": gettext("no workshop (they were deleted)"),
        "note_menu": gettext("What to do with this note"),
        "group_menu": gettext("What to do with this group"),
        "move_to": gettext("Move to…"),
        "move": gettext("Move"),
        "moved_to": gettext("Note moved to"),
        "moved_up": gettext("Note moved up."),
        "moved_down": gettext("Note moved down."),
        "to_column": gettext("Column: {name}"),
        "to_group": gettext("Group: {name} ({column})"),
        "create": gettext("Create"),
        "due_date": gettext("Date (optional)"),
        "action_what": gettext("What will be done"),
        "vote_soon": gettext("The vote will open in a moment."),
        "vote_closed": gettext("The vote is closed."),
        "vote_progress": gettext("{dots} from {people}"),
        "vote_notes_help": gettext("Tap + to give a dot to a note, − to take it back."),
        "vote_groups_help": gettext("Tap + to give a dot to a group, − to take it back."),
        "add_dot": gettext("Give a dot"),
        "take_back": gettext("Take a dot back"),
        "results": gettext("Vote results"),
        "actions": gettext("Actions"),
        "no_actions": gettext("No actions yet."),
        "due": gettext("due"),
        "time_left": gettext("Time left:"),
        "spotlight": gettext("Spotlight"),
        "make_action": gettext("Turn into an action"),
        "new_group": gettext("New group"),
        "group_name": gettext("Name of the group"),
        "split": gettext("Ungroup"),
        "confirm_split": gettext("Split this group up? Its notes stay in the column."),
        "confirm_anonymous": gettext("Erase every pseudonym of this board for good?"),
        "nothing_lit": gettext("Nothing in the spotlight."),
        "lit": gettext("In the spotlight:"),
        "vote_none": gettext("No vote yet. Move to the Vote step to open one."),
        "vote_open_status": gettext("Vote open: {dots} from {people}."),
        "vote_closed_status": gettext("Vote closed: {dots} from {people}."),
        # the bilan, on a note
        "not_in_bilan": gettext("Not in the bilan"),
        "bilan_keep_out": gettext("Keep out of the bilan"),
        "bilan_let_in": gettext("Put back in the bilan"),
        # the meeting: programme, cards, round, plenary
        **{f"kind_{kind}": label for kind, label in programme_kind_labels().items()},
        "kind_question": gettext("Question:"),
        "kind_note": gettext("Note:"),
        "kind": gettext("Type"),
        "day": gettext("Day"),
        "starts_at": gettext("Starts at"),
        "ends_at": gettext("Ends at"),
        "title": gettext("Title"),
        "question": gettext("Question"),
        "move_up": gettext("Move up"),
        "room": gettext("Room"),
        "details": gettext("Details"),
        "time_slot": gettext("Time slot"),
        "slot": gettext("Programme slot"),
        "no_slot": gettext("Not in the programme"),
        "summary": gettext("Summary for the bilan (Markdown)"),
        "add_to_programme": gettext("Add to the programme"),
        "confirm_delete_item": gettext("Remove this time from the programme?"),
        "set_dates_first": gettext("Set the event’s first and last day (Event details, below) to write its programme."),
        "on_subject": gettext("What it already does on the subject"),
        "contact": gettext("Contact:"),
        "card": gettext("Card"),
        "card_empty": gettext("This card is still empty."),
        "card_ready": gettext("Card ready"),
        "card_not_ready": gettext("card not ready"),
        "host": gettext("Host"),
        "turn": gettext("Turn"),
        "next_card": gettext("Next:"),
        "round_not_started": gettext("The round has not started (or is over)."),
        "all_in_turn": gettext("All workshops in turn"),
        "no_results_yet": gettext("No vote revealed yet."),
        "next_meeting": gettext("What next? The next meeting, who takes over (Markdown)"),
        "bilan_pseudonyms": gettext("Name people in the bilan (their pseudonyms, where the board showed them)"),
        "files_language": gettext("Language of the notes and the bilan"),
        "time_zone": gettext("Time zone of the programme"),
        "saved": gettext("Saved."),
        "event_deleted": gettext("This event was deleted."),
        "revoke": gettext("Revoke"),
        "confirm_revoke": gettext("Revoke the link of {name}? It stops working at once."),
        "no_links": gettext("No workshop facilitator link yet."),
        "link_name": gettext("Who will hold it"),
        "link_name_example": gettext("Atelier 2 – Camille"),
        "link_workshops": gettext("The workshops it runs"),
        "make_link": gettext("Create link"),
        "erased_on": gettext("Deleted automatically on {date}."),
        "retention_days": gettext("Days kept after the last day"),
        "confirm_delete_event": gettext("Delete this event and everything in it, for good?"),
    }


def color_names() -> dict[str, str]:
    """The note colours in words (tooltips, screen readers), in the reader's language."""
    return {"yellow": gettext("Yellow"), "pink": gettext("Pink"), "blue": gettext("Blue"),
            "green": gettext("Green"), "orange": gettext("Orange"), "purple": gettext("Purple")}


class BrowserWords:
    """What every page's scripts read before they run: the strings and plural forms in one
    language, and the limits of every field, as one small script per language
    (`/words/<lang>.js?v=<hash>`). It used to be inline in every page: 12.7 kB of a phone's
    16.9 kB page, downloaded again on every visit, and 214 translations looked up for each
    page served. As a file named by its content's hash, a browser keeps it for a year and
    fetches it compressed (assets.py), and the server makes it once per language."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.made: dict[str, tuple[str, str]] = {}  # language -> (script, hash)

    def get(self, language: str) -> tuple[str, str]:
        """The script for a language (one of LANGUAGES) and its content's hash."""
        with self.lock:
            if language not in self.made:
                with force_locale(language):
                    data = {"strings": js_strings(), "plurals": js_plurals(), "limits": payloads.limits()}
                script = f"window.RELAIS_WORDS={json.dumps(data, ensure_ascii=False, separators=(',', ':'))};\n"
                self.made[language] = (script, hashlib.sha256(script.encode()).hexdigest()[:12])
            return self.made[language]

    def url(self) -> str:
        """The hashed URL of this request's language's script."""
        language = current_language()
        return url_for("words", language=language, v=self.get(language)[1])


BROWSER_WORDS = BrowserWords()


def template_globals() -> dict[str, Any]:
    """Helpers every template may use."""
    return {"current_language": current_language, "words_url": BROWSER_WORDS.url,
            "color_name": lambda color: color_names().get(color, color),
            "day_label": lambda day: dates.day(day, current_language()),
            "event_dates": lambda event: dates.event_dates(event.starts_on, event.ends_on, current_language())}
