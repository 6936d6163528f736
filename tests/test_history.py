"""History across cycles (issue 20, part 2): the trend per competency (same and different rubric versions, added
and redefined competencies, withheld ones, one cycle only), the person pages as every role, and the PDF's text."""

from __future__ import annotations

import json
import shutil

import pytest

from assessment.extensions import db
from assessment.framework import current_framework
from assessment.services import history
from assessment.services.calibrations import approve_calibration, calibrate_verdict
from assessment.services.cycles import change_state, create_cycle
from assessment.services.readiness import assess
from assessment.services.release import release_cycle
from reports.trend import ADDED, COMPARED, FIRST, REDEFINED, WITHHELD
from rubrics import framework_from_snapshot, language
from tests.results_helpers import move_cycle, rated_assessment, report_pdf_text, results_page_text

CRISIS, BUDGET, PLANNING = "crisis_management", "budget_authority", "strategic_planning"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


def _cycle(name, framework=None, *, withhold=()):
    """A cycle opened on ``framework`` (by default the current rubric)."""
    cycle = create_cycle(name, actor=None)
    change_state(cycle, "open", actor=None, framework=framework or current_framework())
    db.session.commit()
    return cycle


def _round(make, person, name, levels, *, framework=None, peers=(), withheld=False):
    """``person`` assessed in a new released cycle ``name`` with a manager's ``levels`` (dict, default 3)."""
    cycle = _cycle(name, framework)
    assessment = rated_assessment(make, cycle=cycle, manager=levels, candidate=person, peers=peers)
    move_cycle(cycle, "closed")
    release_cycle(cycle, actor=make.user("hr"), withhold=[assessment.id] if withheld else (),
                  acknowledged=True)
    db.session.commit()
    return assessment


def _trend(assessment, audience="hr"):
    return history.trend(assessment, assess(assessment).result, audience=audience)


def _row(trend, competency_id):
    return next(r for r in trend.rows if r.competency_id == competency_id)


@pytest.fixture
def three(make):
    """One person in three released cycles against the same role: crisis management rises, budget falls."""
    person = make.user("candidate", name="Mara Lind")
    first = _round(make, person, "Autumn 2025", {CRISIS: 2, BUDGET: 4})
    second = _round(make, person, "Spring 2026", {CRISIS: 3, BUDGET: 4})
    third = _round(make, person, "Autumn 2026", {CRISIS: 4, BUDGET: 3})
    return person, first, second, third


def _older_rubric():
    """The current rubric as an older version: strategic planning under another id (so it is new in the
    current one) and the crisis management anchor of level 3 worded otherwise (so it is redefined)."""
    data = json.loads(json.dumps(current_framework().data))
    text = json.dumps(data).replace(f'"{PLANNING}"', '"strategic_planning_2025"')
    data = json.loads(text)
    crisis = next(c for c in data["competencies"] if c["id"] == CRISIS)
    level = crisis["levels"]["3"]
    anchor = level["anchor"] if isinstance(level, dict) and "anchor" in level else level
    anchor["en"] = "Handles incidents in own department by the book (an older wording)."
    data["version"] = "2025.1"
    return framework_from_snapshot(data)


def test_trend_over_three_cycles_of_one_rubric(three):
    """The last cycle is compared with the one before it: +1 on crisis management, −1 on budget authority."""
    _person, first, second, third = three
    trend = _trend(third)
    assert trend.previous_cycle == "Spring 2026"
    assert trend.cycles == ("Autumn 2025", "Spring 2026", "Autumn 2026")
    crisis, budget = _row(trend, CRISIS), _row(trend, BUDGET)
    assert (crisis.status, crisis.previous, crisis.score, crisis.change) == (COMPARED, 3, 4, 1)
    assert (budget.status, budget.change) == (COMPARED, -1)
    assert [p.score for p in crisis.points] == [2, 3, 4] and all(p.joined for p in crisis.points[1:])
    from reports.trend import change_text
    assert change_text(crisis, trend.previous_cycle) == "+1 level on Crisis management since Spring 2026."
    assert change_text(budget, trend.previous_cycle) == "−1 level on Budget authority since Spring 2026."
    # The middle cycle looks back on the first only, never forward.
    assert _trend(second).cycles == ("Autumn 2025", "Spring 2026")
    assert _row(_trend(second), CRISIS).change == 1


def test_trend_words_in_german(three):
    _person, _first, _second, third = three
    from reports.trend import change_text
    with language.use("de"):
        trend = _trend(third)
        words = change_text(_row(trend, CRISIS), trend.previous_cycle)
    assert words == "Krisenmanagement: +1 Stufe seit Spring 2026."


def test_one_cycle_has_no_trend(make):
    """A person assessed once: no earlier cycle, every row says so, nothing to draw a line between."""
    only = _round(make, make.user("candidate"), "Spring 2026", {CRISIS: 3})
    trend = _trend(only)
    assert not trend.has_history and trend.previous_cycle == ""
    assert {r.status for r in trend.rows} == {FIRST}


