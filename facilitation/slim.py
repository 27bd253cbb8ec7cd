"""Our scripts and styles as they are served: without their comments.

Relais's scripts explain themselves at length, and a phone on a crowded wifi paid for every
word: comments were 18 % of the compressed bytes of a phone's first visit (7.3 kB of 40.7
at 400 kbit/s, 0.15 s). Served, a file keeps everything but its comments: the code, its
strings, template literals and regular expressions, its line breaks (a comment that held
one becomes one, so no statement runs into the next) and its indentation; a line that held
only a comment goes. Whitespace is not squeezed and names are not shortened: gzip already
takes most of that, and the two minifiers tried broke the code (tdewolff-minify reordered
`const` declarations, rJSmin changed spaces inside nested template literals).

Reading JavaScript needs one guess: whether a `/` starts a regular expression or divides.
It starts one after an operator, an opening bracket, a comma or a keyword such as `return`,
and divides after a name, a number or a closing bracket (the usual rule). A file this
reading cannot follow to its end in the state it started (a string, template or regular
expression left open) is served as it is, whole: nothing is ever cut from code it could not
read. The vendored libraries are served untouched (their licence notices stay).
"""

from __future__ import annotations

import re

# After these, a `/` starts a regular expression; after anything else (a name, a number,
# `)`, `]`, `}`), it divides.
_REGEX_AFTER_CHARS = frozenset("(,=:[!&|?{};+-*%<>~^")
_REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void",
                                "throw", "instanceof", "yield", "await"})
_WORD = re.compile(r"[\w$]+")
_CSS_COMMENT_OR_STRING = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)


class Unreadable(ValueError):
    """A file this reading cannot follow: it is served as it is."""


def _quoted_end(src: str, i: int, quote: str) -> int:
    """The index after the string that starts at i."""
    j = i + 1
    while j < len(src):
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            return j + 1
        if c == "\n":
            break
        j += 1
    raise Unreadable(f"string at {i}")


def _regex_end(src: str, i: int) -> int:
    """The index after the regular expression literal (and its flags) that starts at i."""
    j, in_class = i + 1, False
    while j < len(src):
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "\n":
            break
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "/":
            j += 1
            while j < len(src) and (src[j].isalnum() or src[j] == "_"):
                j += 1
            return j
        j += 1
    raise Unreadable(f"regular expression at {i}")


# What a comment leaves in the first reading: a mark, put back as a space or a line break, or
# taken out with its line if the line held nothing else. Neither character is in our files (a
# file that has one is served whole).
_INLINE, _BROKEN = "\x00", "\x01"
_AT_END = re.compile(r"[ \t]*\x00[ \t]*$")  # a comment that ends its line: the spaces before it go too


def _lines(marked: str) -> str:
    """The second reading: a line that held only comments goes; elsewhere a comment leaves a
    space, or a line break if it held one. A line without a mark (in a template literal too)
    stays exactly as it was."""
    kept = []
    for line in marked.split("\n"):
        if _INLINE in line or _BROKEN in line:
            if not line.replace(_INLINE, "").replace(_BROKEN, "").strip():
                continue
            line = _AT_END.sub("", line).replace(_INLINE, " ").replace(_BROKEN, "\n")
        kept.append(line)
    return "\n".join(kept)


def strip_js(src: str) -> str:
    """A script without its comments (see the module's note); the script itself, whole, if it
    cannot be followed to its end."""
    if _INLINE in src or _BROKEN in src:
        return src
    try:
        return _lines(_marked_js(src))
    except Unreadable:
        return src


def _marked_js(src: str) -> str:
    """The first reading: the script with each comment replaced by its mark."""
    out: list[str] = []
    n, i = len(src), 0
    last = ""  # the last thing of code before here: a punctuation character or a word
    depth = 0  # braces open in code
    templates: list[int] = []  # for each `${` open inside a template literal, the depth it opened at
    while i < n:
        c = src[i]
        if c in "'\"":
            j = _quoted_end(src, i, c)
            out.append(src[i:j])
            last, i = "x", j
        elif c == "`" or (c == "}" and templates and templates[-1] == depth):
            if c == "}":
                templates.pop()
            j = i + 1
            while True:
                if j >= n:
                    raise Unreadable(f"template literal at {i}")
                if src[j] == "\\":
                    j += 2
                elif src[j] == "`":
                    j += 1
                    last = "x"
                    break
                elif src.startswith("${", j):
                    j += 2
                    templates.append(depth)
                    last = "{"
                    break
                else:
                    j += 1
            out.append(src[i:j])
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            out.append(_INLINE)
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                raise Unreadable(f"comment at {i}")
            out.append(_BROKEN if "\n" in src[i:j] else _INLINE)
            i = j + 2
        elif c == "/":
            if not last or last in _REGEX_AFTER_CHARS or last in _REGEX_AFTER_WORDS:
                j = _regex_end(src, i)
                out.append(src[i:j])
                last, i = "x", j
            else:
                out.append(c)
                last, i = c, i + 1
        elif c.isspace():
            out.append(c)
            i += 1
        else:
            word = _WORD.match(src, i)
            if word:
                out.append(word.group())
                last, i = word.group(), word.end()
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            out.append(c)
            last, i = c, i + 1
    if templates:
        raise Unreadable("template literal left open")
    return "".join(out)


def strip_css(src: str) -> str:
    """A style sheet without its comments (strings kept as they are)."""
    if _INLINE in src or _BROKEN in src:
        return src

    def mark(match: re.Match[str]) -> str:
        text = match.group()
        return text if text[0] in "'\"" else _BROKEN if "\n" in text else _INLINE

    return _lines(_CSS_COMMENT_OR_STRING.sub(mark, src))
