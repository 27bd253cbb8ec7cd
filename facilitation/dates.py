"""Days and times in the reader's language, through Babel: "mardi 10 mars, 10 h – 12 h".

Pages use the request's language, files (the Markdown notes, the bilan) the event's. Pure
functions of a language code, so the exports can call them without Flask.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_interval, format_time

LOCALES = {"fr": "fr_FR", "nl": "nl_BE", "en": "en_GB"}
# French writes hours as "10 h" and "10 h 30"; the other languages use their CLDR short time.
_HOUR_PATTERNS = {"fr": ("H 'h'", "H 'h' mm")}


def locale_of(language: str) -> str:
    """The Babel locale for one of our languages."""
    return LOCALES.get(language, "fr_FR")


def day(value: dt.date, language: str) -> str:
    """'mercredi 10 mars'."""
    return format_date(value, "EEEE d MMMM", locale=locale_of(language))


def short_day(value: dt.date, language: str) -> str:
    """'10 mars 2027' (a due date, a date on its own)."""
    return format_date(value, "long", locale=locale_of(language))


def hour(value: dt.time, language: str) -> str:
    """'10 h', '10 h 30' (fr); '10:30' (nl, en)."""
    patterns = _HOUR_PATTERNS.get(language)
    if patterns:
        return format_time(value, patterns[1] if value.minute else patterns[0], locale=locale_of(language))
    return format_time(value, "short", locale=locale_of(language))


def hours(start: dt.time, end: dt.time, language: str) -> str:
    """'10 h – 12 h'."""
    return f"{hour(start, language)} – {hour(end, language)}"


def when(value: dt.date, start: dt.time, end: dt.time, language: str) -> str:
    """'mercredi 10 mars, 10 h – 12 h'."""
    return f"{day(value, language)}, {hours(start, end, language)}"


def event_dates(first: dt.date | None, last: dt.date | None, language: str) -> str:
    """'9 – 10 mars 2027', or one day, or nothing."""
    if first is None:
        return ""
    if last is None or last == first:
        return short_day(first, language)
    return format_interval(first, last, "yMMMMd", locale=locale_of(language))
