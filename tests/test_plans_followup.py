"""Following a development plan up (issue 20, part 3): due-date reminders through the outbox and a real SMTP
server, HR's overview by status, the earlier plan on the next cycle's rating sheet, the agreed plan in the PDF."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from assessment.extensions import db
from assessment.mail.plan_reminders import remind_plans
from assessment.models import OutboxMessage, utcnow
from assessment.services.plan_queries import earlier_plan_actions
from assessment.services.plans import ActionInput, add_action, agree_plan, plan_version, update_progress
from assessment.services.readiness import report_data
from assessment.services.users import deactivate_user
from reports.pdf import report_story
from tests.mailbox import mailbox, text_of  # noqa: F401 - fixture
from tests.plan_helpers import agree, released, with_plan
from tests.querycount import counted_queries
from tests.sheets import sheet_of


def _plan_mails():
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.like("plan:%"))
                                   .order_by(OutboxMessage.id)))


def test_reminders_once_per_stage_to_the_active_owner_in_their_language(app, make, runner, mailbox):
    """Due within 7 days: one mail; again: none; overdue: one more; done actions and deactivated owners: none;
    a German owner reads German. Delivered to the real SMTP test server."""
    app.config.update(mailbox.config)
    hr = make.user("hr")
    plan, action = with_plan(make, hr, days=10)
    plan.assessment.candidate.language = "de"
    manager_owned, other = with_plan(make, hr, days=3)
    done_plan, done = with_plan(make, hr, days=3)
    update_progress(done, "done", "", actor=hr, expected_version=done.version_id)
    gone_plan, gone = with_plan(make, hr, days=3, owner=None)
    deactivate_user(gone_plan.assessment.candidate, actor=hr, reason="left the company")
    db.session.commit()
    today = utcnow().date()
    first = runner.invoke(args=["plans", "remind", "--today", today.isoformat()])
    assert first.exit_code == 0, first.output
    assert "1 reminder recorded" in first.output  # only ``other``: 3 days left; ``action`` has 10
    assert [m.to_address for m in _plan_mails()] == [manager_owned.assessment.candidate.email]
    again = runner.invoke(args=["plans", "remind", "--today", today.isoformat()])
    assert "0 reminders recorded, 1 already sent before" in again.output
    later = (today + timedelta(days=4)).isoformat()
    runner.invoke(args=["remind", "--today", later])  # the raters' command runs the plans' reminders too
    mails = _plan_mails()
    assert len(mails) == 3  # ``action`` now within 7 days, ``other`` overdue
    german = next(m for m in mails if m.to_address == plan.assessment.candidate.email)
    assert "Entwicklung" in german.subject and "Lead the quarterly" in german.text_body
    overdue = next(m for m in mails if m.dedupe_key.endswith(f":overdue:{other.due_on.isoformat()}"))
    assert overdue.subject.startswith("Overdue")
    assert all(m.to_address not in (done_plan.assessment.candidate.email, gone_plan.assessment.candidate.email)
               for m in mails)
    delivered = [text_of(m) for m in mailbox.messages]
    assert any("Lead the quarterly S&OP review" in body and f"/plans/{plan.id}" in body for body in delivered)


def test_hr_overview_counts_filters_and_pages(app, make, auth, client):
    """Counts per status and overdue; filters by cycle, status and overdue; other roles get 403."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr, days=5)
    second, late = with_plan(make, hr, days=1)
    late.due_on = utcnow().date() - timedelta(days=2)
    update_progress(action, "in_progress", "", actor=hr, expected_version=action.version_id)
    db.session.commit()
    auth.login(hr)
    page = client.get("/hr/plans").get_data(as_text=True)
    assert "<strong>2</strong> plans" in page and "<strong>1</strong> overdue" in page
    overdue = client.get("/hr/plans?overdue=1").get_data(as_text=True)
    assert second.assessment.candidate.name in overdue and plan.assessment.candidate.name not in overdue
    by_status = client.get("/hr/plans?status=in_progress").get_data(as_text=True)
    assert plan.assessment.candidate.name in by_status and second.assessment.candidate.name not in by_status
    by_cycle = client.get(f"/hr/plans?cycle={second.assessment.cycle_id}").get_data(as_text=True)
    assert plan.assessment.candidate.name not in by_cycle
    assert client.get("/hr/plans?cycle=99999999999999999999&status=nope&page=-4&sort=x").status_code == 200
    assert client.get("/hr/plans?status=%00").status_code == 400  # the app's answer to a NUL in any query
    auth.logout()
    auth.login(plan.assessment.candidate)
    assert client.get("/hr/plans").status_code == 403


