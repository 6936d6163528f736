"""A lean text flowable: word-wrapped runs of plain text in one or two faces, split across pages.

ReportLab's Paragraph parses markup and builds fragments for every piece of text; profiling the report
showed it as the largest cost. Report text needs none of that: a line of regular text with perhaps a bold
lead-in. ``TextBlock`` wraps such runs greedily by measured width, breaks words longer than a line
(a 200-character "word" never overflows), splits between lines at a page end (a 5,000-character comment
flows over pages), and takes any text as is: nothing is parsed, so ``<`` and ``&`` need no escaping.

Every piece of text is drawn through ``visual_runs``: Arabic is shaped (letters joined, with
``arabic-reshaper``), right-to-left text is put in display order (the Unicode bidi algorithm, with
``python-bidi``), and each character is set in a font that has it (reports/fonts.py), so nothing prints as
an empty box. Lines are wrapped in reading order and reordered one line at a time; a block whose text
starts right-to-left is set right-aligned, its runs mirrored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from rubrics import language

from .fonts import REPLACEMENT, font_for
from .words import hyphenated

#: Scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...) and their presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_RUNS: dict[tuple[str, str, bool | None], tuple[tuple[str, str], ...]] = {}


def is_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left: its first letter with a direction is right-to-left."""
    if text.isascii() or not _RTL.search(text):
        return False
    from bidi import get_base_level

    return get_base_level(text) == 1


def visual_runs(text: str, font: str, rtl: bool | None = None) -> tuple[tuple[str, str], ...]:
    """``text`` as it is drawn: (piece, font) in display order, shaped, every character in a font that has it.

    ``rtl`` forces the base direction (None: from the text itself). A character no font has becomes U+FFFD;
    an invisible format character no font has (a bidi mark, say) is left out.
    """
    if text.isascii() and text.isprintable():
        return ((text, font),)
    key = (text, font, rtl)
    runs = _RUNS.get(key)
    if runs is None:
        if len(_RUNS) > 100_000:  # a bound for long-running processes
            _RUNS.clear()
        runs = _RUNS[key] = _visual_runs(text, font, rtl)
    return runs


def _visual_runs(text: str, font: str, rtl: bool | None) -> tuple[tuple[str, str], ...]:
    shown = text
    if _ARABIC.search(shown):
        import arabic_reshaper

        shown = arabic_reshaper.reshape(shown)
    if _RTL.search(shown):
        from bidi import get_display

        shown = get_display(shown, base_dir=None if rtl is None else ("R" if rtl else "L"))
    runs: list[list[str]] = []
    for char in shown:
        face = font_for(char, font)
        if face is None:
            if unicodedata.category(char) == "Cf":
                continue
            char, face = REPLACEMENT, font
        if runs and runs[-1][1] == face:
            runs[-1][0] += char
        else:
            runs.append([char, face])
    return tuple((piece, face) for piece, face in runs) or (("", font),)


def text_out(text_object, text: str, font: str, size: float, rtl: bool | None = None) -> bool:
    """Draw ``text`` at the text object's cursor through ``visual_runs``; True when the font was changed
    (the caller sets its own again before drawing more)."""
    runs = visual_runs(text, font, rtl)
    if len(runs) == 1 and runs[0][1] == font:
        text_object.textOut(runs[0][0])
        return False
    for piece, face in runs:
        text_object.setFont(face, size)
        text_object.textOut(piece)
    return True


def draw_string(canv, x: float, y: float, text: str, font: str, size: float, *, align: str = "left") -> None:
    """``canvas.drawString`` (or ``drawRightString`` with align="right") through ``visual_runs``."""
    if align == "right":
        x -= width_of(text, font, size)
    text_object = canv.beginText(x, y)
    text_object.setFont(font, size)
    text_out(text_object, text, font, size)
    canv.drawText(text_object)


@dataclass(frozen=True)
class TextStyle:
    font: str
    bold: str
    size: float
    leading: float
    color: Color
    left_indent: float = 0
    space_before: float = 0
    space_after: float = 0

    def but(self, **changes) -> TextStyle:
        return replace(self, **changes)


_WIDTHS: dict[tuple[str, str, float], float] = {}


def width_of(text: str, font: str, size: float) -> float:
    """The width of a word, remembered: report text repeats (anchors, rules, labels), measuring does not."""
    key = (text, font, size)
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) > 200_000:  # a bound for long-running processes; refilling is cheap
            _WIDTHS.clear()
        width = _WIDTHS[key] = sum(stringWidth(piece, face, size) for piece, face in visual_runs(text, font))
    return width


def _words(runs, style: TextStyle):
    """(word, font, width, space_width_before) per word of the runs; a run may start mid-word.

    Any whitespace (tabs, line breaks from a text area) separates words like a space.
    """
    words = []
    glue = False  # whether the next word continues the previous one (no space between runs)
    for text, is_bold in runs:
        if not text:
            continue
        font = style.bold if is_bold else style.font
        space = width_of(" ", font, style.size)
        if text[0].isspace():
            glue = False
        for k, part in enumerate(text.split()):
            width = width_of(part, font, style.size)
            joined = glue and k == 0 and words
            words.append((part, font, width, 0.0 if joined or not words else space))
        glue = not text[-1].isspace()
    return words


