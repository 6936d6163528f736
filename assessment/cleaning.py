"""One input-cleaning layer for every way text comes in: forms, list filters, imports; and for writers.

A NUL byte gives a database error on PostgreSQL, other control characters make an XLSX file invalid and
are never meant: they are refused with a message that says what and where, never silently dropped, so
the person can see and fix what they typed. Tab and line breaks are allowed in multi-line text only.
Everything else (accents, right-to-left scripts, emoji) is text like any other.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from rubrics import language

#: Control characters (Unicode category Cc) but tab and line breaks, lone surrogates, and the two
#: non-characters XML 1.0 (and so XLSX) cannot hold.
#: An RFC 2047 encoded word (``=?utf-8?q?...?=``): a mail program decodes it inside a header, so a name holding
#: one could carry a line break or a second address into every message that names it.
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bq]\?[^?\s]*\?=", re.IGNORECASE)
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: U+2028/U+2029 are line breaks too (a mail header or a CSV reader may split the line there).
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
_NAMES = {"\x00": _l("a NUL byte"), "\t": _l("a tab"), "\n": _l("a line break"), "\r": _l("a line break"),
          "\u2028": _l("a line separator (U+2028)"), "\u2029": _l("a paragraph separator (U+2029)")}


def _describe(char: str) -> str:
    return str(_NAMES[char]) if char in _NAMES else _("the control character U+%(code)s", code="%04X" % ord(char))


def text_problem(value: str | None, *, multiline: bool = False, max_length: int | None = None) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can.

    The message is a sentence fragment to put beside a field or after "Row 3, column name: ", in the current
    language (Flask-Babel's; English outside a request).
    """
    if not value:
        return None
    found = _UNSTORABLE.search(value)
    if found:
        return _("contains %(what)s at character %(position)s, which cannot be stored; remove it (it may have "
                 "come from a copy and paste)", what=_describe(found.group()), position=found.start() + 1)
    found = None if multiline else _LINE_BREAKS.search(value)
    if found:
        return _("contains %(what)s at character %(position)s; this is one line of text",
                 what=_describe(found.group()), position=found.start() + 1)
    if max_length is not None and len(value) > max_length:
        return _("is %(length)s characters long; at most %(limit)s are allowed",
                 length=language.number(len(value), 0), limit=language.number(max_length, 0))
    return None


def replace_unstorable(text: str) -> str:
    """``text`` with every character a file format cannot hold replaced by a visible U+FFFD (for writers:
    text stored before this layer existed may still hold one, and an export must not fail on it)."""
    return _UNSTORABLE.sub("\ufffd", text)


#: The largest id or count a URL or a form may name: PostgreSQL's ``integer`` (SQLite's limit is 2^63 - 1).
MAX_WHOLE_NUMBER = 2**31 - 1
_ASCII_DIGITS = re.compile("[0-9]{1,10}")


def whole_number(value: str | None, *, minimum: int = 0, maximum: int = MAX_WHOLE_NUMBER) -> int | None:
    """``value`` as a whole number when it is ASCII digits only, within ``minimum``..``maximum``; else None.

    ``str.isdigit`` and ``int`` also take other scripts' digits ("١٢" is 12) and ``int`` refuses "²" although
    ``isdigit`` says yes; an id of 2^31 or more overflows PostgreSQL's integer. Every number from a URL's
    query or a form goes through here (URL paths through ``WholeNumberConverter``)."""
    text = (value or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


class WholeNumberConverter(IntegerConverter):
    """``<int:...>`` in every route: ASCII digits only, 1..``MAX_WHOLE_NUMBER``; anything else matches no route
    (404), so an id of 2^63 or "١٢" never reaches the database. Registered as ``int`` by the app factory."""

    regex = "[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_WHOLE_NUMBER,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