def test_next_cycle_sheet_shows_the_earlier_plan_for_that_competency_without_raters(app, make, auth, client):
    """The rater of the next cycle sees the earlier plan's action (what, status) under its competency only."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    candidate = plan.assessment.candidate
    agree(plan, candidate)
    agree(plan, candidate.manager)
    earlier_rater = sheet_of(plan.assessment, "manager").rater
    nxt = make.assessment(cycle=make.cycle(), candidate=candidate)
    sheet = sheet_of(nxt, "manager")
    auth.login(sheet.rater)
    page = client.get(f"/ratings/{sheet.id}").get_data(as_text=True)
    first, second = make.framework.competencies[0], make.framework.competencies[1]
    block = page.split(f'<fieldset class="competency" id="level_{first.id}"')[1].split("</fieldset>")[0]
    assert "Lead the quarterly S&amp;OP review" in block and "Planned" in block
    assert f'id="plan-{second.id}"' not in page
    assert earlier_rater.name not in page
    # The earlier cycle's own sheets do not show a plan made after them.
    auth.logout()
    auth.login(earlier_rater)
    assert "Lead the quarterly" not in client.get(f"/ratings/{sheet_of(plan.assessment, 'manager').id}").get_data(
        as_text=True)


def _story_text(data) -> str:
    return " ".join(getattr(f, "text", "") or "".join(t for t, _b in getattr(f, "parts", ())) for f in report_story(data))


def test_report_lists_the_agreed_plan_in_both_copies_and_not_before_agreement(app, make):
    """No plan section until the candidate and line manager agreed; then both copies list the actions."""
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    assessment = plan.assessment
    assert report_data(assessment, audience="hr").plan is None
    agree_plan(plan, actor=assessment.candidate, seen_version=plan_version(plan))
    agree_plan(plan, actor=assessment.candidate.manager, seen_version=plan_version(plan))
    db.session.commit()
    for audience in ("hr", "candidate"):
        data = report_data(assessment, audience=audience)
        assert data.plan is not None and data.plan.actions[0].what == "Lead the quarterly S&OP review"
        assert data.plan.manager_name == assessment.candidate.manager.name
    german = report_data(assessment, audience="candidate", lang="de")
    assert german.plan.actions[0].competency_name == next(
        c.name for c in make.framework.competencies if c.id == action.competency_id) or german.plan.actions


def test_the_sheets_earlier_plan_costs_two_queries_however_many_actions(app, make):
    """The sheet's lookup of the earlier plan is two statements with one action or with twelve (issue 19's cost)."""
    hr = make.user("hr")
    plan, _action = with_plan(make, hr)
    agree(plan, plan.assessment.candidate)
    agree(plan, plan.assessment.candidate.manager)
    nxt = make.assessment(cycle=make.cycle(), candidate=plan.assessment.candidate)
    db.session.commit()
    db.session.expire_all()
    assert nxt.candidate_id and nxt.cycle_id  # loaded, as on the sheet page
    with counted_queries() as few:
        earlier_plan_actions(nxt)
    for n in range(11):
        add_action(plan, ActionInput(make.framework.competencies[n % 3].id, f"Action {n}", plan.assessment.candidate_id,
                                     utcnow().date() + timedelta(days=n + 1), "course"), framework=make.framework,
                   actor=hr)
    agree(plan, plan.assessment.candidate)  # the added actions cleared the agreements
    agree(plan, plan.assessment.candidate.manager)
    db.session.commit()
    db.session.expire_all()
    assert nxt.candidate_id and nxt.cycle_id
    with counted_queries() as many:
        found = earlier_plan_actions(nxt)
    assert len(few) == len(many) == 2 and sum(len(v) for v in found.values()) == 12


def _agreed_plan(make, hr, **kwargs):
    plan, action = with_plan(make, hr, **kwargs)
    agree(plan, plan.assessment.candidate)
    agree(plan, plan.assessment.candidate.manager)
    db.session.commit()
    return plan, action


def _sheet_page(client, auth, sheet) -> str:
    auth.login(sheet.rater)
    page = client.get(f"/ratings/{sheet.id}").get_data(as_text=True)
    auth.logout()
    return page


def test_only_the_candidates_and_managers_sheets_show_the_earlier_plan_not_peers_or_direct_reports(
        app, make, auth, client):
    """The plan comes from the candidate's confidential development priorities: the next cycle's manager and the
    candidate's own sheet show it; a peer (a fellow candidate) and a direct report do not read it."""
    hr = make.user("hr")
    plan, _action = _agreed_plan(make, hr)
    nxt = make.assessment(cycle=make.cycle(), candidate=plan.assessment.candidate, peers=1, direct_reports=1)
    db.session.commit()
    shown = {group: "Lead the quarterly S&amp;OP review" in _sheet_page(client, auth, sheet_of(nxt, group))
             for group in ("self", "manager", "peer", "direct_report")}
    assert shown == {"self": True, "manager": True, "peer": False, "direct_report": False}


