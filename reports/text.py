"""A lean text flowable: word-wrapped runs of plain text in one or two faces, split across pages.

ReportLab's Paragraph parses markup and builds fragments for every piece of text; profiling the report
showed it as the largest cost. Report text needs none of that: a line of regular text with perhaps a bold
lead-in. ``TextBlock`` wraps such runs greedily by measured width, breaks words longer than a line
(a 200-character "word" never overflows), splits between lines at a page end (a 5,000-character comment
flows over pages), and takes any text as is: nothing is parsed, so ``<`` and ``&`` need no escaping.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable


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
        width = _WIDTHS[key] = stringWidth(text, font, size)
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
    """A word too long for a line, cut into pieces that fit (at least one character each)."""
    pieces, start = [], 0
    while start < len(word):
        end = start + 1
        # Grow by measuring; words this long are rare, so linear measuring is fine.
        while end < len(word) and stringWidth(word[start:end + 1], font, size) <= limit:
            end += 1
        pieces.append(word[start:end])
        start = end
    return pieces


def wrap_runs(runs, style: TextStyle, width: float) -> list[tuple[tuple[str, str, float], ...]]:
    """Lines of (text, font, x) segments for the runs within ``width``; one segment per change of face."""
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
                add(piece, font, stringWidth(piece, font, size), space if k == 0 else 0.0)
        else:
            add(word, font, w, space)
    if segs:
        lines.append(tuple(tuple(seg) for seg in segs))
    return lines


class TextBlock(Flowable):
    """Runs of plain text ((text, is_bold), ...) wrapped to the frame; splits between lines."""

    def __init__(self, runs, style: TextStyle):
        super().__init__()
        self.runs = tuple(runs)
        self.style = style
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
            for chunk, font, x in line:
                if font != current:
                    text.setFont(font, style.size)
                    current = font
                text.setTextOrigin(style.left_indent + x, y)
                text.textOut(chunk)
            y -= style.leading
        self.canv.drawText(text)
