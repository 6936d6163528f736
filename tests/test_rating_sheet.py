"""The rating sheet: built from the pinned rubric, drafts, submission rules, read-only, conflicts, errors."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from assessment.extensions import db
from assessment.models import AuditEvent, Rating
from assessment.templating import format_datetime
from assessment.services.ratings import reopen_sheet, save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import complete_answers, form_data, reload, sheet_of, with_evidence


@pytest.fixture
def sheet(make, auth):
    """A manager signed in on their not-started sheet of an open cycle with instructions."""
    assessment = make.assessment()
    assessment.cycle.instructions = "Rate what you saw in the last twelve months."
    db.session.commit()
    assignment = sheet_of(assessment, "manager")
    auth.login(assignment.rater)
    return assignment


def url(assignment):
    return f"/ratings/{assignment.id}"


def test_sheet_is_built_from_the_rubric_with_anchors_beside_each_level(client, sheet, make):
    """Every competency is a fieldset with its name as legend, its definition, five anchored levels and Not observed."""
    page = client.get(url(sheet)).get_data(as_text=True)
    framework = make.framework
    assert page.count('<fieldset class="competency"') == len(framework.competencies)
    for comp in framework.competencies:
        assert re.search(rf'<legend>{re.escape(comp.name)}( <span class="critical-mark">[^<]+</span>)?</legend>',
                         page.replace("&#39;", "'"))
        assert comp.definition.replace("'", "&#39;") in page
        for level in framework.scale.levels:
            assert comp.anchor(level.level).replace("'", "&#39;") in page
        assert f'<label for="evidence_{comp.id}">Evidence for {comp.name}</label>' in page.replace("&#39;", "'")
    assert page.count('type="radio"') == len(framework.competencies) * 6
    assert page.count('value="not_observed"') == len(framework.competencies)
    assert ">1 Emerging<" in page and ">5 Expert<" in page
    assert ("Required for 1 Emerging, 5 Expert, Not observed, a level at or above the requirement on a critical "
            "competency and a level 2 or more levels from your own average; optional otherwise.") in page
    assert f'name="version" type="hidden" value="{sheet.version_id}"' in page
    assert "Rate what you saw in the last twelve months." in page


def test_draft_saves_partial_answers(client, sheet, make):
    """Save draft accepts a partly filled sheet, stores it and shows it again."""
    comp = make.framework.competencies[0]
    response = client.post(url(sheet), data=form_data(sheet, {comp.id: (4, "Wrote the 2027 site plan.")}))
    assert response.status_code == 302
    stored = reload(sheet)
    assert stored.status == "draft" and stored.version_id == 2
    assert [(r.competency_id, r.level, r.evidence) for r in stored.current_ratings()] == [
        (comp.id, 4, "Wrote the 2027 site plan.")]
    page = client.get(url(sheet)).get_data(as_text=True)
    assert "Draft saved" in page
    assert re.search(rf'checked id="level_{comp.id}-3"|id="level_{comp.id}-3"[^>]*checked', page)
    assert "Wrote the 2027 site plan." in page


def test_incomplete_submit_lists_every_problem_and_keeps_what_was_typed(client, sheet, make):
    """Submitting a partial sheet gives 400, an error summary linking to each field, typed input kept, nothing saved."""
    first, second, *rest = make.framework.competencies
    data = form_data(sheet, {first.id: (5, ""), second.id: (2, "Runs the weekly S&OP <meeting>.")},
                     action="submit", confirm=True)
    response = client.post(url(sheet), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"There are {1 + len(rest)} problems" in page
    assert f'<a href="#evidence_{first.id}">Evidence for {first.name}: Evidence is required for “Expert”.</a>' in page
    for comp in rest:
        assert f'href="#level_{comp.id}"' in page and f'<fieldset class="competency" id="level_{comp.id}"' in page
    assert "Runs the weekly S&amp;OP &lt;meeting&gt;." in page
    assert re.search(rf'checked id="level_{second.id}-1"', page)
    assert re.search(rf'checked id="level_{first.id}-4"', page)
    assert reload(sheet).status == "not_started" and reload(sheet).current_ratings() == []


def test_evidence_is_required_for_the_extremes_and_not_observed(client, sheet, make):
    """Levels 1 and 5 and Not observed need evidence (rubric data); the middle levels do not."""
    framework = make.framework
    assert framework.readiness.evidence_required_for == frozenset({1, 5, "not_observed"})
    answers = complete_answers(framework, 3)
    comps = framework.competencies
    answers[comps[0].id] = (1, "")
    answers[comps[1].id] = ("not_observed", "   ")
    answers[comps[2].id] = (5, "Set the group's five-year operations strategy with the CEO.")
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There are 2 problems" in page
    assert f'href="#evidence_{comps[0].id}"' in page and f'href="#evidence_{comps[1].id}"' in page
    assert "Evidence is required for “Not observed”." in page
    answers[comps[0].id] = (1, "Still learns the planning cycle.")
    answers[comps[1].id] = ("not_observed", "Never saw a crisis in this period.")
    assert client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True)).status_code == 302
    assert reload(sheet).status == "submitted"


def test_submitted_sheet_is_read_only_with_values_and_time(client, sheet, make):
    """After submit: no form controls, the submitted levels, anchors, evidence and time; a later POST is refused."""
    framework = make.framework
    answers = complete_answers(framework, 4)
    answers[framework.competencies[0].id] = (5, "Chaired the board's operations committee.")
    client.post(url(sheet), data=form_data(sheet, answers, action="submit", confirm=True))
    stored = reload(sheet)
    page = client.get(url(sheet)).get_data(as_text=True)
    assert "<input" not in page.split("<main")[1] and "<textarea" not in page
    assert f"Submitted {format_datetime(stored.submitted_at)}" in page  # "1 Dec 2026, 18:03 UTC"
    assert "Chaired the board&#39;s operations committee." in page
    assert framework.competencies[0].anchor(5).replace("'", "&#39;") in page
    assert framework.competencies[1].anchor(4).replace("'", "&#39;") in page
    response = client.post(url(sheet), data=form_data(stored, complete_answers(framework, 2)))
    assert response.status_code == 409 and "submitted and is locked" in response.get_data(as_text=True)
    assert {r.level for r in reload(sheet).current_ratings()} == {4, 5}


def test_submit_is_audited(client, sheet, make):
    """A submission lands in the audit trail with the submitted values."""
    client.post(url(sheet), data=form_data(sheet, complete_answers(make.framework), action="submit", confirm=True))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "rating.submit"))
    assert event.actor_id == sheet.rater_id and event.after[make.framework.competencies[0].id] == [3, ""]


def test_closed_cycle_shows_the_sheet_read_only(client, sheet, make):
    """Once the cycle is closed the sheet has no form, says so, and a POST changes nothing."""
    from assessment.services.cycles import change_state

    comp = make.framework.competencies[0]
    client.post(url(sheet), data=form_data(sheet, {comp.id: 3}))
    change_state(sheet.assessment.cycle, "closed", actor=None)
    db.session.commit()
    page = client.get(url(sheet)).get_data(as_text=True)
    assert "This cycle is closed" in page and "<textarea" not in page
    stored = reload(sheet)
    response = client.post(url(sheet), data=form_data(stored, {comp.id: 2}))
    assert response.status_code == 409 and "not open for ratings" in response.get_data(as_text=True)
    assert reload(sheet).current_ratings()[0].level == 3


def test_stale_version_is_refused_with_409_and_its_input_kept(client, sheet, make):
    """Two tabs: the later save, based on the older version, is refused; its text is kept; the first save stands."""
    comp = make.framework.competencies[0]
    tab_one = form_data(sheet, {comp.id: (3, "First tab's evidence.")})
    tab_two = form_data(sheet, {comp.id: (2, "Second tab's evidence.")})
    assert client.post(url(sheet), data=tab_one).status_code == 302
    response = client.post(url(sheet), data=tab_two)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "saved in another tab or window after you opened it" in page
    assert "Second tab&#39;s evidence." in page and re.search(rf'checked id="level_{comp.id}-1"', page)
    assert 'name="version" type="hidden" value="1"' in page  # still stale: pressing save again cannot overwrite
    assert f'href="/ratings/{sheet.id}" target="_blank" rel="noopener">Open the saved version' in page
    stored = reload(sheet).current_ratings()
    assert [(r.level, r.evidence) for r in stored] == [(3, "First tab's evidence.")]


def test_missing_version_counts_as_stale(client, sheet, make):
    """A POST without a usable version field cannot overwrite the sheet."""
    data = form_data(sheet, {make.framework.competencies[0].id: 3})
    del data["version"]
    assert client.post(url(sheet), data=data).status_code == 409
    assert client.post(url(sheet), data={**data, "version": "1; DROP"}).status_code == 409
    assert reload(sheet).current_ratings() == []


def test_database_error_during_submit_keeps_previous_state(client, sheet, make, monkeypatch):
    """When the database fails at commit, the saved draft stays as it was, the user is told, and input is kept."""
    framework = make.framework
    comp = framework.competencies[0]
    client.post(url(sheet), data=form_data(sheet, {comp.id: (3, "Draft evidence.")}))
    stored = reload(sheet)

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    answers = complete_answers(framework, 4)
    answers[comp.id] = (4, "Evidence typed before the failure.")
    response = client.post(url(sheet), data=form_data(stored, answers, action="submit", confirm=True))
    monkeypatch.undo()
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<div class="flash error" role="status">The database could not save your answers, so nothing was changed.' in page
    assert "Evidence typed before the failure." in page
    after = reload(sheet)
    assert after.status == "draft" and after.version_id == stored.version_id and after.submissions == []
    assert [(r.level, r.evidence) for r in after.current_ratings()] == [(3, "Draft evidence.")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "rating.submit")) == 0


def test_reopened_sheet_shows_the_reason_and_previous_values(client, sheet, make):
    """After HR reopens a sheet, the rater sees HR's reason and the earlier answers ready to change."""
    framework = make.framework
    hr = make.user("hr")
    inputs = with_evidence(sheet, [RatingInput(c.id, 3) for c in framework.competencies])
    save_sheet(sheet, inputs, actor=sheet.rater, framework=framework, expected_version=sheet.version_id, submit=True)
    reopen_sheet(sheet, "Please add evidence from the Lyon site audit.", actor=hr)
    db.session.commit()
    page = client.get(url(sheet)).get_data(as_text=True)
    assert "HR reopened this sheet." in page and "Please add evidence from the Lyon site audit." in page
    for comp in framework.competencies:
        assert re.search(rf'checked id="level_{comp.id}-2"', page)
    # The first revision is kept beside the new draft.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)
                             .where(Rating.assignment_id == sheet.id)) == 2 * len(framework.competencies)


