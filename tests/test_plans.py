"""Development plans (issue 20, part 3): who sees and changes a plan, agreement, audit, hostile input, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment import create_app
from assessment.extensions import db
from assessment.models import AuditEvent, DevelopmentAction, DevelopmentPlan, utcnow
from assessment.services import NotAllowed, ServiceError
from assessment.services.plan_queries import report_plans
from assessment.services.plans import (ActionInput, add_action, agree_plan, edit_action, is_agreed, party,
                                      plan_version, start_plan, update_progress)
from tests.conftest import app_config
from tests.plan_helpers import agree, released, with_plan


def _kinds():
    return [e.kind for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind.like("plan.%"))
                                                .order_by(AuditEvent.id))]


def test_hr_starts_a_plan_from_released_results_only(app, make, auth, client):
    """HR's button on the results page starts the plan once; an open cycle's assessment has none to start."""
    hr = make.user("hr")
    assessment = released(make)
    auth.login(hr)
    page = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    assert "Start a development plan" in page
    started = client.post(f"/hr/assessments/{assessment.id}/plan")
    plan = db.session.scalar(sa.select(DevelopmentPlan))
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/plans/{plan.id}")
    assert client.post(f"/hr/assessments/{assessment.id}/plan").headers["Location"].endswith(f"/plans/{plan.id}")
    assert db.session.scalar(sa.select(sa.func.count(DevelopmentPlan.id))) == 1
    open_one = make.assessment()
    refused = client.post(f"/hr/assessments/{open_one.id}/plan")
    assert refused.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(DevelopmentPlan.id))) == 1
    assert _kinds() == ["plan.start"]


def test_candidate_and_line_manager_update_and_agree_others_get_404(app, make, auth, client):
    """The candidate and their line manager see the plan, save status and note and agree (dated); the rater who is
    not the line manager, another candidate and a stranger get 404."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    candidate = plan.assessment.candidate
    line_manager = candidate.manager
    rater = next(a.rater for a in plan.assessment.assignments if a.rater_group == "manager")
    for outsider in (rater, make.user("candidate"), make.user("manager")):
        auth.login(outsider)
        assert client.get(f"/plans/{plan.id}").status_code == 404
        assert client.post(f"/plans/{plan.id}/actions/{action.id}/progress",
                           data={"status": "done", "version": action.version_id}).status_code == 404
        assert client.post(f"/plans/{plan.id}/agree").status_code == 404
        auth.logout()
    auth.login(candidate)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Lead the quarterly S&amp;OP review" in page and "I agree to this plan" in page
    assert client.get(f"/plans/{plan.id}/actions/{action.id}").status_code == 403  # HR edits, not the candidate
    saved = client.post(f"/plans/{plan.id}/actions/{action.id}/progress",
                        data={"status": "in_progress", "note": "First review run.", "version": action.version_id})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (action.status, action.note) == ("in_progress", "First review run.")
    assert client.post(f"/plans/{plan.id}/agree", data={"version": plan_version(plan)}).status_code == 302
    auth.logout()
    auth.login(line_manager)
    assert candidate.name in client.get("/plans?mine=1").get_data(as_text=True)
    assert client.post(f"/plans/{plan.id}/agree", data={"version": plan_version(plan)}).status_code == 302
    db.session.expire_all()
    assert plan.candidate_agreed_at and plan.manager_agreed_at and plan.manager_agreed_by_id == line_manager.id
    assert is_agreed(plan)
    assert _kinds() == ["plan.start", "plan.action_add", "plan.action_progress", "plan.agree", "plan.agree"]