def test_another_target_role_is_not_compared(make):
    """The trend looks back only on cycles against the same target role."""
    person = make.user("candidate")
    cycle = _cycle("Spring 2026")
    rated_assessment(make, cycle=cycle, manager=3, candidate=person, current_role="head_of_operations")
    move_cycle(cycle, "closed", "released")
    later = _round(make, person, "Autumn 2026", 4)
    assert not _trend(later).has_history


def test_a_different_rubric_version_compares_unchanged_competencies_only(make):
    """Across rubric versions: an unchanged competency is compared, a redefined one and one new in this version
    say so instead of a number, and the chart draws no line to them."""
    person = make.user("candidate")
    old = _round(make, person, "Autumn 2025", {CRISIS: 2, BUDGET: 2}, framework=_older_rubric())
    new = _round(make, person, "Spring 2026", {CRISIS: 4, BUDGET: 3, PLANNING: 4})
    assert old.cycle.rubric_version_id != new.cycle.rubric_version_id
    trend = _trend(new)
    budget, crisis, planning = _row(trend, BUDGET), _row(trend, CRISIS), _row(trend, PLANNING)
    assert (budget.status, budget.change) == (COMPARED, 1)
    assert (crisis.status, crisis.change, crisis.previous) == (REDEFINED, None, None)
    assert (planning.status, planning.change) == (ADDED, None)
    assert not crisis.points[-1].joined and not planning.points[-1].joined and budget.points[-1].joined
    from reports.trend import change_text
    assert "redefined since Autumn 2025" in change_text(crisis, trend.previous_cycle)
    assert "new in this rubric version" in change_text(planning, trend.previous_cycle)


def test_withheld_competencies_are_not_trended_on_the_candidates_copy(make):
    """One peer in the earlier cycle (below the anonymity threshold): its competencies are withheld from the
    candidate, so their trend is not told to them (HR's copy compares them)."""
    person = make.user("candidate")
    _round(make, person, "Spring 2026", {CRISIS: 2}, peers=(3,))
    later = _round(make, person, "Autumn 2026", {CRISIS: 4})
    hr = _row(_trend(later, "hr"), CRISIS)
    mine = _row(_trend(later, "candidate"), CRISIS)
    assert hr.status == COMPARED
    assert mine.status == WITHHELD and mine.change is None and mine.previous is None
    assert mine.points[0].score is None


def _withheld_new_competency(make):
    """Strategic planning new in this rubric version, rated by the manager and one peer (below the anonymity
    threshold): its decision score is withheld from the candidate."""
    person = make.user("candidate")
    _round(make, person, "Autumn 2025", {CRISIS: 2, BUDGET: 2}, framework=_older_rubric())
    new = _round(make, person, "Spring 2026", {CRISIS: 4, BUDGET: 3, PLANNING: 4}, peers=(1,))
    planning = next(c for c in assess(new).result.competencies if c.competency_id == PLANNING)
    assert planning.is_withheld_from_candidate and planning.decision_score is not None
    return new


def test_a_withheld_score_is_blank_whatever_the_trend_status(make):
    """Added or redefined in this rubric version, a competency withheld from the candidate has no score in
    their trend, even when built from HR's result (HR's trend keeps it)."""
    new = _withheld_new_competency(make)
    mine, hr = _row(_trend(new, "candidate"), PLANNING), _row(_trend(new, "hr"), PLANNING)
    assert (mine.status, mine.score, mine.points[-1].score) == (ADDED, None, None)
    assert hr.status == ADDED and hr.score is not None


@needs_pdftotext
def test_the_candidates_pdf_never_prints_a_withheld_score_in_the_trend(client, auth, make, tmp_path):
    new = _withheld_new_competency(make)
    auth.login(new.candidate)
    text = report_pdf_text(client, new, tmp_path)
    section = text[text.find("Since the last cycle"):]
    assert "Candidate copy" in text and "Strategic planning – – Strategic planning is new" in section


def test_a_withheld_earlier_cycle_is_not_the_candidates(make):
    """An earlier result HR withheld from the candidate is not in their trend, and not on their history page."""
    person = make.user("candidate")
    _round(make, person, "Spring 2026", {CRISIS: 2}, withheld=True)
    later = _round(make, person, "Autumn 2026", {CRISIS: 4})
    assert _trend(later, "hr").has_history
    assert not _trend(later, "candidate").has_history
    assert [r.assessment.cycle.name for r in history.person_history(person.id, audience="candidate")] == ["Autumn 2026"]
    rows = history.person_history(person.id, audience="hr")
    assert [(r.assessment.cycle.name, r.state) for r in rows] == [("Autumn 2026", "results"), ("Spring 2026", "withheld")]