def test_candidate_cannot_open_another_candidates_sheet(client, auth, make):
    """Another candidate's self-assessment, and their own manager's sheet, are 404 for a candidate."""
    mine, theirs = make.assessment(), make.assessment()
    auth.login(mine.candidate)
    assert client.get(url(sheet_of(mine, "self"))).status_code == 200
    assert client.get(url(sheet_of(theirs, "self"))).status_code == 404
    assert client.get(url(sheet_of(mine, "manager"))).status_code == 404
    response = client.post(url(sheet_of(theirs, "self")), data=form_data(sheet_of(theirs, "self"), {}))
    assert response.status_code == 404


def test_manager_cannot_open_an_unassigned_sheet(client, auth, make):
    """A manager gets 404 for a sheet that is not theirs, even in the same cycle."""
    one = make.assessment()
    other = make.assessment(cycle=one.cycle)
    auth.login(sheet_of(one, "manager").rater)
    assert client.get(url(sheet_of(other, "manager"))).status_code == 404
    assert client.get(url(sheet_of(one, "self"))).status_code == 404
    assert client.get("/ratings/999999").status_code == 404


def test_hr_reads_any_sheet_but_cannot_fill_it_in(client, auth, make):
    """HR sees a rater's sheet read-only; a POST from HR is refused."""
    assessment = make.assessment()
    assignment = sheet_of(assessment, "manager")
    auth.login(make.user("hr"))
    page = client.get(url(assignment)).get_data(as_text=True)
    assert "rated by" in page and "<textarea" not in page
    assert client.post(url(assignment), data=form_data(assignment, {})).status_code == 403


