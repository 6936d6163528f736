"""A plain-string score table drawn in one pass: backgrounds, rules and one text object for all cells.

ReportLab's Table styles and draws every cell on its own (a text object, a state push and a style lookup
per cell); for a grid of short strings and numbers, drawing them directly is several times cheaper. Cells
are plain strings; the columns named in ``wrap`` wrap at word boundaries (and inside over-long words),
the others are single-line. The header row repeats when the grid splits across pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from .text import TextStyle, wrap_runs, width_of


@dataclass(frozen=True)
class GridStyle:
    text: TextStyle
    header: TextStyle
    rule: object
    header_rule: object
    pad_x: float = 3
    pad_y: float = 3.4
    #: Per column: "L", "C" or "R".
    align: tuple[str, ...] = ()
    #: Columns whose text may wrap onto several lines.
    wrap: frozenset = field(default_factory=frozenset)
    #: Columns set in bold.
    bold: frozenset = field(default_factory=frozenset)


class Grid(Flowable):
    """Rows of plain strings under one header row, with optional cell backgrounds {(row, col): colour}."""

    def __init__(self, header, rows, col_widths, style: GridStyle, backgrounds=None):
        super().__init__()
        self.header = list(header)
        self.rows = [list(r) for r in rows]
        self.col_widths = list(col_widths)
        self.style = style
        self.backgrounds = dict(backgrounds or {})
        self.width = sum(self.col_widths)
        self._header_layout = self._layout_row(self.header, style.header)
        self._row_layouts = [self._layout_row(r, style.text) for r in self.rows]

    def _layout_row(self, row, text_style):
        """(height, [lines per cell]) of one row."""
        st = self.style
        cells = []
        for col, value in enumerate(row):
            face = text_style.but(font=text_style.bold) if col in st.bold else text_style
            inner = self.col_widths[col] - 2 * st.pad_x
            if col in st.wrap:
                lines = [seg[0][0] if seg else "" for seg in wrap_runs(((value, False),), face, inner)] or [""]
            else:
                lines = [value]
            cells.append((face, lines))
        height = max(len(lines) for _, lines in cells) * text_style.leading + 2 * st.pad_y
        return height, cells

    def wrap(self, avail_width, avail_height):
        self.height = self._header_layout[0] + sum(h for h, _ in self._row_layouts)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        used = self._header_layout[0]
        fit = 0
        for height, _ in self._row_layouts:
            if used + height > avail_height:
                break
            used += height
            fit += 1
        if fit == 0:
            return []
        if fit == len(self.rows):
            return [self]
        first = {(r, c): v for (r, c), v in self.backgrounds.items() if r < fit}
        rest = {(r - fit, c): v for (r, c), v in self.backgrounds.items() if r >= fit}
        return [
            Grid(self.header, self.rows[:fit], self.col_widths, self.style, first),
            Grid(self.header, self.rows[fit:], self.col_widths, self.style, rest),
        ]

    def draw(self):
        canv, st = self.canv, self.style
        xs = [0.0]
        for w in self.col_widths:
            xs.append(xs[-1] + w)
        top = self.height
        layouts = [self._header_layout] + self._row_layouts
        # Row tops, from the top of the grid downwards.
        tops = []
        y = top
        for height, _ in layouts:
            tops.append(y)
            y -= height
        for (r, c), colour in self.backgrounds.items():
            canv.setFillColor(colour)
            row_top, height = tops[r + 1], layouts[r + 1][0]
            canv.rect(xs[c], row_top - height, self.col_widths[c], height, stroke=0, fill=1)
        canv.setStrokeColor(st.rule)
        canv.setLineWidth(0.3)
        canv.lines([(0, t - h, self.width, t - h) for t, (h, _) in zip(tops[1:], layouts[1:])])
        canv.setStrokeColor(st.header_rule)
        canv.setLineWidth(0.8)
        canv.line(0, tops[1], self.width, tops[1])

        text = canv.beginText()
        current = None
        for row_top, (height, cells) in zip(tops, layouts):
            for col, (face, lines) in enumerate(cells):
                if (face.font, face.size, face.color) != current:
                    text.setFont(face.font, face.size)
                    text.setFillColor(face.color)
                    current = (face.font, face.size, face.color)
                align = st.align[col] if st.align else "L"
                baseline = row_top - st.pad_y - face.size
                for line in lines:
                    if align == "R":
                        x = xs[col + 1] - st.pad_x - width_of(line, face.font, face.size)
                    elif align == "C":
                        x = (xs[col] + xs[col + 1] - width_of(line, face.font, face.size)) / 2
                    else:
                        x = xs[col] + st.pad_x
                    text.setTextOrigin(x, baseline)
                    text.textOut(line)
                    baseline -= face.leading
        canv.drawText(text)

    @property
    def text(self) -> str:
        return "\n".join("\t".join(row) for row in [self.header] + self.rows)
