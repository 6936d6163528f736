"""The results page and the cycle overview tell the same truth as the PDF (issue 7): numbers that agree with
the decision, every rater group's story, rules as applied, the engine's outcomes, and the candidate's view."""

import re
import shutil
from dataclasses import replace

import pytest

from assessment.extensions import db
from rubrics import language
from rubrics.readiness_candidate import withheld_note
from assessment.results import views
from assessment.services.readiness import assess
from tests.results_helpers import NOT_OBSERVED, move_cycle, rated_assessment, sheet, submit_sheet
from tests.results_helpers import report_pdf_text as _pdf, results_page_text as _page


@pytest.fixture(autouse=True)
def _verdicts_while_open(app):
    """These tests read results of open cycles: with HIDE_VERDICTS_WHILE_OPEN off, as before the setting
    (tests/test_governance_hidden_verdicts.py tests it on)."""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False


def _patched_decision(monkeypatch, competency_id: str, score: float):
    """Make the page's result carry ``score`` as this competency's decision (a case few rater sets produce)."""
    def fake(assessment, **options):
        outcome = assess(assessment, **options)
        comps = tuple(replace(c, decision_score=score, gap=score - c.required) if c.competency_id == competency_id
                      else c for c in outcome.result.competencies)
        return replace(outcome, result=replace(outcome.result, competencies=comps))

    monkeypatch.setattr(views, "assess", fake)


def test_page_never_rounds_a_shortfall_up_to_the_requirement(client, auth, make, monkeypatch):
    """A decision of 3.997 against 4 shows 3.9 with gap −0.1 on the page, never 4 with gap 0."""
    assessment = rated_assessment(make, manager=4)
    comp = next(r for r in make.framework.role(assessment.target_role).requirements if r.required == 4)
    _patched_decision(monkeypatch, comp.competency_id, 3.997)
    auth.login(make.user("hr"))
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    name = make.framework.competency(comp.competency_id).name
    row = re.search(r"<th scope=\"row\">" + re.escape(name) + r".*?</tr>", html, re.S).group(0)
    assert "<strong>3.9</strong>" in row and ">−0.1</td>" in row, row
    assert "<strong>4</strong>" not in row


def test_page_lists_strengths_above_the_requirement_only(client, auth, make):
    """The page's Strengths name the competency above its requirement, never one exactly at it."""
    role = make.framework.role("head_of_operations")
    above = role.requirements[0]
    levels = {r.competency_id: r.required for r in role.requirements} | {above.competency_id: above.required + 1}
    assessment = rated_assessment(make, manager=levels)
    auth.login(make.user("hr"))
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="strengths-heading">.*?</section>', html, re.S).group(0)
    assert make.framework.competency(above.competency_id).name in section
    for req in role.requirements[1:]:
        assert make.framework.competency(req.competency_id).name not in section


# ---------------------------------------------------------------- page and PDF tell the same story

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")




def _levels(make, value, **overrides):
    return {c.id: value for c in make.framework.competencies} | overrides


@needs_poppler
def test_peers_asked_who_did_not_submit_are_said_so(client, auth, make, tmp_path):
    """Two peers assigned, none submitted: page and PDF say "2 peers were asked; none submitted", never
    "No peers were asked"."""
    assessment = make.assessment(managers=1, peers=2)
    submit_sheet(sheet(assessment, "manager"), 4)
    auth.login(make.user("hr"))
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "2 peers were asked; none submitted." in text
        assert "1 manager was asked; 1 submitted." in text
        assert "No peers were asked" not in text
    alone = make.assessment(managers=1, peers=0)
    submit_sheet(sheet(alone, "manager"), 4)
    assert "No peers were asked." in _pdf(client, alone, tmp_path)


@needs_poppler
def test_a_single_managers_sheet_is_said_and_not_the_best_band(client, auth, make, tmp_path):
    """One manager rating 5 everywhere: the verdict box says it rests on one manager's sheet; not Ready now."""
    assessment = rated_assessment(make, manager=5)
    auth.login(make.user("hr"))
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "Evidence: Rests on one manager’s sheet." in text
        assert "Computed verdict Ready now" not in text and "Verdict for Head of Operations Ready now" not in text