def test_a_level_outside_the_scale_is_refused(client, sheet, make):
    """A tampered radio value is a form error beside its field, not a crash, and nothing is saved."""
    comp = make.framework.competencies[0]
    data = form_data(sheet, {comp.id: 7})
    response = client.post(url(sheet), data=data)
    assert response.status_code == 400 and f'href="#level_{comp.id}"' in response.get_data(as_text=True)
    assert reload(sheet).current_ratings() == []


def _level_label(page: str, comp_id: str, level) -> str:
    """The HTML of one level's label (radio, level name, anchor and what is under it) on the sheet."""
    match = re.search(rf'<label class="level[^"]*" for="level_{comp_id}-{level}">(.*?)</label>', page, re.S)
    assert match, (comp_id, level)
    return match.group(1)


def _sources(page: str, comp_id: str) -> str:
    """The HTML of a competency's source quotes, behind its disclosure on the sheet."""
    fieldset = re.search(rf'<fieldset class="competency" id="level_{comp_id}".*?</fieldset>', page, re.S).group(0)
    match = re.search(r'<details class="sources">(.*?)</details>', fieldset, re.S)
    assert match, comp_id
    return match.group(1)


def _quotes_of(sources: str, label: str) -> str:
    """The quotes listed under one level (its <dt>) in a competency's sources."""
    match = re.search(rf"<dt>{label}</dt>(.*?)(?=<dt>|</dl>)", sources, re.S)
    return match.group(1) if match else ""


