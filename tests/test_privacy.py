"""What must never reach a log line: addresses, facilitator tokens, note text."""

from __future__ import annotations

import logging

from facilitation.security import ScrubAddresses, log_failure, redact_path


def _scrubbed(message: str) -> str:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)
    ScrubAddresses().filter(record)
    return record.getMessage()


def test_addresses_are_scrubbed_from_any_log_line():
    assert _scrubbed('127.0.0.1 - - "GET / HTTP/1.1" 200') == '[ip] - - "GET / HTTP/1.1" 200'
    assert _scrubbed("peer ('192.168.1.20', 51234) closed") == "peer ('[ip]', 51234) closed"
    assert _scrubbed("from 2001:db8::ff00:42:8329 and ::1") == "from [ip] and [ip]"
    assert _scrubbed("::ffff:10.0.0.4 upgraded") == "[ip] upgraded"


def test_what_looks_like_an_address_but_is_not_stays():
    for text in ("at 10:58:28,203", "version 3.11.7", "board:12 seq 4"):
        assert _scrubbed(text) == text


def test_facilitator_tokens_are_redacted():
    assert redact_path("/f/abc_DEF-123") == "/f/…"
    assert _scrubbed("GET /f/abc_DEF-123 302") == "GET /f/… 302"


def test_failures_are_logged_without_their_message(caplog):
    note_text = "Texte d'une note " + "très sensible"
    try:
        raise ValueError(note_text)
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            log_failure("note:add failed", exc)
    assert "ValueError" in caplog.text and "test_privacy.py" in caplog.text
    assert "sensible" not in caplog.text
