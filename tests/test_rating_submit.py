"""The sheet's one-step submit (confirmation page without JavaScript), background saving (JSON answers), the
summary and jump list as first rendered, and the self-assessment's wording."""

import re

import pytest

from tests.sheets import complete_answers, form_data, reload, sheet_of

JSON = {"Accept": "application/json"}


@pytest.fixture
def sheet(make, auth):
    """A manager signed in on their not-started sheet of an open cycle."""
    assignment = sheet_of(make.assessment(), "manager")
    auth.login(assignment.rater)
    return assignment


def url(assignment, tail=""):
    return f"/ratings/{assignment.id}{tail}"


def test_submit_without_confirming_keeps_a_draft_and_asks_on_its_own_page(client, sheet, make):
    """Submit on a complete sheet (no script): the answers are kept as a draft and a confirmation page follows."""
    framework = make.framework
    answers = complete_answers(framework, 4)
    answers[framework.competencies[0].id] = (5, "Chaired the board's operations committee.")
    response = client.post(url(sheet), data=form_data(sheet, answers, action="submit"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(sheet, "/submit"))
    stored = reload(sheet)
    assert stored.status == "draft" and stored.submissions == []
    assert {r.level for r in stored.current_ratings()} == {4, 5}
    page = client.get(url(sheet, "/submit")).get_data(as_text=True)
    assert "Tick this box" not in page
    assert f"Submit your rating of {sheet.assessment.candidate.name}?" in page
    assert "Chaired the board&#39;s operations committee." in page and ">Submit now</button>" in page
    assert f'name="version" type="hidden" value="{stored.version_id}"' in page


def test_the_confirmation_page_submits_the_saved_answers_in_one_press(client, sheet, make):
    """One POST from the confirmation page submits the stored draft, locks it and says so."""
    client.post(url(sheet), data=form_data(sheet, complete_answers(make.framework, 4), action="submit"))
    stored = reload(sheet)
    response = client.post(url(sheet, "/submit"), data={"version": str(stored.version_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(url(sheet))
    after = reload(sheet)
    assert after.status == "submitted" and len(after.submissions) == 1
    assert "Your rating was submitted." in client.get(url(sheet)).get_data(as_text=True)
    # Locked now: the confirmation page only leads back to the read-only sheet.
    assert client.get(url(sheet, "/submit")).status_code == 302


def test_the_confirmation_page_refuses_a_stale_version(client, sheet, make):
    """A confirmation from an old tab (the sheet was saved since) is a conflict, not a submission."""
    client.post(url(sheet), data=form_data(sheet, complete_answers(make.framework, 4), action="submit"))
    stale = reload(sheet).version_id
    client.post(url(sheet), data=form_data(reload(sheet), complete_answers(make.framework, 3)))
    response = client.post(url(sheet, "/submit"), data={"version": str(stale)})
    assert response.status_code == 409 and "saved in another tab" in response.get_data(as_text=True)
    assert reload(sheet).status == "draft"


def test_the_confirmation_page_of_an_incomplete_sheet_lists_what_is_missing(client, sheet, make):
    """Reached with an incomplete draft, the page names what is missing, offers no Submit and a POST submits nothing."""
    first = make.framework.competencies[0]
    client.post(url(sheet), data=form_data(sheet, {first.id: (3, "")}))
    page = client.get(url(sheet, "/submit")).get_data(as_text=True)
    missing = len(make.framework.competencies) - 1
    assert f"{missing} competencies need attention" in page and "Submit now" not in page
    assert client.post(url(sheet, "/submit"), data={"version": str(reload(sheet).version_id)}).status_code == 200
    assert reload(sheet).status == "draft"


def test_submit_with_the_dialogs_confirmation_submits_at_once(client, sheet, make):
    """The script's dialog sends confirm=y: the one POST submits."""
    response = client.post(url(sheet), data=form_data(sheet, complete_answers(make.framework), action="submit",
                                                      confirm=True))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(sheet))
    assert reload(sheet).status == "submitted"


def test_hr_cannot_confirm_someone_elses_sheet(client, auth, make):
    """HR reading a sheet is sent back from the confirmation page; a POST to it is refused."""
    assignment = sheet_of(make.assessment(), "manager")
    auth.login(make.user("hr"))
    assert client.get(url(assignment, "/submit")).status_code == 302
    assert client.post(url(assignment, "/submit"), data={"version": "1"}).status_code == 403
    assert reload(assignment).status == "not_started"


def test_background_save_answers_json_with_the_new_version(client, sheet, make):
    """A save asking for JSON stores the draft and returns the version the next save must carry."""
    comp = make.framework.competencies[0]
    response = client.post(url(sheet), data=form_data(sheet, {comp.id: (2, "Typed, not yet sent.")}), headers=JSON)
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    stored = reload(sheet)
    assert body["saved"] is True and body["version"] == stored.version_id == 2
    assert body["message"].startswith("Draft saved automatically at ")
    assert [(r.level, r.evidence) for r in stored.current_ratings()] == [(2, "Typed, not yet sent.")]
    again = client.post(url(sheet), data=form_data(stored, {comp.id: (3, "")}, version=body["version"]), headers=JSON)
    assert again.get_json()["saved"] is True and reload(sheet).current_ratings()[0].level == 3


def test_background_save_from_a_stale_tab_is_a_visible_conflict(client, sheet, make):
    """A JSON save with an old version gets 409 and a message to show; nothing is overwritten."""
    comp = make.framework.competencies[0]
    client.post(url(sheet), data=form_data(sheet, {comp.id: 4}))
    response = client.post(url(sheet), data=form_data(sheet, {comp.id: 1}, version=1), headers=JSON)
    assert response.status_code == 409
    body = response.get_json()
    assert body == {"saved": False, "conflict": True, "message": body["message"]}
    assert "saved in another tab or window" in body["message"]
    assert reload(sheet).current_ratings()[0].level == 4


def test_background_save_of_bad_input_names_the_field(client, sheet, make):
    """Too long an evidence text: 400 in JSON, naming the field; nothing saved."""
    comp = make.framework.competencies[0]
    response = client.post(url(sheet), data=form_data(sheet, {comp.id: (3, "x" * 5001)}), headers=JSON)
    assert response.status_code == 400
    body = response.get_json()
    assert body["saved"] is False and body["conflict"] is False and f"Evidence for {comp.name}" in body["message"]
    assert reload(sheet).current_ratings() == []


def test_background_save_of_a_submitted_sheet_is_refused(client, sheet, make):
    """Once submitted (say, in another tab), a background save is refused with the reason."""
    client.post(url(sheet), data=form_data(sheet, complete_answers(make.framework), action="submit", confirm=True))
    response = client.post(url(sheet), data=form_data(reload(sheet), {}), headers=JSON)
    assert response.status_code == 409 and "submitted and is locked" in response.get_json()["message"]


def test_summary_and_jump_list_show_the_sheet_as_saved(client, sheet, make):
    """Before any script runs: 'N of 12 rated, M need evidence', one jump link per competency with its state."""
    framework = make.framework
    first, second, third = framework.competencies[:3]
    client.post(url(sheet), data=form_data(sheet, {first.id: (5, ""), second.id: (3, ""),
                                                   third.id: ("not_observed", "Never saw a crisis.")}))
    page = client.get(url(sheet)).get_data(as_text=True)
    total = len(framework.competencies)
    text = re.sub(r"<[^>]+>", "", page)
    assert f"3 of {total} rated, 1 needs evidence" in text
    assert page.count('<li class="unrated"') == total - 3
    assert re.search(rf'<li class="missing" data-competency="{first.id}"><a href="#level_{first.id}">', page)
    assert "5 Expert, evidence needed" in text and "Evidence is required for “5 Expert”." in text
    assert re.search(rf'<li class="rated" data-competency="{second.id}">', page)
    # The note for a level that needs no evidence is there for the script, but hidden.
    assert f'id="evidence_{second.id}-needed" hidden' in page
    # The first competency is critical for the target role: its evidence box is also described by the rule.
    assert f'aria-describedby="evidence_{first.id}-needed rule-{first.id} evidence-rule"' in page


def test_critical_competencies_are_marked(client, sheet, make):
    """The target role's critical competencies say so in their legend and in the jump list."""
    framework = make.framework
    role = framework.role(sheet.assessment.target_role)
    critical = [r.competency_id for r in role.requirements if r.is_critical]
    assert critical, "the demo rubric has critical competencies"
    page = client.get(url(sheet)).get_data(as_text=True)
    assert page.count(f'<span class="critical-mark">critical for {role.name}</span></legend>') == len(critical)
    for comp_id in critical:
        name = framework.competency(comp_id).name.replace("'", "&#39;")
        assert f'{name}</a> <span class="critical-mark">critical</span>' in page


def test_the_self_assessment_speaks_to_the_candidate(client, auth, make):
    """The candidate's sheet asks how they see themselves, in their words, not in a rater's."""
    assessment = make.assessment()
    own = sheet_of(assessment, "self")
    auth.login(assessment.candidate)
    page = client.get(url(own)).get_data(as_text=True)
    comp = make.framework.competencies[0]
    assert "How do you see yourself?" in page
    assert f'<label for="evidence_{comp.id}">Your examples for {comp.name}</label>'.replace("'", "&#39;") in page
    assert "Submit my self-assessment" in page and "answered" in page
    assert "you rate as" not in page and "Evidence for" not in page
    assert "You have had no chance to show this yet." in page and make.framework.scale.not_observed_summary not in page
