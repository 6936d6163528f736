"""A report that tells the truth (issue 7): whose copy it is, what happened per rater group, rules as applied,
numbers that agree with the decision, development notes for everyone; checked on the story and through pdftotext."""

import shutil
import subprocess
from dataclasses import replace

import pytest

from reports.pdf import render_report, report_story
from reports.sample import sample_report
from tests.engine_sheets import with_written_evidence
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


def _with_decision(result, competency_id: str, score: float):
    """The result with one competency's decision score (and gap) replaced: the numbers-as-shown cases."""
    comps = tuple(replace(c, decision_score=score, gap=score - c.required) if c.competency_id == competency_id
                  else c for c in result.competencies)
    return replace(result, competencies=comps)


@needs_poppler
def test_a_score_just_below_the_requirement_is_never_printed_as_meeting_it(tmp_path):
    """3.967 against 4 prints 3.9 with gap −0.1 in the table and in the sentences, never 4.0 / 0.0."""
    data = sample_report(0, calibrated=False)
    comp = next(c for c in data.result.competencies if c.required == 4)
    result = _with_decision(data.result, comp.competency_id, 3.967)
    holding = [s for s in result.holding_back if s.competency_id != comp.competency_id]
    from rubrics.readiness import Shortfall

    holding.insert(0, Shortfall(comp.competency_id, comp.name, 4, 3.967, 0.033, comp.is_critical))
    result = replace(result, holding_back=tuple(holding))
    text = " ".join(pdf_pages(render_report(replace(data, result=result)), tmp_path))
    row = text[text.index(comp.name + (" ★" if comp.is_critical else ""), text.index("Competencies Competency")):]
    cells = row.split()[len(comp.name.split()) + (1 if comp.is_critical else 0):][:8]
    assert "3.9" in cells and "−0.1" in cells and "4.0" not in cells[4:6] and "0.0" not in cells, cells
    assert f"{comp.name}{' (critical)' if comp.is_critical else ''}: 3.9 against 4 required, 0.1 short" in text


def test_development_gives_the_top_three_in_full_and_the_rest_briefly():
    """With more than three priorities, the first three carry their next-level anchor; the others are one line."""
    seed = next(s for s in range(60) if len(sample_report(s).result.development_priorities) > 4)
    data = sample_report(seed)
    priorities = data.result.development_priorities
    text = story_text(report_story(data))
    for d in priorities[:3]:
        assert d.action in text
    assert "Further priorities, briefly" in text
    for n, d in enumerate(priorities[3:], start=4):
        assert f"{n}. {d.name}" in text
        # An anchor may be shared by two priorities only by accident; none of the rest prints its own.
        if all(d.action != top.action for top in priorities[:3]):
            assert d.action not in text


def test_strengths_are_above_the_requirement_not_at_it():
    """A competency exactly at its required level is not listed as a strength; one above it is."""
    from rubrics.readiness import RaterSheet, assess_readiness
    from reports.sample import framework

    fw = framework()
    role = fw.role("head_of_operations")
    above = role.requirements[0]
    ratings = {r.competency_id: r.required for r in role.requirements} | {above.competency_id: above.required + 1}
    sheets = [RaterSheet("manager-1", "manager", ratings), RaterSheet("manager-2", "manager", ratings)]
    sheets = with_written_evidence(fw, role.id, sheets)
    data = replace(sample_report(0, calibrated=False), result=assess_readiness(fw, role.id, sheets))
    text = story_text(report_story(data))
    section = text[text.index("Strengths"):text.index("Blind spots")]
    assert fw.competency(above.competency_id).name in section
    for req in role.requirements[1:]:
        assert fw.competency(req.competency_id).name not in section, req.competency_id


def test_panel_summary_shows_panel_review_with_its_provisional_band_and_the_flag_mark():
    """The panel summary's verdict column gives Panel review's provisional band and marks a flagged rater."""
    from reports.data import panel_data, panel_row
    from reports.pdf import panel_story
    from reports.sample import framework
    from rubrics.readiness import RaterSheet, assess_readiness

    fw = framework()
    ids = [c.id for c in fw.competencies]
    sheets = [RaterSheet("manager-1", "manager", {i: 5 for i in ids})]
    sheets += [RaterSheet(f"peer-{k}", "peer", {i: 1 for i in ids}) for k in (1, 2, 3)]
    result = assess_readiness(fw, "head_of_operations", with_written_evidence(fw, "head_of_operations", sheets))
    assert result.is_panel_review
    rows = [panel_row("Zoë Müller-Šimić", result, fw, rests_on_flagged=True)]
    text = story_text(panel_story(panel_data(fw, "Autumn", rows)))
    assert f"Panel review (provisional: {result.provisional_band_label}) ⚑" in text
    assert "Panel review" in text.split("Decision scores")[0], "the counts table has a Panel review row"
