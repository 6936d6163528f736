"""HR's everyday tools: the people picker's search, withdrawing a candidate, starting a cycle from another one,
bulk reminders and reopening from the dashboard, and the messages these changes record."""

from __future__ import annotations

import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import OutboxMessage
from assessment.models import Assessment, AuditEvent, Cycle, RaterAssignment
from assessment.services.cycles import change_state
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import sheet_of, with_evidence


def _messages(kind=None):
    db.session.expire_all()
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return db.session.scalars(stmt).all()


def _submit(make, sheet):
    inputs = with_evidence(sheet, [RatingInput(c.id, 3) for c in make.framework.competencies])
    save_sheet(sheet, inputs, actor=sheet.rater, framework=make.framework, expected_version=sheet.version_id,
               submit=True)
    db.session.commit()


def test_people_search_finds_by_name_or_email_and_filters_managers(app, auth, make):
    """The picker's endpoint matches name or e-mail, case-insensitively; role=manager offers managers and HR only."""
    hr = make.user("hr", name="Hanna Reyes")
    make.user("manager", name="Ravi Menon", email="ravi.menon@example.com")
    make.user("candidate", name="Rae Menard", email="rae@example.com")
    auth.login(hr)
    found = auth.client.get("/hr/people/search?q=MEN").get_json()["results"]
    assert [p["email"] for p in found] == ["rae@example.com", "ravi.menon@example.com"]
    managers = auth.client.get("/hr/people/search?q=men&role=manager").get_json()["results"]
    assert managers == [{"name": "Ravi Menon", "email": "ravi.menon@example.com", "role": "Manager"}]
    assert auth.client.get("/hr/people/search?q=r").get_json() == {"results": []}  # one letter: too broad
    assert auth.client.get("/hr/people/search?q=%25").get_json() == {"results": []}  # % is a letter, not a wildcard


def test_rater_form_has_a_picker_that_needs_no_inline_script(app, auth, make):
    """The rater field names its datalist and the script file; the page has no inline script or handlers."""
    assessment = make.assessment()
    auth.login(make.user("hr"))
    page = auth.client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    assert 'list="email-options"' in page and '<datalist id="email-options"' in page
    assert 'src="/static/js/people-picker.js"' in page
    assert "<script>" not in page and " onclick=" not in page
    assert "Not in the list? Create the person" in page


def test_create_person_link_prefills_what_was_typed(app, auth, make):
    """The picker's create link carries the typed address and the role."""
    auth.login(make.user("hr"))
    page = auth.client.get("/hr/people/new?email=new.person@example.com&role=manager").get_data(as_text=True)
    assert 'value="new.person@example.com"' in page and '<option selected value="manager">' in page


def test_withdrawing_needs_a_reason_and_keeps_the_sheets_but_nobody_owes_them(app, auth, make):
    """Withdraw with a reason: audited, sheets kept, gone from what is owed, shown as withdrawn, sheet locked."""
    cycle = make.cycle()
    kept, gone = make.assessment(cycle=cycle), make.assessment(cycle=cycle)
    manager_sheet = sheet_of(gone, "manager")
    auth.login(make.user("hr"))
    refused = auth.client.post(f"/hr/assessments/{gone.id}/withdraw", data={"reason": " "})
    assert refused.status_code == 400 and 'id="reason-error"' in refused.get_data(as_text=True)
    assert auth.client.post(f"/hr/assessments/{gone.id}/withdraw",
                            data={"reason": "Added by mistake"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, gone.id).withdrawal_reason == "Added by mistake"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RaterAssignment)
                             .where(RaterAssignment.assessment_id == gone.id)) == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.withdraw"))
    assert "Added by mistake" in event.summary and event.after["withdrawn"] is True
    page = auth.client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Added by mistake" in page
    owed = page.split('id="owed-heading"')[1]
    assert manager_sheet.rater.name not in owed and sheet_of(kept, "manager").rater.name in owed
    assert "<strong>1</strong> withdrawn" in page
    auth.logout()
    auth.login(manager_sheet.rater)
    assert gone.candidate.name not in auth.client.get("/ratings/").get_data(as_text=True)
    answers = {"version": str(manager_sheet.version_id), "action": "save"}
    saved = auth.client.post(f"/ratings/{manager_sheet.id}", data=answers)
    assert "withdrawn from the cycle" in saved.get_data(as_text=True)


