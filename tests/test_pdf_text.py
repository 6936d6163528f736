"""Right-to-left and other scripts in the PDFs: Hebrew and Arabic in reading order and joined (checked with
pdftotext), and characters DejaVu Sans lacks set in a fallback font or replaced visibly, never an empty box."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime, timezone

import pytest

from reports.data import panel_data, panel_row
from reports.fonts import REPLACEMENT, coverage, fallback_fonts, register_fonts
from reports.pdf import render_panel_summary, render_report
from reports.sample import CYCLE, framework, sample_report
from reports.text import is_rtl, visual_runs, width_of

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
needs_fallbacks = pytest.mark.skipif(not fallback_fonts(), reason="no fallback font installed (fonts-symbola)")

HEBREW_NAME = "דנה לוי"
ARABIC_NAME = "ليلى حداد"
HEBREW_EVIDENCE = "הוביל את פרויקט השיפור במחסן הצפוני"
ARABIC_EVIDENCE = "قاد مشروع تحسين المستودع الشمالي"
MIXED_EVIDENCE = "Led the שיפור project at site 12"


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext reads it, with Arabic presentation forms folded back to letters (NFKC)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFKC", text)


def report_with(name: str, *evidence: str):
    data = sample_report()
    block = dataclasses.replace(data.result.comments[0], texts=tuple(evidence))
    result = dataclasses.replace(data.result, comments=(block,) + data.result.comments[1:])
    return dataclasses.replace(data, candidate_name=name, result=result)


@needs_poppler
@pytest.mark.parametrize("name, evidence", [(HEBREW_NAME, HEBREW_EVIDENCE), (ARABIC_NAME, ARABIC_EVIDENCE)],
                         ids=["hebrew", "arabic"])
def test_right_to_left_names_and_evidence_read_in_order(tmp_path, name, evidence):
    """pdftotext reads the name and the evidence in their reading order, not reversed, not broken."""
    text = pdf_text(render_report(report_with(name, evidence, MIXED_EVIDENCE)), tmp_path)
    assert name in text and evidence in text
    assert name[::-1] not in text and evidence[::-1] not in text
    # Mixed text keeps its left-to-right frame, with the Hebrew word in order inside it (pdftotext marks the
    # embedded run with U+202B/U+202C and may move a space across its edge).
    plain = re.sub("[\u202a-\u202e]", "", text)
    assert re.search(r"Led the\s*שיפור\s*project at site 12", plain)


@needs_poppler
def test_right_to_left_names_in_the_panel_summary_grid(tmp_path):
    """Grid cells (the panel summary's candidate column) shape and order names too."""
    fw = framework()
    rows = [panel_row(name, sample_report(seed).result, fw, None)
            for seed, name in enumerate((HEBREW_NAME, ARABIC_NAME, "Zoë Müller-Šimić"))]
    panel = panel_data(fw, CYCLE, rows, generated_at=datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))
    text = pdf_text(render_panel_summary(panel), tmp_path)
    assert HEBREW_NAME in text and ARABIC_NAME in text and "Zoë Müller-Šimić" in text


def test_arabic_is_shaped_into_joined_forms():
    """Arabic letters become their joined presentation forms (which DejaVu Sans has); Hebrew needs none."""
    regular, _ = register_fonts()
    (shaped, font), = visual_runs(ARABIC_NAME, regular)
    assert font == regular and shaped != ARABIC_NAME[::-1]
    assert any(0xFE70 <= ord(c) <= 0xFEFF for c in shaped)
    assert unicodedata.normalize("NFKC", shaped)[::-1].replace(" ", "") == ARABIC_NAME.replace(" ", "")
    assert visual_runs(HEBREW_NAME, regular) == ((HEBREW_NAME[::-1], regular),)
    assert is_rtl(HEBREW_EVIDENCE) and is_rtl(ARABIC_NAME) and not is_rtl(MIXED_EVIDENCE)


@needs_fallbacks
def test_characters_the_font_lacks_use_a_fallback_font():
    """Emoji (and CJK, when Droid Sans Fallback is installed) are set in a font that has them."""
    regular, _ = register_fonts()
    assert 0x1F44D not in coverage(regular)
    runs = visual_runs("Great work 👍🚀 done", regular)
    assert [font for _, font in runs] == [regular, "Symbola", regular]
    assert runs[1][0] == "👍🚀"
    for text in ("Great work 👍🚀 done", "中文 名字", HEBREW_NAME + " 👍"):
        for piece, font in visual_runs(text, regular):
            missing = [c for c in piece if ord(c) not in coverage(font)]
            assert missing == [], f"{text!r}: {missing} in {font} would print as empty boxes"
    assert width_of("👍", regular, 10) > 0


def test_a_character_no_font_has_is_replaced_visibly():
    """A code point no installed font has prints as U+FFFD; an invisible format character is left out."""
    regular, _ = register_fonts()
    unassigned = "\U000E01EF"  # a variation selector no font here has
    assert all(ord(unassigned) not in coverage(f) for f in (regular, *fallback_fonts()))
    assert "".join(p for p, _ in visual_runs(f"a{chr(0x10FFFD)}b", regular)) == f"a{REPLACEMENT}b"
    assert "".join(p for p, _ in visual_runs("a\u2066b\u2069", regular)) in ("ab", "a\u2066b\u2069")
    # A control character stored before input cleaning existed prints visibly too.
    assert "".join(p for p, _ in visual_runs("Ann\x07Lee", regular)) == f"Ann{REPLACEMENT}Lee"


@needs_poppler
@needs_fallbacks
def test_a_report_with_emoji_renders_them_from_the_fallback_font(tmp_path):
    """The report embeds the fallback font for an emoji in the evidence, and its text is still there."""
    pdf = render_report(report_with("Ana Ruiz 👍", "Great work 🚀 on the rollout"))
    assert b"Symbola" in pdf
    text = pdf_text(pdf, tmp_path)
    assert "Great work" in text and "on the rollout" in text
