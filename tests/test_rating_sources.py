"""Issue 18 on the rating sheet: a direct report's sheet shows only what direct reports can judge; a level at or
above the target requirement needs where and how long it was seen; raters say how long and how closely they know
the candidate; an assessor's exercise sheet offers only the levels its exercise can show (rubric 2026.12.4)."""

import re

import pytest

from assessment.extensions import db
from assessment.models import RaterAssignment, Rating
from assessment.services import ServiceError
from assessment.services.ratings import save_sheet
from assessment.services.results_store import input_fingerprints
from assessment.services.sheets import load_sheets
from rubrics.readiness_model import Situation
from rubrics.sheet import RatingInput
from tests.sheets import form_data, reload, sheet_of, with_evidence
from tests.sources_rules import DIRECT_REPORT_COMPETENCIES, ROLE_PLAY, use_source_rules


@pytest.fixture
def cycle(make):
    return make.cycle()


@pytest.fixture
def rules(monkeypatch, cycle):
    return use_source_rules(monkeypatch, cycle)


def _varied(ids) -> dict:
    """A level per competency, varied (one level everywhere is straight-lining), all below level 4 (a 3 meets a
    requirement of 3: ``form_data`` sends where and how long it was seen)."""
    return {cid: 2 + k % 2 for k, cid in enumerate(ids)}


def _post(client, sheet, answers, **kwargs):
    return client.post(f"/ratings/{sheet.id}", data=form_data(sheet, answers, **kwargs))


def _legends(html: str) -> list[str]:
    return re.findall(r'<fieldset class="competency" id="level_(\w+)"', html)


def test_a_direct_reports_sheet_shows_and_needs_only_what_direct_reports_judge(client, auth, make, cycle, rules):
    sheet = sheet_of(make.assessment(cycle=cycle, direct_reports=3), "direct_report")
    auth.login(sheet.rater)
    html = client.get(f"/ratings/{sheet.id}").get_data(as_text=True)
    assert _legends(html) == [c.id for c in rules.competencies if c.id in DIRECT_REPORT_COMPETENCIES]
    assert 'data-count="total">6<' in html and "direct reports are shown to the candidate only as a group" in html
    # Every one of the six answered (the other nine never asked): the sheet is submitted.
    response = _post(client, sheet, _varied(DIRECT_REPORT_COMPETENCIES), action="submit", confirm=True)
    assert response.status_code == 302
    stored = reload(sheet)
    assert stored.status == "submitted"
    assert {r.competency_id for r in stored.current_ratings()} == set(DIRECT_REPORT_COMPETENCIES)


def test_a_competency_outside_the_sheet_is_refused_by_the_service(make, cycle, rules):
    sheet = sheet_of(make.assessment(cycle=cycle, direct_reports=3), "direct_report")
    with pytest.raises(ServiceError, match="does not ask about"):
        save_sheet(sheet, [RatingInput("budget_authority", 3)], actor=sheet.rater, framework=rules,
                   expected_version=sheet.version_id)