@needs_poppler
def test_attainment_is_shown_with_its_coverage(client, auth, make, tmp_path):
    """Four competencies not observed: the attainment says how many it covers, never a bare 100%."""
    role = make.framework.role("head_of_operations")
    unscored = [r.competency_id for r in role.requirements if not r.is_critical][:4]
    levels = {r.competency_id: 5 for r in role.requirements} | {i: NOT_OBSERVED for i in unscored}
    assessment = rated_assessment(make, manager=levels, peers=(levels, levels, levels))
    auth.login(make.user("hr"))
    total = len(role.requirements)
    # Since rubric 2026.12.3 the unscored count at zero over all competencies (docs/readiness.md): the text
    # names them instead of "100% of the 11 of 15 scored".
    coverage = assess(assessment).result.attainment_text
    assert coverage.endswith(f"over all {total}, 4 unscored counted as zero") and not coverage.startswith("100")
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert coverage in " ".join(text.split())
        assert not re.search(r"attainment:? 100(\.0)?%(?! of the)", text), "100% without its coverage"


@needs_poppler
def test_rules_that_do_not_apply_are_never_ticked(client, auth, make, tmp_path):
    """Insufficient evidence (self only): the band conditions show as not applicable, with no tick."""
    assessment = make.assessment(managers=1)
    submit_sheet(sheet(assessment, "self"), 4)
    auth.login(make.user("hr"))
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    result = assess(assessment).result
    not_applicable = [r for r in result.rules if r.status == "not_applicable"]
    assert not_applicable, "the band conditions do not apply without a band"
    for rule in not_applicable:
        item = re.search(r'<li class="rule ([a-z-]+)"><span class="rule-mark">([^<]+)</span>\s*<span>'
                         + re.escape(rule.text), html)
        assert item and item.groups() == ("not-applicable", "– Not applicable"), rule.text
    pdf = _pdf(client, assessment, tmp_path)
    for rule in not_applicable:
        at = pdf.index(rule.text.split(":")[0])
        assert "✓" not in pdf[at - 3:at], rule.text
    assert "Not applicable." in pdf and "– not applicable" in pdf


@needs_poppler
def test_failed_rules_name_the_competencies_failing_them(client, auth, make, tmp_path):
    """A competency two levels short fails the best band's floor; the rule names it on the page and in the PDF."""
    role = make.framework.role("head_of_operations")
    low = next(r for r in role.requirements if not r.is_critical and r.required >= 3)
    levels = {r.competency_id: r.required for r in role.requirements} | {low.competency_id: low.required - 2}
    assessment = rated_assessment(make, manager=levels, peers=(levels, levels, levels))
    auth.login(make.user("hr"))
    result = assess(assessment).result
    failing = [r for r in result.rules if r.status == "failed" and low.competency_id in r.competencies]
    assert failing, [(r.id, r.status) for r in result.rules]
    name = make.framework.competency(low.competency_id).name
    page, pdf = _page(client, assessment), _pdf(client, assessment, tmp_path)
    for rule in failing:
        assert rule.text in page and name in page[page.index(rule.text):page.index(rule.text) + 400]
        head = rule.text[:40]
        assert name in pdf[pdf.index(head):pdf.index(head) + 500]


@needs_poppler
def test_panel_review_shows_its_reasons_and_provisional_band(client, auth, make, tmp_path):
    """Managers all 5 against three peers all 1: Panel review with the provisional band and the reasons for HR;
    the candidate's copy gives one neutral sentence instead of reasons that rest on peers."""
    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager=5, peers=(1, 1, 1))
    result = assess(assessment).result
    assert result.is_panel_review and result.panel_review_reasons
    auth.login(make.user("hr"))
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "Panel review" in text and f"Provisional band: {result.provisional_band_label}" in text
        for reason in result.panel_review_reasons:
            assert reason in text
    move_cycle(cycle, "closed", "released")
    auth.logout()
    auth.login(assessment.candidate)
    from rubrics.readiness_panel import CANDIDATE_PANEL_REASON

    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "Panel review" in text and CANDIDATE_PANEL_REASON in text
        for reason in result.panel_review_reasons:
            assert reason not in text