def _break_word(word, font, size, limit):
    """A word too long for a line in pieces that fit: hyphenated at a syllable boundary where the report's
    language allows (reports/words.py), else cut (at least one character a piece)."""
    # Measuring grows piece by piece; words this long are rare, so linear measuring is fine.
    return hyphenated(word, lambda piece: width_of(piece, font, size) <= limit)


_WRAPPED: dict[tuple, tuple[tuple[tuple[str, str, float], ...], ...]] = {}


def wrap_runs(runs, style: TextStyle, width: float) -> tuple[tuple[tuple[str, str, float], ...], ...]:
    """Lines of (text, font, x) segments for the runs within ``width``; one segment per change of face.

    Remembered: four fifths of a report's text (the methodology, the rules, the anchor sources, headings and
    notes) is the same in every report of a language, and wrapping it was a sixth of a report's time.
    """
    runs = tuple(runs)
    # What wrapping depends on: the faces and size (not the colour or spacing), and the language, for the
    # hyphenation of over-long words.
    key = (runs, style.font, style.bold, style.size, width, language.current())
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) > 50_000:  # a bound for long-running processes; refilling is cheap
            _WRAPPED.clear()
        lines = _WRAPPED[key] = _wrap(runs, style, width)
    return lines


def _wrap(runs, style: TextStyle, width: float) -> tuple[tuple[tuple[str, str, float], ...], ...]:
    size = style.size
    lines = []
    segs: list[list] = []
    x = 0.0

    def add(word, font, w, space):
        nonlocal segs, x
        if segs and x + space + w > width:
            lines.append(tuple(tuple(seg) for seg in segs))
            segs, x = [], 0.0
        if not segs:
            space = 0.0
        if segs and segs[-1][1] == font:
            segs[-1][0] += (" " if space else "") + word
        else:
            segs.append([word, font, x + space])
        x += space + w

    for word, font, w, space in _words(runs, style):
        if w > width:
            for k, piece in enumerate(_break_word(word, font, size, width)):
                add(piece, font, width_of(piece, font, size), space if k == 0 else 0.0)
        else:
            add(word, font, w, space)
    if segs:
        lines.append(tuple(tuple(seg) for seg in segs))
    return tuple(lines)


class TextBlock(Flowable):
    """Runs of plain text ((text, is_bold), ...) wrapped to the frame; splits between lines."""

    def __init__(self, runs, style: TextStyle):
        super().__init__()
        self.runs = tuple(runs)
        self.style = style
        self.rtl = is_rtl(self.text)
        self._lines = None
        self._for_width = None

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)

    def getPlainText(self) -> str:  # the name Paragraph uses; tests and tools read it
        return self.text

    def getSpaceBefore(self):
        return self.style.space_before

    def getSpaceAfter(self):
        return self.style.space_after

    def _layout(self, avail_width):
        width = max(1.0, avail_width - self.style.left_indent)
        if self._for_width != width:
            self._lines = wrap_runs(self.runs, self.style, width)
            self._for_width = width
        return self._lines

    def wrap(self, avail_width, avail_height):
        lines = self._layout(avail_width)
        self.width = avail_width
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def _part(self, lines, style):
        bold = self.style.bold
        runs = []
        for k, line in enumerate(lines):
            for j, (text, font, _) in enumerate(line):
                lead = " " if (j > 0 or k > 0) and not text.startswith(" ") else ""
                runs.append((lead + text, font == bold))
        part = TextBlock(runs, style)
        part._lines, part._for_width = list(lines), self._for_width
        return part

    def split(self, avail_width, avail_height):
        lines = self._layout(avail_width)
        fit = int((avail_height + 1e-6) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        return [
            self._part(lines[:fit], self.style.but(space_after=0)),
            self._part(lines[fit:], self.style.but(space_before=0)),
        ]

    def draw(self):
        style = self.style
        # One text object for the whole block: far cheaper than a drawString per line.
        text = self.canv.beginText()
        text.setFillColor(style.color)
        current = None
        # Baseline of the first line: the descent below it fits within the leading.
        y = self.height - style.size
        for line in self._lines:
            if self.rtl:  # right-aligned, the runs mirrored: the line reads from the right edge
                end = line[-1][2] + width_of(line[-1][0], line[-1][1], style.size)
                shift = self._for_width - end
            for chunk, font, x in line:
                if font != current:
                    text.setFont(font, style.size)
                    current = font
                if self.rtl:
                    x = shift + end - x - width_of(chunk, font, style.size)
                text.setTextOrigin(style.left_indent + x, y)
                if text_out(text, chunk, font, style.size, self.rtl or None):
                    current = None
            y -= style.leading
        self.canv.drawText(text)