def test_source_quotes_are_behind_one_disclosure_per_competency(client, sheet, make):
    """The anchors stay in the level's label; the quotes they rest on are listed by level under a closed <details>
    per competency ("What the sources say"), none lost: every cited level, every quote and its title."""
    framework = make.framework
    page = client.get(url(sheet)).get_data(as_text=True)
    comp = framework.competency("strategic_planning")
    four, one = (_level_label(page, comp.id, i) for i in (3, 0))  # radio ids count from 0
    assert comp.anchor(4).replace("'", "&#39;") in four and "<q" not in four and "<q" not in one
    sources = _sources(page, comp.id)
    quote = comp.anchor_citations(4)[0].quote
    assert f'<q lang="en">{quote}</q>' in _quotes_of(sources, "4 Advanced")
    assert "(Operations Manager vs Head of Operations: Differences)" in _quotes_of(sources, "4 Advanced")
    # The German quote keeps its language; level 1 cites nothing and is not listed.
    assert '<q lang="de">Er sorgt dafür, dass die strategischen Vorgaben' in _quotes_of(sources, "5 Expert")
    assert "<dt>1 Emerging</dt>" not in sources
    assert 'style="' not in page and "<script>" not in page and "<details class=\"sources\" open" not in page
    for competency in framework.competencies:
        cited = [lv for lv in (1, 2, 3, 4, 5) if competency.anchor_citations(lv)]
        if not cited:
            continue
        listed = _sources(page, competency.id)
        assert listed.count("<dt>") == len(cited)
        assert listed.count("<q ") == sum(len(competency.anchor_citations(lv)) for lv in cited)
