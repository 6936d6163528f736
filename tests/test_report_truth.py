"""A report that tells the truth (issue 7): whose copy it is, what happened per rater group, rules as applied,
numbers that agree with the decision, development notes for everyone; checked on the story and through pdftotext."""

import shutil
import subprocess
from dataclasses import replace

import pytest

from reports.pdf import render_report, report_story
from reports.sample import sample_report
from tests.test_reports import story_text

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The PDF's text per page, whitespace folded."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@needs_poppler
@pytest.mark.parametrize("audience, label", [("hr", "HR / panel copy"), ("candidate", "Candidate copy")])
def test_cover_says_whose_copy_and_shows_the_verdict(tmp_path, audience, label):
    """The cover names the copy (HR / panel, or candidate) and the verdict; every page header names the copy."""
    data = sample_report(0, calibrated=False, audience=audience)
    pages = pdf_pages(render_report(data), tmp_path)
    cover = pages[0]
    assert label in cover and f"Verdict for {data.result.target_role_name} {data.result.band_label}" in cover
    for page in pages[1:]:
        assert f"{label} · Confidential".upper() in page, page[:120]
    other = "Candidate copy" if audience == "hr" else "HR / panel copy"
    assert other not in " ".join(pages)


def test_cover_shows_the_calibrated_verdict_with_the_computed_one():
    """A calibrated report's cover gives the panel's verdict first and the computed one beside it."""
    data = sample_report(2, calibrated=True)
    assert data.calibration is not None
    cover = story_text(report_story(data)[:12])
    assert f"Calibrated verdict for {data.result.target_role_name}" in cover
    assert data.calibration.band_label in cover and f"Computed verdict: {data.result.band_label}." in cover
    plain = story_text(report_story(replace(data, calibration=None))[:12])
    assert "Calibrated" not in plain and data.result.band_label in plain