def test_withdrawing_twice_or_from_a_closed_cycle_is_refused(app, auth, make):
    """A second withdrawal, or one in a closed cycle, is refused with a message, not a 500."""
    from assessment.services.withdrawals import withdraw_candidate

    assessment = make.assessment()
    hr = make.user("hr")
    withdraw_candidate(assessment, "Left", actor=hr)
    db.session.commit()
    auth.login(hr)
    again = auth.client.post(f"/hr/assessments/{assessment.id}/withdraw", data={"reason": "Again"})
    assert again.status_code == 400 and "already withdrawn" in again.get_data(as_text=True)
    other = make.assessment()
    change_state(other.cycle, "closed", actor=hr)
    db.session.commit()
    closed = auth.client.post(f"/hr/assessments/{other.id}/withdraw", data={"reason": "Late"})
    assert closed.status_code == 400 and "closed cycle" in closed.get_data(as_text=True)


def test_a_new_cycle_from_this_one_copies_candidates_and_raters_in_draft(app, auth, make):
    """The copy is a draft with the same candidates (not withdrawn ones), roles and raters, and no ratings."""
    from assessment.services.withdrawals import withdraw_candidate

    cycle = make.cycle()
    first = make.assessment(cycle=cycle, peers=1)
    withdrawn = make.assessment(cycle=cycle)
    _submit(make, sheet_of(first, "manager"))
    hr = make.user("hr")
    withdraw_candidate(withdrawn, "Left", actor=hr)
    db.session.commit()
    auth.login(hr)
    form = auth.client.get(f"/hr/cycles/{cycle.id}/copy").get_data(as_text=True)
    assert f'value="{cycle.name} (next)"' in form
    response = auth.client.post(f"/hr/cycles/{cycle.id}/copy", data={"name": "Autumn"})
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Cycle).where(Cycle.name == "Autumn"))
    assert new.state == "draft" and new.instructions == cycle.instructions
    [copied] = new.assessments
    assert (copied.candidate_id, copied.current_role, copied.target_role) == (
        first.candidate_id, first.current_role, first.target_role)
    assert sorted((s.rater_id, s.rater_group, s.status) for s in copied.assignments) == sorted(
        (s.rater_id, s.rater_group, "not_started") for s in first.assignments)
    assert all(not s.ratings for s in copied.assignments)
    assert db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.kind == "cycle.copy")).endswith(
        "1 candidates with their raters")


def test_bulk_remind_records_one_reminder_per_owing_rater_once_an_hour(app, auth, make):
    """Selected sheets: their raters who still owe get one reminder; a second click within the hour adds none."""
    cycle = make.cycle()
    a = make.assessment(cycle=cycle)
    b = make.assessment(cycle=cycle)
    _submit(make, sheet_of(b, "manager"))
    auth.login(make.user("hr"))
    selected = {"action": "remind", "sheet": [sheet_of(a, "manager").id, sheet_of(b, "manager").id,
                                                sheet_of(a, "self").id]}
    response = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data=selected, follow_redirects=True)
    assert "Reminder sent to 2 raters." in response.get_data(as_text=True)
    assert {m.to_address for m in _messages("reminder")} == {sheet_of(a, "manager").rater.email, a.candidate.email}
    again = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data=selected, follow_redirects=True)
    assert "2 had already been reminded in the last hour" in again.get_data(as_text=True)
    assert len(_messages("reminder")) == 2
    by_rater = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data={"action": "remind",
                                                                      "rater": [sheet_of(b, "self").rater_id]},
                                follow_redirects=True)
    assert "Reminder sent to 1 rater." in by_rater.get_data(as_text=True)


