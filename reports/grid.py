"""A plain-string table drawn in one pass: backgrounds, rules and one text object for all cells.

ReportLab's Table styles and draws every cell on its own (a text object, a state push and a style lookup
per cell); for grids of short strings and numbers, drawing them directly is several times cheaper. Cells
are plain strings; the columns named in ``wrap`` (and every header cell) wrap at word boundaries (and
inside over-long words, hyphenated where the language allows), the others are single-line. The header row,
if any, repeats when the grid splits across pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from rubrics import language

from .text import TextStyle, text_out, width_of, wrap_runs


@dataclass(frozen=True)
class GridStyle:
    text: TextStyle
    header: TextStyle | None = None
    #: Colour of the line under each body row; None for no lines.
    rule: object = None
    #: Colour of the line under the header row.
    header_rule: object = None
    pad_x: float = 3
    pad_y: float = 3.4
    #: Per column: "L", "C" or "R".
    align: tuple[str, ...] = ()
    #: Columns whose text may wrap onto several lines.
    wrap: frozenset = field(default_factory=frozenset)
    #: Columns set in the bold face of the text style.
    bold: frozenset = field(default_factory=frozenset)
    #: Per column, a style of its own (overrides ``bold`` for that column).
    columns: dict = field(default_factory=dict, hash=False)


_KNOWN: dict[tuple, dict[tuple, tuple]] = {}


def _known_rows(style: GridStyle, col_widths) -> dict[tuple, tuple]:
    """The rows laid out so far for a grid style, column widths and language: (cells, header?, cell colours) ->
    (height, cells). The methodology's grids (the scale, the anchor sources) are the same in every report."""
    key = (style, tuple(col_widths), language.current())
    known = _KNOWN.get(key)
    if known is None or len(known) > 20_000:  # a bound for long-running processes; refilling is cheap
        if len(_KNOWN) > 1_000:
            _KNOWN.clear()
        known = _KNOWN[key] = {}
    return known


class Grid(Flowable):
    """Rows of plain strings, optionally under a header row.

    ``backgrounds`` and ``colours`` map (body row, column) to a cell's fill and text colour.
    """

    def __init__(self, header, rows, col_widths, style: GridStyle, backgrounds=None, colours=None):
        super().__init__()
        self.header = list(header) if header is not None else None
        self.rows = [list(r) for r in rows]
        self.col_widths = list(col_widths)
        self.style = style
        self.backgrounds = dict(backgrounds or {})
        self.colours = dict(colours or {})
        self.width = sum(self.col_widths)
        known = _known_rows(style, self.col_widths)
        self._header_layout = self._layout(known, self.header, -1) if self.header is not None else None
        self._row_layouts = [self._layout(known, r, i) for i, r in enumerate(self.rows)]

    def _layout(self, known: dict, row, index):
        """A row's layout, remembered (see ``_known_rows``)."""
        colours = tuple(self.colours.get((index, col)) for col in range(len(row))) if self.colours else ()
        key = (tuple(row), index < 0, colours)
        layout = known.get(key)
        if layout is None:
            layout = known[key] = self._layout_row(row, self.style.header if index < 0 else self.style.text, index)
        return layout

    def _layout_row(self, row, text_style, index):
        """(height, [(style, lines) per cell]) of one row."""
        st = self.style
        cells = []
        for col, value in enumerate(row):
            if index >= 0 and col in st.columns:
                face = st.columns[col]
            elif col in st.bold:
                face = text_style.but(font=text_style.bold)
            else:
                face = text_style
            if (index, col) in self.colours:
                face = face.but(color=self.colours[(index, col)])
            inner = self.col_widths[col] - 2 * st.pad_x
            if col in st.wrap or index < 0:  # header cells always wrap: German headers are long
                lines = [seg[0][0] if seg else "" for seg in wrap_runs(((value, False),), face, inner)] or [""]
            else:
                lines = [value]
            cells.append((face, tuple(lines)))
        height = max(len(lines) * face.leading for face, lines in cells) + 2 * st.pad_y
        return height, tuple(cells)

    def _layouts(self):
        return ([self._header_layout] if self._header_layout else []) + self._row_layouts

    def wrap(self, avail_width, avail_height):
        self.height = sum(h for h, _ in self._layouts())
        return self.width, self.height

    def split(self, avail_width, avail_height):
        used = self._header_layout[0] if self._header_layout else 0
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

        def part(rows, lo, hi):
            def pick(cells):
                return {(r - lo, c): v for (r, c), v in cells.items() if lo <= r < hi}

            return Grid(self.header, rows, self.col_widths, self.style, pick(self.backgrounds), pick(self.colours))

        return [part(self.rows[:fit], 0, fit), part(self.rows[fit:], fit, len(self.rows))]

    def draw(self):
        canv, st = self.canv, self.style
        xs = [0.0]
        for w in self.col_widths:
            xs.append(xs[-1] + w)
        layouts = self._layouts()
        first_body = 1 if self._header_layout else 0
        tops, y = [], self.height
        for height, _ in layouts:
            tops.append(y)
            y -= height
        for (r, c), colour in self.backgrounds.items():
            canv.setFillColor(colour)
            row_top, height = tops[r + first_body], layouts[r + first_body][0]
            canv.rect(xs[c], row_top - height, self.col_widths[c], height, stroke=0, fill=1)
        if st.rule is not None:
            canv.setStrokeColor(st.rule)
            canv.setLineWidth(0.3)
            canv.lines([(0, t - h, self.width, t - h) for t, (h, _) in zip(tops[first_body:], layouts[first_body:])])
        if self._header_layout and st.header_rule is not None:
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
                    if text_out(text, line, face.font, face.size):
                        text.setFont(face.font, face.size)
                    baseline -= face.leading
        canv.drawText(text)

    @property
    def text(self) -> str:
        return "\n".join("\t".join(row) for row in ([self.header] if self.header else []) + self.rows)
