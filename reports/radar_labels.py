"""Where the radar's axis labels go: beside the end of each spoke, wrapped (long German compounds hyphenated),
and moved apart where two would overlap.

A label above the centre grows upwards, one below grows downwards, one at the side is centred on its spoke.
With many axes and several lines per label (a long name and its "(no score)" note) a label can reach into its
neighbour's lines: labels are then pushed away from the centre line, the ones nearer the top or bottom spoke
further out, until none overlaps. ``radar_drawing`` shrinks the rings when that pushes a label out of the
drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from .words import wrap_label

#: Space kept between two labels, in points.
GAP = 1.5


@dataclass
class Label:
    axis: int
    x: float
    #: Baseline of the first line.
    top: float
    anchor: str
    lines: list[str]
    #: The last line is the muted "(no score)" note.
    noted: bool
    width: float
    size: float

    @property
    def lead(self) -> float:
        return self.size * 1.15

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1): the lines' extent, ascenders to descenders."""
        x0 = {"start": self.x, "end": self.x - self.width, "middle": self.x - self.width / 2}[self.anchor]
        bottom = self.top - (len(self.lines) - 1) * self.lead - 0.25 * self.size
        return x0, bottom, x0 + self.width, self.top + 0.8 * self.size


def _overlap(a, b) -> float:
    """How far two boxes overlap vertically, when they overlap both ways (else 0)."""
    if min(a[2], b[2]) - max(a[0], b[0]) <= 0:
        return 0.0
    return max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place_labels(labels, notes, cx, cy, radius, font_size, font, levels) -> list[Label]:
    """Every axis label, placed and moved apart (see the module's note)."""
    unscored = dict(notes)
    count = len(labels)
    placed = []
    for i, text in enumerate(labels):
        angle = math.pi / 2 - 2 * math.pi * i / count
        r = (radius + 9)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        # About 22 characters a line (18 for a label centred over the top or bottom spoke, which spreads both
        # ways towards its neighbours); a word longer than a line is hyphenated, never run into the next label.
        lines = wrap_label(text, 18 if anchor == "middle" else 22) or [""]
        if i in unscored:
            lines.append(unscored[i])
        lead = font_size * 1.15
        if sin > 0.2:
            top = y + (len(lines) - 1) * lead
        elif sin < -0.2:
            top = y - font_size * 0.35
        else:
            top = y + (len(lines) - 1) * lead / 2 - font_size * 0.35
        width = max(stringWidth(line, font, font_size) for line in lines)
        placed.append(Label(i, x, top, anchor, lines, i in unscored, width, font_size))
    _spread(placed, cy)
    return placed


def _spread(placed: list[Label], cy: float) -> None:
    """Push overlapping labels apart: from the centre line outwards, each label clear of those placed before."""
    upper = sorted((lab for lab in placed if lab.box[1] >= cy - 1e-6 and lab.anchor != "middle" or
                    lab.anchor == "middle" and lab.top > cy), key=lambda lab: lab.top)
    lower = sorted((lab for lab in placed if lab not in upper), key=lambda lab: -lab.top)
    for side, direction in ((upper, 1), (lower, -1)):
        done: list[Label] = []
        for lab in side:
            for _ in range(len(done) + 1):
                clash = max((_overlap(lab.box, other.box) for other in done), default=0.0)
                if clash <= 0:
                    break
                lab.top += direction * (clash + GAP)
            done.append(lab)


def extent(placed: list[Label]) -> tuple[float, float]:
    """The lowest and highest point any label reaches."""
    return min(lab.box[1] for lab in placed), max(lab.box[3] for lab in placed)