def test_the_sheet_shows_only_an_agreed_plan_for_the_same_target_role(app, make, auth, client):
    """HR's draft (not agreed), a plan agreed by a former line manager only, and a plan towards another role are
    not shown on the next cycle's sheet."""
    hr = make.user("hr")
    draft, _action = with_plan(make, hr)  # not agreed
    candidate = draft.assessment.candidate
    nxt = make.assessment(cycle=make.cycle(), candidate=candidate)
    db.session.commit()
    assert earlier_plan_actions(nxt) == {}
    agree(draft, candidate)
    agree(draft, candidate.manager)
    db.session.commit()
    assert earlier_plan_actions(nxt)  # agreed: shown
    candidate.manager_id = make.user("manager").id  # a new line manager, who has not agreed
    db.session.commit()
    assert earlier_plan_actions(nxt) == {}
    other_role = next(r.id for r in make.framework.roles if make.framework.next_role(r.id) is not None
                      and make.framework.next_role(r.id).id != nxt.target_role)
    elsewhere = make.assessment(cycle=make.cycle(), candidate=candidate, current_role=other_role)
    db.session.commit()
    agree(draft, candidate.manager)
    db.session.commit()
    assert earlier_plan_actions(nxt) and earlier_plan_actions(elsewhere) == {}
    assert "Lead the quarterly" not in _sheet_page(client, auth, sheet_of(elsewhere, "manager"))


def test_a_former_line_manager_owning_an_action_gets_no_more_reminders(app, make):
    """The line manager owns an action, then stops managing the candidate: no reminders about the candidate's plan
    (its link would answer 404); the candidate and the new line manager still take part."""
    hr = make.user("hr")
    assessment = released(make)
    old_manager = assessment.candidate.manager
    _plan, _action = with_plan(make, hr, assessment, days=3, owner=old_manager)
    new_manager = make.user("manager")
    assessment.candidate.manager_id = new_manager.id
    db.session.commit()
    remind_plans(today=utcnow().date())
    assert [m.to_address for m in _plan_mails()] == []
    _other_plan, _owned = with_plan(make, hr, days=3, owner=hr)  # HR owns: reminded
    remind_plans(today=utcnow().date())
    assert [m.to_address for m in _plan_mails()] == [hr.email]


def test_hr_overview_marks_an_owner_who_no_longer_takes_part(app, make, auth, client):
    """The former line manager still owns an action: HR's overview says so (they get no reminders)."""
    hr = make.user("hr")
    assessment = released(make)
    _plan, _action = with_plan(make, hr, assessment, owner=assessment.candidate.manager)
    auth.login(hr)
    assert "no longer takes part" not in client.get("/hr/plans").get_data(as_text=True)
    assessment.candidate.manager_id = make.user("manager").id
    db.session.commit()
    assert "no longer takes part: give the action a new owner" in client.get("/hr/plans").get_data(as_text=True)