def test_a_stale_progress_save_is_a_conflict(app, make, auth, client):
    """Two tabs: the second save, based on the older version, is refused and changes nothing."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    auth.login(plan.assessment.candidate)
    old = action.version_id
    client.post(f"/plans/{plan.id}/actions/{action.id}/progress", data={"status": "done", "version": old})
    late = client.post(f"/plans/{plan.id}/actions/{action.id}/progress", data={"status": "dropped", "version": old})
    assert late.status_code == 400 and "Someone else changed this action" in late.get_data(as_text=True)
    db.session.expire_all()
    assert action.status == "done"


def test_hr_edits_what_and_agreement_is_asked_again_but_not_for_progress(app, make, auth, client):
    """Changing the due date clears both agreements (audited); a status change leaves them."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    agree_plan(plan, actor=plan.assessment.candidate, seen_version=plan_version(plan))
    agree_plan(plan, actor=plan.assessment.candidate.manager, seen_version=plan_version(plan))
    db.session.commit()
    auth.login(hr)
    client.post(f"/plans/{plan.id}/actions/{action.id}/progress", data={"status": "in_progress",
                                                                       "version": action.version_id})
    db.session.expire_all()
    assert is_agreed(plan)
    form = client.get(f"/plans/{plan.id}/actions/{action.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    new_due = (utcnow().date() + timedelta(days=90)).isoformat()
    data = {"competency_id": action.competency_id, "what": "Lead two S&OP reviews", "owner_id": action.owner_id,
            "due_on": new_due, "support": "course", "support_detail": "", "status": "in_progress", "note": "",
            "version": version}
    assert client.post(f"/plans/{plan.id}/actions/{action.id}", data=data).status_code == 302
    db.session.expire_all()
    assert action.due_on.isoformat() == new_due and action.support == "course"
    assert plan.candidate_agreed_at is None and plan.manager_agreed_at is None and not is_agreed(plan)
    edit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "plan.action_edit")).one()
    assert edit.after["agreement_cleared"] is True and edit.before["support"] == "mentor"


HOSTILE = [
    ({"what": "Run\x00it"}, "what", "NUL"),
    ({"what": "x" * 1001}, "what", "1,001 characters"),
    ({"due_on": "99999-12-31"}, "due_on", "YYYY-MM-DD"),
    ({"due_on": "9999-12-31"}, "due_on", "years ahead"),
    ({"due_on": "2001-01-01"}, "due_on", "has passed"),
    ({"due_on": ""}, "due_on", "Enter the due date"),
    ({"owner_id": "99999999999999999999"}, "owner_id", "Not a valid choice"),
    ({"competency_id": "no_such"}, "competency_id", "Not a valid choice"),
    ({"support_detail": "a\nb"}, "support_detail", "line break"),
    ({"note": "y" * 2001}, "note", "2,001 characters"),
    ({"status": "finished"}, "status", "Not a valid choice"),
]


@pytest.mark.parametrize("change, field, words", HOSTILE, ids=[h[2] + "-" + h[1] for h in HOSTILE])
def test_hostile_action_input_is_a_clear_error_and_nothing_is_stored(app, make, auth, client, change, field, words):
    """Bad input to HR's new action: 400 with the problem beside the field, nothing stored, never a 500."""
    hr = make.user("hr")
    plan = start_plan(released(make), actor=hr)
    db.session.commit()
    auth.login(hr)
    data = {"competency_id": make.framework.competencies[0].id, "what": "Shadow the COO",
            "owner_id": plan.assessment.candidate_id, "due_on": (utcnow().date() + timedelta(days=10)).isoformat(),
            "support": "mentor", "support_detail": "", "status": "planned", "note": "", **change}
    response = client.post(f"/plans/{plan.id}/actions", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:500]
    assert words in page and f'id="{field}-error"' in page
    assert db.session.scalar(sa.select(sa.func.count(DevelopmentAction.id))) == 0


def test_hostile_progress_and_ids_never_answer_500(app, make, auth, client):
    """A NUL in a note, an unknown status, a huge action id or another plan's action: clear answers."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    other, other_action = with_plan(make, hr)
    auth.login(plan.assessment.candidate)
    nul = client.post(f"/plans/{plan.id}/actions/{action.id}/progress",
                      data={"status": "done", "note": "a\x00b", "version": action.version_id})
    assert nul.status_code == 400 and "NUL" in nul.get_data(as_text=True)
    assert client.post(f"/plans/{plan.id}/actions/99999999999999999999/progress").status_code == 404
    assert client.post(f"/plans/{plan.id}/actions/{other_action.id}/progress",
                       data={"status": "done", "version": other_action.version_id}).status_code == 404
    db.session.expire_all()
    assert action.status == other_action.status == "planned"


def test_services_refuse_what_the_pages_cannot_send(app, make):
    """Agreement needs actions and a party; HR cannot agree for them; a withheld candidate gets no plan."""
    hr = make.user("hr")
    assessment = released(make)
    plan = start_plan(assessment, actor=hr)
    with pytest.raises(NotAllowed):
        agree_plan(plan, actor=assessment.candidate, seen_version=plan_version(plan))  # nothing to agree to yet
    with pytest.raises(ServiceError):
        add_action(plan, ActionInput("x", "What", assessment.candidate_id, utcnow().date(), "mentor"),
                   framework=make.framework, actor=hr)
    with pytest.raises(NotAllowed):
        agree_plan(plan, actor=hr, seen_version=plan_version(plan))


def test_plan_pages_refuse_a_post_without_csrf_token(database_url, make):
    """With CSRF on, a progress update without the token is refused and changes nothing."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        hr = make.user("hr")
        plan, action = with_plan(make, hr)
        client = app.test_client()
        token_of = lambda page: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # noqa: E731
        client.post("/login", data={"email": plan.assessment.candidate.email, "password": make.PASSWORD,
                                    "csrf_token": token_of(client.get("/login").get_data(as_text=True))})
        data = {"status": "done", "note": "", "version": action.version_id}
        assert client.post(f"/plans/{plan.id}/actions/{action.id}/progress", data=data).status_code == 400
        assert client.post(f"/plans/{plan.id}/agree").status_code == 400
        db.session.expire_all()
        assert action.status == "planned" and plan.candidate_agreed_at is None
        token = token_of(client.get(f"/plans/{plan.id}").get_data(as_text=True))
        ok = client.post(f"/plans/{plan.id}/actions/{action.id}/progress", data={**data, "csrf_token": token})
        assert ok.status_code == 302


