"""The PDF reports in German: headings, dates and numbers in German formats, umlauts and ß in the embedded font,
long German compounds hyphenated inside their table cells and chart labels; English unchanged."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import replace

import pytest

from reports.data import RaterNote
from reports.layout import MARGIN
from reports.pdf import render_panel_summary, render_report
from reports.sample import sample_panel, sample_report
from rubrics import language
from tests.test_reports import needs_poppler, needs_qpdf, pdf_text, qpdf_check

LONG = "Geschäftsbereichsübergreifende Zusammenarbeit"
LONGER = "Donaudampfschifffahrtsgesellschaftskapitänsausbildungsverordnung"


def flat(text: str) -> str:
    """Text with every run of white space (no-break spaces too) as one space."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def dehyphenated(text: str) -> str:
    """Text with words hyphenated at a line end joined again ("Geschäftsbereichs-\\nübergreifende")."""
    return re.sub(r"(\w)-\s+(\w)", r"\1\2", text)


def renamed(data, *names):
    """The report data with its first competencies renamed (long German names)."""
    comps = list(data.result.competencies)
    for i, name in enumerate(names):
        comps[i] = replace(comps[i], name=name)
    return replace(data, result=replace(data.result, competencies=tuple(comps)))


def words(pdf: bytes, tmp_path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, every word's box (x0, y0, x1, y1 from the top-left, in points) and text, by pdftotext -bbox."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def overlapping(boxes, slack: float = 0.6):
    """Pairs of word boxes that overlap by more than ``slack`` points both ways: text drawn over text."""
    found = []
    boxes = sorted(boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2] - slack:
                break
            if min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack:
                found.append((a[4], b[4]))
    return found


@needs_poppler
def test_german_hr_copy_has_german_headings_dates_and_numbers(tmp_path):
    """The HR copy asked for in German: German headings and furniture, "21. November 2026", decimal commas."""
    pdf = render_report(sample_report(1, lang="de"))
    text = flat(pdf_text(pdf, tmp_path, layout=False))
    pages = text.count("Seite ")
    for heading in ("BERICHT ZUR BEFÖRDERUNGSREIFE", "Einstufung für", "Profil", "Kompetenzen", "Entwicklungsschwerpunkte",
                    "Kommentare der Bewertenden", "Methodik", "Bewertungsskala", "Wie die Einstufung zustande kommt",
                    "Quellen des Kompetenzmodells", "Worauf jeder Verhaltensanker beruht", "EXEMPLAR FÜR HR / GREMIUM",
                    "VERTRAULICH", "Größte Lücke bei kritischen", "Qualität der Bewertungen",
                    "Entscheidungswert", "Selbst (zählt nicht für die Einstufung)"):
        assert heading in text, heading
    assert "21. November 2026" in text and "22. November 2026, 09:00 UTC" in text
    assert pages >= 4 and f"Seite 1 von {pages}" in text
    # Levels and scores with a decimal comma (the table: "4,0"); no English furniture left.
    assert re.search(r"\b[1-5],\d\b", text)
    # Percentages as German writes them: "79,3 %" (the weighted attainment, computed in German).
    assert re.search(r"\b\d{1,3},\d %", text)
    for english in ("Page 1 of", "Methodology", "Development priorities", "Confidential", "Rater comments",
                    "Assessment date", "Decision score"):
        assert english not in text, english


@needs_poppler
def test_german_candidate_copy_and_rater_share_in_german_formats(tmp_path):
    """The candidate's copy says whose it is in German; HR's rater note gives the share as "67 %"."""
    text = flat(pdf_text(render_report(sample_report(2, lang="de", audience="candidate")), tmp_path))
    assert "EXEMPLAR FÜR KANDIDAT:IN" in text and "Das eigene Exemplar der Kandidatin" in text
    assert "Qualität der Bewertungen (nur im Exemplar für HR)" not in text
    note = RaterNote("Lena Lässig", "manager", 2 / 3, (("Milde Bewertung", "Bewertet durchweg höher."),))
    hr = replace(sample_report(1, lang="de"), rater_notes=(note,))
    text = flat(pdf_text(render_report(hr), tmp_path))
    assert "Lena Lässig (Führungskraft, 67 % des Gewichts im Entscheidungswert)" in text


@needs_poppler
def test_english_stays_the_default_and_unchanged(tmp_path):
    """Without a language the report is English: English headings, "21 November 2026", decimal points."""
    data = sample_report(1)
    assert data.language == "en"
    text = flat(pdf_text(render_report(data), tmp_path))
    for heading in ("PROMOTION READINESS REPORT", "Profile", "Development priorities", "Methodology",
                    "HR / panel copy", "21 November 2026", "22 November 2026, 09:00 UTC", "Page 1 of"):
        assert heading in text, heading
    assert "Seite" not in text and "Einstufung" not in text


@needs_poppler
def test_the_language_is_the_reports_not_the_callers(tmp_path):
    """A German report renders in German inside an English block, and leaves the current language alone."""
    data = sample_report(3, lang="de")
    with language.use("en"):
        text = flat(pdf_text(render_report(data), tmp_path))
        assert language.current() == "en"
    assert "Methodik" in text and "Methodology" not in text


@needs_poppler
def test_german_panel_summary(tmp_path):
    """The panel summary in German: title, counts table, legend, furniture."""
    text = flat(pdf_text(render_panel_summary(sample_panel(6, lang="de")), tmp_path))
    for part in ("ÜBERSICHT FÜR DAS GREMIUM", "6 Kandidat:innen", "erstellt am 22. November 2026, 09:00 UTC",
                 "Berechnet", "Nach Kalibrierung durch HR", "Entscheidungswerte im Vergleich zur geforderten Stufe",
                 "bis zu einer Stufe darunter", "EXEMPLAR FÜR HR / GREMIUM · VERTRAULICH", "Seite 1 von"):
        assert part in text, part


@needs_qpdf
@needs_poppler
@pytest.mark.parametrize("audience", ["hr", "candidate"])
def test_long_german_compounds_wrap_inside_their_cells(audience, tmp_path):
    """Competencies named "Geschäftsbereichsübergreifende Zusammenarbeit" and a 64-letter compound: the PDF is
    valid, both words are in its text (maybe hyphenated), no word runs past the margins or the competency
    column, and no word is drawn over another (radar labels included)."""
    data = renamed(sample_report(1, lang="de", audience=audience), LONG, LONGER)
    pdf = render_report(data)
    qpdf_check(pdf, tmp_path)
    # Hyphenated at a line end (pyphen) or, without pyphen, cut: compared without the breaks.
    joined = "".join(dehyphenated(pdf_text(pdf, tmp_path, layout=False)).split())
    assert LONG.replace(" ", "") in joined and LONGER in joined and "ß" in joined
    pages = words(pdf, tmp_path)
    width = 595.28
    for number, boxes in enumerate(pages, start=1):
        for x0, _y0, x1, _y1, word in boxes:
            assert MARGIN - 1 <= x0 and x1 <= width - MARGIN + 1, (number, word, x0, x1)
        assert not overlapping(boxes), (number, overlapping(boxes)[:5])
    # The competency table: every piece of the long names ends before the next column ("Gefordert") begins.
    table_page = next(boxes for boxes in pages if {"Kompetenz", "Gefordert"} <= {w[4] for w in boxes})
    required = next(w for w in table_page if w[4] == "Gefordert")
    pieces = [w for w in table_page if w[4].startswith(("Geschäftsbereichs", "Donaudampf", "übergreifende"))
              and w[1] > required[3]]
    assert len(pieces) >= 2
    for _x0, _y0, x1, _y1, word in pieces:
        assert x1 < required[0], (word, x1, required[0])