def test_a_level_at_the_requirement_needs_where_and_how_long_it_was_seen(client, auth, make, cycle, rules):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(sheet.rater)
    answers = _varied(c.id for c in rules.competencies)
    answers["people_leadership"] = (4, "Led the night shift through the merger.")  # Head of Operations: 4
    data = form_data(sheet, answers, action="submit", confirm=True)
    del data["seen_in_people_leadership"], data["seen_for_people_leadership"]
    refused = client.post(f"/ratings/{sheet.id}", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and reload(sheet).status != "submitted"
    assert re.search(r'id="seen_in_people_leadership-error">Say where this level was seen', html)
    data["seen_in_people_leadership"] = "acting_up"
    refused = client.post(f"/ratings/{sheet.id}", data=data)
    assert refused.status_code == 400
    assert 'id="seen_for_people_leadership-error">Say for how long' in refused.get_data(as_text=True)
    data.update(seen_for_people_leadership="6", seen_unit_people_leadership="months")
    assert client.post(f"/ratings/{sheet.id}", data=data).status_code == 302
    rows = {r.competency_id: r for r in reload(sheet).current_ratings()}
    assert (rows["people_leadership"].seen_in, rows["people_leadership"].seen_weeks) == ("acting_up", 26)
    # Below the requirement nothing is stored, even when the form sent it.
    assert (rows["communication"].seen_in, rows["communication"].seen_weeks) == (None, None)


def test_a_draft_needs_no_situation(client, auth, make, cycle, rules):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(sheet.rater)
    data = form_data(sheet, {"people_leadership": 5})
    del data["seen_in_people_leadership"], data["seen_for_people_leadership"]
    assert client.post(f"/ratings/{sheet.id}", data=data).status_code == 302
    assert reload(sheet).status == "draft"


@pytest.mark.parametrize("amount, unit", [("0", "weeks"), ("1041", "weeks"), ("240", "months"),
                                          ("9" * 40, "weeks"), ("-3", "weeks"), ("3.5", "months"), ("٣", "weeks"),
                                          ("4\x00", "weeks"), ("4", "years")])
def test_a_period_out_of_range_or_mangled_is_refused_beside_its_field(client, auth, make, cycle, rules, amount, unit):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(sheet.rater)
    data = form_data(sheet, {"people_leadership": 4})
    data.update(seen_for_people_leadership=amount, seen_unit_people_leadership=unit)
    response = client.post(f"/ratings/{sheet.id}", data=data)
    assert response.status_code == 400
    assert db.session.query(Rating).count() == 0


@pytest.mark.parametrize("amount, unit, weeks", [("1", "weeks", 1), ("1040", "weeks", 1040), ("239", "months", 1038),
                                                 ("3", "months", 13)])
def test_periods_are_stored_in_weeks(client, auth, make, cycle, rules, amount, unit, weeks):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(sheet.rater)
    data = form_data(sheet, {"people_leadership": 4})
    data.update(seen_for_people_leadership=amount, seen_unit_people_leadership=unit)
    assert client.post(f"/ratings/{sheet.id}", data=data).status_code == 302
    assert reload(sheet).current_ratings()[0].seen_weeks == weeks


@pytest.mark.parametrize("field, value", [("seen_in_people_leadership", "dream"), ("known_for", "forever"),
                                          ("closeness", "x" * 5000)])
def test_an_answer_outside_the_lists_is_refused(client, auth, make, cycle, rules, field, value):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    auth.login(sheet.rater)
    data = {**form_data(sheet, {"people_leadership": 4}), field: value}
    assert client.post(f"/ratings/{sheet.id}", data=data).status_code == 400
    assert reload(sheet).status == "not_started"


def test_the_service_refuses_a_period_beyond_the_column(make, cycle, rules):
    sheet = sheet_of(make.assessment(cycle=cycle), "manager")
    for weeks in (0, 1041, 2 ** 63):
        with pytest.raises(ServiceError):
            save_sheet(sheet, [RatingInput("people_leadership", 4, "", "role", weeks)], actor=sheet.rater,
                       framework=rules, expected_version=sheet.version_id)


def test_raters_say_how_long_and_how_closely_they_know_the_candidate(client, auth, make, cycle, rules):
    assessment = make.assessment(cycle=cycle, peers=3, briefed=False)
    sheet = sheet_of(assessment, "peer")
    db.session.execute(db.update(RaterAssignment).values(briefing_read_at=db.func.now()))
    db.session.commit()
    auth.login(sheet.rater)
    html = client.get(f"/ratings/{sheet.id}").get_data(as_text=True)
    assert "How long have you worked with the candidate?" in html and "1 to 3 years" in html
    answers = _varied(c.id for c in rules.competencies)
    data = form_data(sheet, answers, action="submit", confirm=True)
    del data["known_for"], data["closeness"]
    refused = client.post(f"/ratings/{sheet.id}", data=data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Say how long you have worked with the candidate." in page
    assert "Say how closely you have worked with the candidate." in page
    data.update(known_for="under_3_months", closeness="daily")
    assert client.post(f"/ratings/{sheet.id}", data=data).status_code == 302
    stored = reload(sheet)
    assert (stored.status, stored.known_for, stored.closeness) == ("submitted", "under_3_months", "daily")
    # The self-assessment asks neither.
    own = sheet_of(assessment, "self")
    auth.logout()
    auth.login(own.rater)
    assert "How long have you worked with the candidate?" not in client.get(f"/ratings/{own.id}").get_data(
        as_text=True)


def _assessor_sheet(make, cycle):
    assessment = make.assessment(cycle=cycle)
    sheet = RaterAssignment(assessment=assessment, rater=make.user("manager"), rater_group="assessor",
                            exercise_id=ROLE_PLAY.id, briefing_read_at=db.func.now())
    db.session.add(sheet)
    db.session.commit()
    return sheet


def test_an_assessors_exercise_sheet_offers_only_the_levels_its_exercise_shows(client, auth, make, cycle, rules):
    sheet = _assessor_sheet(make, cycle)
    auth.login(sheet.rater)
    html = client.get(f"/ratings/{sheet.id}").get_data(as_text=True)
    assert "Exercise: Role-play" in html and "45 minutes" in html and "three handovers" in html
    assert _legends(html) == [c.id for c in rules.competencies if c.id in ROLE_PLAY.shows]
    offered = re.findall(r'name="level_people_leadership" type="radio" value="(\w+)"', html)
    assert offered == ["3", "4", "5", "not_observed"]
    assert "How long have you worked" not in html and "Where was this level seen" not in html
    refused = _post(client, sheet, {"people_leadership": (2, "x"), "communication": 3})
    assert refused.status_code == 400
    assert "This exercise cannot show that level on People leadership" in refused.get_data(as_text=True)
    with pytest.raises(ServiceError, match="can show only levels 3, 4, 5"):
        save_sheet(sheet, [RatingInput("people_leadership", 2)], actor=sheet.rater, framework=rules,
                   expected_version=sheet.version_id)
    done = _post(client, sheet, {"people_leadership": (5, "Agreed a handover checklist."), "communication": 3},
                 action="submit", confirm=True)
    assert done.status_code == 302 and reload(sheet).status == "submitted"
    assert {r.seen_in for r in reload(sheet).current_ratings()} == {"exercise"}


def test_load_sheets_passes_situations_and_the_relationship(make, cycle, rules):
    assessment = make.assessment(cycle=cycle)
    sheet = sheet_of(assessment, "manager")
    inputs = [RatingInput(c.id, 2 + k % 2) for k, c in enumerate(rules.competencies)]
    inputs[[i.competency_id for i in inputs].index("people_leadership")] = RatingInput(
        "people_leadership", 4, "Led the merger.", "project", 13)
    save_sheet(sheet, with_evidence(sheet, inputs), actor=sheet.rater, framework=rules,
               expected_version=sheet.version_id, submit=True, relationship=("over_3_years", "monthly"))
    db.session.commit()
    (loaded,) = [s for s in load_sheets([assessment.id])[assessment.id] if s.group == "manager"]
    assert loaded.situations["people_leadership"] == Situation("project", 13)
    assert set(loaded.situations) == {cid for cid, v in loaded.ratings.items()
                                      if v >= rules.role(assessment.target_role).requirement(cid).required}
    assert (loaded.known_months, loaded.closeness) == (36, "monthly")
    before = input_fingerprints(cycle, [assessment], framework=rules)[assessment.id]
    sheet.known_for = "3_to_12_months"  # e.g. changed in a draft after HR reopened the sheet
    db.session.commit()
    assert input_fingerprints(cycle, [assessment], framework=rules)[assessment.id] != before


def test_nobody_else_fills_in_a_direct_reports_sheet(client, auth, make, cycle, rules):
    assessment = make.assessment(cycle=cycle, direct_reports=3)
    sheet = sheet_of(assessment, "direct_report")
    for intruder in (assessment.candidate, make.user("manager"), sheet_of(assessment, "manager").rater):
        auth.logout()
        auth.login(intruder)
        assert client.get(f"/ratings/{sheet.id}").status_code == 404
        assert _post(client, sheet, {"people_leadership": 3}).status_code in (403, 404)
    assert reload(sheet).status == "not_started"