def test_agreement_is_to_the_plan_the_person_read_not_one_changed_meanwhile(app, make, auth, client):
    """The candidate opens the plan; HR then changes the action: the candidate's click on "agree" from the page
    they loaded is refused with a clear message (nothing recorded); agreeing the changed plan then works."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    candidate = plan.assessment.candidate
    auth.login(candidate)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    agree_form = page.split(f'action="/plans/{plan.id}/agree"')[1].split("</form>")[0]
    seen = re.search(r'name="version" type="hidden" value="([0-9a-f]+)"', agree_form)
    assert seen is not None, "the agreement form carries the plan's version"
    seen_version = seen.group(1)
    assert seen_version == plan_version(plan)
    edit_action(action, ActionInput(action.competency_id, "Take on the night-shift rota as well", action.owner_id,
                                    action.due_on, action.support, action.support_detail),
                framework=make.framework, actor=hr, expected_version=action.version_id)
    db.session.commit()
    refused = client.post(f"/plans/{plan.id}/agree", data={"version": seen_version}, follow_redirects=True)
    assert "The plan changed after you opened the page" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert plan.candidate_agreed_at is None
    assert client.post(f"/plans/{plan.id}/agree", data={"version": "\x00" * 3}).status_code in (302, 303, 400)
    assert client.post(f"/plans/{plan.id}/agree", data={"version": plan_version(plan)}).status_code == 302
    db.session.expire_all()
    assert plan.candidate_agreed_at is not None
    # A status change is progress, not the plan: the version stays.
    before = plan_version(plan)
    update_progress(action, "in_progress", "", actor=candidate, expected_version=action.version_id)
    assert plan_version(plan) == before


def test_a_former_line_managers_agreement_does_not_count(app, make, auth, client):
    """The line manager agrees, then the candidate gets another: the plan is not agreed (nor in the PDF) until the
    new line manager agrees; the page shows the new manager as not agreed yet."""
    hr = make.user("hr")
    plan, _action = with_plan(make, hr)
    candidate = plan.assessment.candidate
    agree(plan, candidate)
    agree(plan, candidate.manager)
    db.session.commit()
    assert is_agreed(plan) and plan.assessment_id in report_plans([plan.assessment_id], make.framework)
    new_manager = make.user("manager")
    candidate.manager_id = new_manager.id
    db.session.commit()
    db.session.expire_all()
    assert not is_agreed(plan)
    assert plan.assessment_id not in report_plans([plan.assessment_id], make.framework)
    auth.login(new_manager)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "I agree to this plan" in page
    agree(plan, new_manager)
    db.session.commit()
    assert is_agreed(plan)


def test_a_candidate_whose_line_manager_is_an_hr_person_can_have_an_agreed_plan(app, make, auth, client):
    """An HR account that is the candidate's line manager takes part as the line manager: it agrees, and on that
    plan it does not write actions as HR (another HR person does)."""
    hr = make.user("hr")
    line_hr = make.user("hr", name="Lina Linemanager-HR")
    assessment = released(make)
    assessment.candidate.manager_id = line_hr.id
    db.session.commit()
    plan, action = with_plan(make, hr, assessment)
    assert party(plan, line_hr) == "manager"
    agree(plan, assessment.candidate)
    agree(plan, line_hr)
    db.session.commit()
    assert is_agreed(plan)
    auth.login(line_hr)
    assert client.get(f"/plans/{plan.id}/actions/{action.id}").status_code == 404
    assert client.post(f"/plans/{plan.id}/actions", data={"what": "x"}).status_code == 404