@needs_poppler
def test_candidate_copy_hides_numbers_that_depend_on_hidden_peers(client, auth, make, tmp_path):
    """One peer of three gives a level on a competency: HR sees its decision; the candidate's page and PDF show
    no number of it (nor the attainment), with a plain note; HR's copy shows everything."""
    thin = "performance_metrics"
    cycle = make.cycle()
    assessment = make.assessment(cycle=cycle, managers=1, peers=3)
    submit_sheet(sheet(assessment, "manager"), 4)
    submit_sheet(sheet(assessment, "peer", 0), _levels(make, 4, **{thin: 1}))
    for index in (1, 2):
        submit_sheet(sheet(assessment, "peer", index), _levels(make, 4, **{thin: NOT_OBSERVED}))
    name = make.framework.competency(thin).name
    full = assess(assessment).result
    assert full.competency(thin).decision_score == 3.0  # (2 x 4 + 1) / 3: the lone peer counts for HR
    auth.login(make.user("hr"))
    hr_pdf = _pdf(client, assessment, tmp_path)
    # The name wraps in its column ("Performance metrics and" / "KPIs"): the numbers follow its first line.
    assert re.search(r"Performance metrics and (KPIs )?4 – 4.0 –† 3.0 −1.0", hr_pdf), "HR's copy shows the decision"
    assert full.attainment_text in hr_pdf
    hr_page = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    assert "<strong>3</strong>" in re.search(r'<th scope="row">' + re.escape(name) + r".*?</tr>", hr_page, re.S).group(0)
    move_cycle(cycle, "closed", "released")
    auth.logout()
    auth.login(assessment.candidate)
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    row = re.search(r'<th scope="row">' + re.escape(name) + r".*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # Decision, Required, Gap, then Self, Managers, Peers.
    assert cells[0:3] == ['<span class="muted">not shown‡</span>', "4", '<span class="muted">not shown‡</span>'], cells
    assert cells[5] == '<span class="muted">not shown</span>', cells
    from rubrics.readiness_candidate import WITHHELD_NOTE

    page = _page(client, assessment)
    assert WITHHELD_NOTE in page and "3.0" not in page and full.attainment_text not in page
    pdf = _pdf(client, assessment, tmp_path)
    assert re.search(r"Performance metrics and (KPIs )?4 – 4.0 –† –‡ –‡", pdf), "the candidate's PDF withholds them"
    assert WITHHELD_NOTE in pdf and "Not shown: it includes ratings kept anonymous." in pdf
    assert full.attainment_text not in pdf and "3.0 against 4" not in pdf


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_candidates_copy_says_once_what_is_withheld(client, auth, make, tmp_path, lang):
    """Two peers of three (below the anonymity threshold): the candidate's page and PDF explain once, in words for
    the candidate, why figures are left out; each rule that withholds its detail carries one mark, never the
    engine's "Details not shown in this copy" sentence."""
    assessment = make.assessment(managers=1, peers=2)
    submit_sheet(sheet(assessment, "manager"), 4)
    for index in (0, 1):
        submit_sheet(sheet(assessment, "peer", index), _levels(make, 3))
    move_cycle(assessment.cycle, "closed", "released")
    assessment.candidate.language = lang
    db.session.commit()
    auth.login(assessment.candidate)
    with language.use(lang):
        note = withheld_note()
    summary, peers = {
        "en": ("Some figures are not shown, to keep your raters anonymous.",
               "Your peers’ sheets are not listed one by one, to keep them anonymous."),
        "de": ("Einige Werte werden nicht gezeigt, damit Ihre Bewertenden anonym bleiben.",
               "Die Bögen Ihrer Peers werden nicht einzeln aufgeführt, damit sie anonym bleiben.")}[lang]
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    rules = re.search(r'<ul class="rules">(.*?)</ul>', html, re.S).group(1)
    lines = re.findall(r"<li class=\"rule .*?</li>", rules, re.S)
    assert sum("‡" in line for line in lines) >= 7, "the score rules withhold their details"
    assert all(line.count("‡") <= 1 for line in lines) and "Details not shown" not in html
    page = _page(client, assessment)
    assert page.count(note) == 1 and html.count('class="muted withheld-note"') == 1
    assert summary in page and peers in page, page
    pdf = _pdf(client, assessment, tmp_path)
    assert summary in pdf and note in pdf and "Details not shown" not in pdf and "‡ ‡" not in pdf
    for engine_words in ("Numbers that include the input of peers", "Whether each peer sheet counts",
                         "How many peer sheets count is not shown"):
        assert engine_words not in page + pdf


@needs_poppler
def test_a_ready_candidate_still_gets_development_notes(client, auth, make, tmp_path):
    """Two managers at the requirement everywhere, one above: Ready now, with notes on what is only just met."""
    role = make.framework.role("head_of_operations")
    first = role.requirements[0]
    levels = {r.competency_id: r.required for r in role.requirements} | {first.competency_id: first.required + 1}
    assessment = make.assessment(managers=2)
    for index in (0, 1):
        submit_sheet(sheet(assessment, "manager", index), levels)
    result = assess(assessment).result
    assert result.band_id == "ready_now" and result.development_notes
    auth.login(make.user("hr"))
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "Development notes" in text
        for note in result.development_notes:
            assert note.text.split(":")[0] + ": at the required level with no margin" in text


# ---------------------------------------------------------------- rater quality, for HR only


@pytest.fixture
def lenient_cycle(make):
    """A manager who gives 4 everywhere to this candidate (against three peers around 4: straight-lining) and 5
    everywhere to another candidate whose two other managers average 4 (lenient): flagged lenient and
    straight-lining across the cycle, and this verdict rests on him (a manager carries two thirds of the
    decision weight here). Since rubric 2026.12.3 leniency is measured against the same group only and a
    sheet of 5s is not straight-lining, so the one-candidate fixture of 5s no longer flags him."""
    from assessment.extensions import db
    from assessment.services.assessments import assign_rater

    cycle = make.cycle(name="Autumn round")
    ids = [c.id for c in make.framework.competencies]
    varied = [{i: (4, 3, 4, 5)[(k + shift) % 4] for k, i in enumerate(ids)} for shift in range(3)]
    assessment = rated_assessment(make, cycle=cycle, manager=4, peers=tuple(varied), self_level=4)
    lenny = sheet(assessment, "manager").rater
    lenny.name = "Lenny Lenient"
    other = make.assessment(cycle=cycle, managers=2, peers=0)
    assign_rater(other, lenny, "manager", actor=None, reason="set up by the test")
    db.session.commit()
    others = [a for a in other.assignments if a.rater_group == "manager" and a.rater_id != lenny.id]
    for assignment, levels in zip(others, ((4, 3, 5), (4, 5, 3))):  # 4 on every competency on average
        submit_sheet(assignment, {i: levels[k % 3] for k, i in enumerate(ids)})
    submit_sheet(next(a for a in other.assignments if a.rater_id == lenny.id), 5)
    return cycle, assessment


@needs_poppler
def test_rater_quality_is_shown_to_hr_and_marks_the_verdict(client, auth, make, tmp_path, lenient_cycle):
    """Overview: the flagged rater with each flag explained, and the candidate marked; HR's page and PDF: the
    rater's flags and the verdict box saying the verdict rests mainly on him."""
    cycle, assessment = lenient_cycle
    auth.login(make.user("hr"))
    html = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="quality-heading".*?</section>', html, re.S).group(0)
    assert "Lenny Lenient" in section and "<strong>Lenient:</strong> Rates" in section
    assert "<strong>Straight-lining:</strong> Gave one and the same level" in section
    assert "⚑ Rests mainly on a flagged rater (Lenny Lenient: lenient and straight-lining)" in html
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "The verdict rests mainly on Lenny Lenient's ratings (67% of the decision weight), flagged lenient " \
               "and straight-lining across the cycle" in text
        assert "Lenny Lenient (manager, 67% of the decision weight)" in text
        assert "Lenient: Rates 1 level above the other raters of the same candidates" in text


@needs_poppler
def test_the_candidate_never_sees_rater_quality(client, auth, make, tmp_path, lenient_cycle):
    """The candidate's page and PDF carry no rater name, flag or rater-quality section."""
    cycle, assessment = lenient_cycle
    move_cycle(cycle, "closed", "released")
    auth.login(assessment.candidate)
    for text in (_page(client, assessment), _pdf(client, assessment, tmp_path)):
        assert "Rater quality" not in text and "Lenny" not in text and "Lenient" not in text
        assert "rests mainly" not in text and "Straight-lining" not in text


def test_score_export_carries_panel_review_and_the_attainment_coverage(client, auth, make):
    """A Panel review candidate's rows give the provisional band; every row says how many competencies scored."""
    import csv
    import io

    cycle = make.cycle()
    assessment = rated_assessment(make, cycle=cycle, manager=5, peers=(1, 1, 1))
    result = assess(assessment).result
    auth.login(make.user("hr"))
    rows = list(csv.DictReader(io.StringIO(client.get(f"/cycles/{cycle.id}/scores.csv").data.decode("utf-8-sig"))))
    assert rows and all(r["computed_band"] == "Panel review" for r in rows)
    assert {r["provisional_band"] for r in rows} == {result.provisional_band_label}
    assert {r["scored"] for r in rows} == {f"{result.scored_count} of {result.competency_count}"}
