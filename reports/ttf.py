"""A TrueType font whose text splitting skips ReportLab's per-character loop once the characters are known.

ReportLab maps every character of every string it draws to a code in a font subset, in Python, one character
at a time (``TTFont.splitString``); profiling the report showed it as its largest single cost (about a sixth of
a report's time, and as much of the floor's). The mapping only grows: a character keeps the code it was given
when it first appeared in the document. ``SubsetFont`` keeps that mapping, per document, as a ``str.translate``
table over the first subset (256 codes, which holds every character of an English or German report): a string
whose characters all have a code there is mapped in one C call; any other string goes through ReportLab's loop,
which gives its new characters their codes in the same order as before, so the subsets, their codes and the
PDF come out byte for byte the same. With ReportLab's default ``ttfAsciiReadable``, printable ASCII maps to
itself, so ASCII text is passed through as it is.
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTFont

#: In a translate table: a character without a code in the first subset (not Latin-1, so encoding fails).
_UNKNOWN = "\uffff"
_ASCII = range(0x20, 0x7F)
_NBSP = 0xA0


class SubsetFont(TTFont):
    """``TTFont`` with a fast ``splitString`` (same result, see the module's note)."""

    def __init__(self, name, filename, **options):
        super().__init__(name, filename, **options)
        readable = self._asciiReadable if self._asciiReadable is not None else rl_config.ttfAsciiReadable
        glyphs = self.face.charToGlyph
        # Only where ReportLab's loop maps every printable ASCII character to itself in subset 0.
        self._ascii_identity = bool(readable) and all(code in glyphs for code in _ASCII) and not getattr(
            self.face, "_full_font", False)

    def splitString(self, text, doc, encoding="utf-8"):
        if not self._ascii_identity:
            return super().splitString(text, doc, encoding)
        if not isinstance(text, str):
            text = text.decode("utf-8")
        state = self.state.get(doc)
        if state is None or not text:
            return super().splitString(text, doc, encoding)  # makes the document's state as ReportLab does
        if text.isascii() and text.isprintable():
            return [(0, text.encode("ascii"))]
        table = getattr(state, "opsladder_codes", None)
        if table is None:
            table = state.opsladder_codes = _codes(state.assignments)
        try:
            return [(0, text.translate(table).encode("latin-1"))]
        except UnicodeEncodeError:
            pass
        results = super().splitString(text, doc, encoding)
        assignments = state.assignments
        for char in set(text):
            code = assignments.get(ord(char))
            if code is not None and code < 256:
                table[ord(char)] = chr(code)
        return results


def _codes(assignments: dict[int, int]) -> dict[int, str]:
    """A translate table: each character with a code in the first subset to that code, every other character
    below 256 to a character that cannot be encoded (those above 256 without an entry stay, and cannot either)."""
    table = {code: _UNKNOWN for code in range(256)}
    table.update((char, chr(code)) for char, code in assignments.items() if code < 256)
    if 32 in assignments:
        table[_NBSP] = chr(assignments[32])  # ReportLab prints a no-break space as a space
    return table
