"""``reports.ttf.SubsetFont``: its fast text splitting gives exactly what ReportLab's ``TTFont`` gives, for the same
strings in the same order (the subsets and codes a PDF embeds depend on the order characters first appear)."""

from __future__ import annotations

import random

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reports.fonts import REGULAR, font_dirs, register_fonts
from reports.ttf import SubsetFont

TEXTS = [
    "", "Plain ASCII text, 3.5 of 4 (OTIF) & <more>.", "Größe", "Führungskräfte über „Übereinstimmung“ · 3,5",
    "Łukasz Nowak → Head of Operations", "a\u00a0b", "tab\there\nnewline", "ß", "€4.2m", "plain again",
    "Zoë Müller-Šimić – Søren Østergaard", "“quoted”", "\u2713 passed \u2717 not met",
]


class _Doc:
    """Stands for a PDF document (the font keeps its subsets per document, by weak reference)."""


def _fonts():
    register_fonts()
    path = str(font_dirs()[0] / "DejaVuSans.ttf")
    return TTFont("CheckSlow", path), SubsetFont("CheckFast", path)


def test_split_matches_reportlab_in_order():
    slow, fast = _fonts()
    doc_slow, doc_fast = _Doc(), _Doc()
    for text in TEXTS + TEXTS[::-1]:
        assert fast.splitString(text, doc_fast) == slow.splitString(text, doc_slow), text
    assert fast.state[doc_fast].subsets == slow.state[doc_slow].subsets
    assert fast.state[doc_fast].assignments == slow.state[doc_slow].assignments


def test_split_matches_reportlab_past_the_first_subset():
    """More than 256 distinct characters: later ones go to subset 1, 2 ..., mixed with ASCII runs."""
    slow, fast = _fonts()
    glyphs = sorted(code for code in slow.face.charToGlyph if code > 0x7F)
    rng = random.Random(7)
    doc_slow, doc_fast = _Doc(), _Doc()
    for _ in range(300):
        text = "".join(rng.choice([chr(rng.choice(glyphs)), "ab ", "Z", "9."]) for _ in range(rng.randint(0, 12)))
        assert fast.splitString(text, doc_fast) == slow.splitString(text, doc_slow), text
    assert len(slow.state[doc_slow].subsets) > 1
    assert fast.state[doc_fast].subsets == slow.state[doc_slow].subsets


def test_the_report_font_is_the_fast_one():
    register_fonts()
    assert isinstance(pdfmetrics.getFont(REGULAR), SubsetFont)
    assert pdfmetrics.getFont(REGULAR)._ascii_identity