def test_bulk_reopen_asks_for_one_reason_then_reopens_every_selected_sheet(app, auth, make):
    """Reopen: a confirmation page first; without a reason nothing changes; with one, all reopen and raters are told."""
    cycle = make.cycle()
    a, b = make.assessment(cycle=cycle), make.assessment(cycle=cycle)
    sheets = [sheet_of(a, "manager"), sheet_of(b, "manager")]
    for sheet in sheets:
        _submit(make, sheet)
    auth.login(make.user("hr"))
    ids = [s.id for s in sheets] + [sheet_of(a, "self").id]
    confirm = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data={"action": "reopen", "sheet": ids})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Reopen 2 submitted sheets?" in page and "1 selected sheet is not submitted" in page
    db.session.expire_all()
    assert all(db.session.get(RaterAssignment, s.id).status == "submitted" for s in sheets)  # only a page so far
    missing = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data={"action": "reopen_confirmed", "sheet": ids,
                                                                    "reason": ""})
    assert missing.status_code == 400
    db.session.expire_all()
    assert all(db.session.get(RaterAssignment, s.id).status == "submitted" for s in sheets)
    done = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data={"action": "reopen_confirmed", "sheet": ids,
                                                                 "reason": "Please add evidence for budgets"})
    assert done.status_code == 302
    db.session.expire_all()
    assert all(db.session.get(RaterAssignment, s.id).status == "draft" for s in sheets)
    reopened = _messages("sheet_reopened")
    assert {m.to_address for m in reopened} == {s.rater.email for s in sheets}
    assert all("Please add evidence for budgets" in m.text_body for m in reopened)


def test_bulk_without_a_selection_says_what_to_do(app, auth, make):
    """Pressing a bulk button with nothing ticked explains, and changes nothing."""
    cycle = make.cycle()
    auth.login(make.user("hr"))
    response = auth.client.post(f"/hr/cycles/{cycle.id}/bulk", data={"action": "remind"}, follow_redirects=True)
    assert "Select at least one sheet first" in response.get_data(as_text=True)


def test_releasing_results_tells_each_candidate_except_the_withdrawn(app, make):
    """Release records a 'results released' message per candidate, with a link to their results."""
    from assessment.services.withdrawals import withdraw_candidate

    cycle = make.cycle()
    told, withdrawn = make.assessment(cycle=cycle), make.assessment(cycle=cycle)
    hr = make.user("hr")
    withdraw_candidate(withdrawn, "Left", actor=hr)
    change_state(cycle, "closed", actor=hr)
    change_state(cycle, "released", actor=hr)
    db.session.commit()
    [message] = _messages("results_released")
    assert message.to_address == told.candidate.email
    assert f"/assessments/{told.id}/results" in message.text_body


def test_a_rater_added_to_an_open_cycle_is_told_what_they_now_owe(app, auth, make):
    """Assigning a rater (or adding a candidate) after the cycle opened mails them about the new sheet."""
    assessment = make.assessment()  # the factory's cycle is open already
    peer = make.user("candidate", name="Priya Peer")
    auth.login(make.user("hr"))
    auth.client.post(f"/hr/assessments/{assessment.id}", data={"email": peer.email, "rater_group": "peer",
                                                               "reason": "Priya joined the project team"})
    [message] = [m for m in _messages("cycle_opened") if m.to_address == peer.email]
    assert message.subject == f"{assessment.cycle.name}: a new sheet for you to fill in"
    assert f"{assessment.candidate.name} (as peer)" in message.text_body
    assert {m.to_address for m in _messages("cycle_opened")} >= {assessment.candidate.email,
                                                                  sheet_of(assessment, "manager").rater.email}


def test_an_import_into_an_open_cycle_mails_each_rater_once(app, auth, make):
    """Importing two candidates with the same manager into an open cycle sends that manager one message for both."""
    cycle = make.cycle()
    manager = make.user("manager", email="boss@example.com")
    auth.login(make.user("hr"))
    rows = "\n".join(["name,email,current_role,target_role,manager_emails,peer_emails",
                      "Ann One,ann@example.com,Operations Manager,Head of Operations,boss@example.com,",
                      "Ben Two,ben@example.com,Operations Manager,Head of Operations,boss@example.com,"])
    from io import BytesIO

    response = auth.client.post(f"/hr/cycles/{cycle.id}/import",
                                data={"file": (BytesIO(rows.encode()), "people.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 302
    [to_manager] = [m for m in _messages("cycle_opened") if m.to_address == manager.email]
    assert to_manager.subject == f"{cycle.name}: 2 new sheets for you to fill in"
    assert "Ann One (as manager)" in to_manager.text_body and "Ben Two (as manager)" in to_manager.text_body
    assert {m.to_address for m in _messages("cycle_opened")} == {manager.email, "ann@example.com", "ben@example.com"}