def test_person_history_rows(make, three):
    """Newest first, with the verdict in force, the calibration (from, to, when) and the release date; a proposal
    awaiting a second HR person is HR's only, and in force once approved."""
    person, first, _second, _third = three
    hr, second_hr = make.user("hr"), make.user("hr")
    computed = assess(first).result.band_id
    other = next(b.id for b in current_framework().readiness.bands if b.id != computed)
    calibration = calibrate_verdict(first, other, "Calibrated in the panel after the site visit.", actor=hr,
                                    candidate_note="The panel saw more.", reason_code="additional_evidence")
    db.session.commit()
    if not calibration.is_approved:
        assert history.person_history(person.id, audience="hr")[-1].proposal
        assert history.person_history(person.id, audience="candidate")[-1].proposal is None
        approve_calibration(first, calibration.id, actor=second_hr)
        db.session.commit()
    rows = history.person_history(person.id, audience="candidate")
    assert [r.assessment.cycle.name for r in rows] == ["Autumn 2026", "Spring 2026", "Autumn 2025"]
    oldest = rows[-1]
    assert oldest.is_calibrated and oldest.calibrated_at is not None
    assert oldest.verdict != oldest.computed
    assert all(r.released_at is not None for r in rows)
    assert rows[0].calibrated_at is None and rows[0].verdict == rows[0].computed


# ---------------------------------------------------------------- pages


def test_results_page_shows_the_trend_to_hr_and_candidate(client, auth, make, three):
    _person, _first, _second, third = three
    auth.login(make.user("hr"))
    text = results_page_text(client, third)
    assert "Since the last cycle" in text and "+1 level on Crisis management since Spring 2026." in text
    assert "−1 level on Budget authority since Spring 2026." in text
    html = client.get(f"/assessments/{third.id}/results").get_data(as_text=True)
    assert 'class="trend-chart"' in html and "<svg" in html
    auth.logout()
    auth.login(third.candidate)
    assert "+1 level on Crisis management since Spring 2026." in results_page_text(client, third)


def test_results_page_in_german(client, auth, make, three):
    _person, _first, _second, third = three
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    auth.login(hr)
    text = results_page_text(client, third)
    assert "Krisenmanagement: +1 Stufe seit Spring 2026." in text


def test_first_cycle_page_says_so(client, auth, make):
    only = _round(make, make.user("candidate"), "Spring 2026", 3)
    auth.login(only.candidate)
    assert "there is no earlier cycle to compare with" in results_page_text(client, only)


@pytest.mark.parametrize("role, status", [("hr", 200), ("manager", 403), ("candidate", 403)])
def test_hr_person_page_access(client, auth, make, three, role, status):
    """Only HR opens a person's history; a manager (even the line manager) and any candidate (even its own) not."""
    person, *_ = three
    who = person if role == "candidate" else make.user(role)
    auth.login(who)
    response = client.get(f"/hr/people/{person.id}/history")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "Autumn 2025" in html and "Spring 2026" in html and "Autumn 2026" in html


def test_hr_person_page_of_nobody(client, auth, make):
    auth.login(make.user("hr"))
    assert client.get("/hr/people/999999/history").status_code == 404
    assert client.get(f"/hr/people/{2**63}/history").status_code == 404


def test_candidate_history_is_their_own(client, auth, make, three):
    """The candidate's page lists their own released results only; another candidate sees nothing of them."""
    person, *_ = three
    auth.login(person)
    html = client.get("/me/history").get_data(as_text=True)
    assert "Autumn 2025" in html and "Autumn 2026" in html
    auth.logout()
    stranger = make.user("candidate")
    auth.login(stranger)
    html = client.get("/me/history").get_data(as_text=True)
    assert "Autumn 2025" not in html and "No results have been released to you yet." in html
    auth.logout()
    auth.login(make.user("manager"))
    assert client.get("/me/history").status_code == 403


def test_candidate_history_leaves_out_an_open_cycle(client, auth, make, three):
    person, *_ = three
    cycle = _cycle("Spring 2027")
    rated_assessment(make, cycle=cycle, manager=3, candidate=person)
    auth.login(person)
    assert "Spring 2027" not in client.get("/me/history").get_data(as_text=True)


# ---------------------------------------------------------------- PDF


@needs_pdftotext
def test_pdf_copies_show_the_trend(client, auth, make, three, tmp_path):
    _person, _first, _second, third = three
    auth.login(make.user("hr"))
    text = report_pdf_text(client, third, tmp_path)
    assert "Since the last cycle" in text and "+1 level on Crisis management since Spring 2026." in text
    assert "Decision score per competency in each cycle" in text
    auth.logout()
    auth.login(third.candidate)
    text = report_pdf_text(client, third, tmp_path)
    assert "Candidate copy" in text and "−1 level on Budget authority since Spring 2026." in text


@needs_pdftotext
def test_pdf_in_german(client, auth, make, three, tmp_path):
    _person, _first, _second, third = three
    auth.login(make.user("hr"))
    response = client.get(f"/assessments/{third.id}/report.pdf?lang=de")
    path = tmp_path / "de.pdf"
    path.write_bytes(response.data)
    import subprocess
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "Krisenmanagement: +1 Stufe seit Spring 2026." in text
