"""Once a cycle opens its rater lists are frozen (issue 17, 4): a change needs a reason, is audited, and the
dashboard counts it per candidate; and a cycle opens only when every peer group is empty or at least the
anonymity threshold."""

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Cycle, RaterAssignment
from assessment.services import NotAllowed, ServiceError
from assessment.services.assessments import (MAX_CHANGE_REASON, RATER_CHANGE_KIND, assign_rater, rater_changes,
                                             remove_assignment)
from assessment.services.cycles import change_state
from assessment.services.withdrawals import withdraw_candidate

REASON = "The second manager left the company in November"


@pytest.fixture
def hr(make, auth):
    user = make.user("hr", name="Hanna HR")
    auth.login(user)
    return user


def _changes():
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == RATER_CHANGE_KIND)
                                   .order_by(AuditEvent.id)))


# --- the service ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", [None, "", "   ", "x" * (MAX_CHANGE_REASON + 1)])
def test_after_opening_a_change_without_a_good_reason_is_refused(make, reason):
    assessment = make.assessment(managers=2)
    with pytest.raises(ServiceError) as caught:
        assign_rater(assessment, make.user("manager"), "manager", actor=None, reason=reason)
    assert caught.value.field == "reason"
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    with pytest.raises(ServiceError):
        remove_assignment(second, actor=make.user("hr"), reason=reason)
    db.session.rollback()
    assert db.session.get(RaterAssignment, second.id) is not None and _changes() == []


def test_after_opening_each_change_is_audited_with_its_reason_and_counted(make):
    hr = make.user("hr")
    assessment, other = make.assessment(managers=1), make.assessment(managers=1)
    added = assign_rater(assessment, make.user("manager", name="Max Late"), "manager", actor=hr, reason=REASON)
    remove_assignment(added, actor=hr, reason="Assigned to the wrong candidate")
    db.session.commit()
    first, second = _changes()
    assert first.subject_type == "Assessment" and first.subject_id == assessment.id and first.actor_id == hr.id
    assert first.after["change"] == "added" and first.after["group"] == "manager" and first.after["reason"] == REASON
    assert first.after["candidate"] == assessment.candidate.email and "Max Late" in first.summary
    assert second.after["change"] == "removed" and second.after["reason"] == "Assigned to the wrong candidate"
    assert rater_changes([assessment.id, other.id]) == {assessment.id: 2}


def test_in_draft_changes_are_free_and_not_counted(make):
    assessment = make.assessment(cycle=make.cycle(state="draft"), managers=1)
    added = assign_rater(assessment, make.user("manager"), "manager", actor=None)
    remove_assignment(added, actor=make.user("hr"))
    db.session.commit()
    assert _changes() == [] and rater_changes([assessment.id]) == {}


def test_a_candidate_added_to_an_open_cycle_gets_their_raters_without_a_reason(client, hr, make):
    """The candidate's first raters come with them (the add-candidate form): no change to a frozen list."""
    cycle = make.cycle()
    manager = make.user("manager")
    response = client.post(f"/hr/cycles/{cycle.id}/candidates/new", data={
        "name": "Nia New", "email": "nia@example.com", "current_role": "operations_manager",
        "target_role": "head_of_operations", "manager_emails": manager.email})
    assert response.status_code == 302 and _changes() == []


# --- the pages --------------------------------------------------------------------------------------------------

def test_the_rater_form_asks_for_a_reason_once_open_and_refuses_without_one(client, hr, make):
    assessment = make.assessment(managers=1)
    url = f"/hr/assessments/{assessment.id}"
    assert 'name="reason"' in client.get(url).get_data(as_text=True)
    manager = make.user("manager")
    response = client.post(url, data={"email": manager.email, "rater_group": "manager"})
    assert response.status_code == 400 and "its rater list is frozen" in response.get_data(as_text=True)
    response = client.post(url, data={"email": manager.email, "rater_group": "manager",
                                      "reason": "y" * (MAX_CHANGE_REASON + 1)})
    assert response.status_code == 400
    assert len(assessment.assignments) == 2
    assert client.post(url, data={"email": manager.email, "rater_group": "manager",
                                  "reason": REASON}).status_code == 302
    [event] = _changes()
    assert event.after["reason"] == REASON and event.actor_id == hr.id


def test_removing_after_opening_asks_for_a_reason(client, hr, make):
    assessment = make.assessment(managers=2)
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    url = f"/hr/assignments/{second.id}/remove"
    assert 'name="reason"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={})
    assert response.status_code == 400 and db.session.get(RaterAssignment, second.id) is not None
    assert client.post(url, data={"reason": REASON}).status_code == 302
    assert db.session.get(RaterAssignment, second.id) is None and _changes()[0].after["change"] == "removed"


def test_in_draft_the_pages_ask_no_reason(client, hr, make):
    assessment = make.assessment(cycle=make.cycle(state="draft"), managers=2)
    assert 'name="reason"' not in client.get(f"/hr/assessments/{assessment.id}").get_data(as_text=True)
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    assert client.post(f"/hr/assignments/{second.id}/remove").status_code == 302


def test_the_dashboard_counts_changes_per_candidate_with_a_link_to_the_audit(client, hr, make):
    cycle = make.cycle()
    changed, quiet = make.assessment(cycle=cycle), make.assessment(cycle=cycle)
    assign_rater(changed, make.user("manager"), "manager", actor=hr, reason=REASON)
    assign_rater(changed, make.user("candidate"), "peer", actor=hr, reason=REASON)
    db.session.commit()
    html = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert html.count("rater changes since opening") == 1 and "2 rater changes since opening" in html
    assert f"/hr/audit?cycle_id={cycle.id}&amp;kind={RATER_CHANGE_KIND}" in html
    audit = client.get(f"/hr/audit?cycle_id={cycle.id}&kind={RATER_CHANGE_KIND}").get_data(as_text=True)
    assert audit.count("Rater added or removed after opening") >= 2 and REASON in audit


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_other_roles_cannot_change_raters(client, auth, make, role):
    assessment = make.assessment(managers=2)
    auth.login(make.user(role))
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    assert client.post(f"/hr/assignments/{second.id}/remove", data={"reason": REASON}).status_code == 403
    assert client.post(f"/hr/assessments/{assessment.id}", data={
        "email": make.user("manager").email, "rater_group": "manager", "reason": REASON}).status_code == 403
    assert _changes() == []


# --- peer groups at opening ---------------------------------------------------------------------------------------

def test_a_cycle_with_a_peer_group_below_the_threshold_does_not_open(make):
    threshold = make.framework.readiness.peer_anonymity_threshold
    cycle = make.cycle(state="draft")
    short = make.assessment(cycle=cycle, peers=threshold - 1)
    make.assessment(cycle=cycle, peers=0)
    make.assessment(cycle=cycle, peers=threshold)
    with pytest.raises(NotAllowed) as caught:
        change_state(cycle, "open", actor=None, framework=make.framework)
    assert f"{short.candidate.name}: {threshold - 1} of the {threshold} peers needed" in caught.value.message
    db.session.rollback()
    assert db.session.get(Cycle, cycle.id).state == "draft"


def test_the_open_step_lists_the_short_peer_groups_and_refuses(client, hr, make):
    threshold = make.framework.readiness.peer_anonymity_threshold
    cycle = make.cycle(state="draft")
    short = make.assessment(cycle=cycle, peers=1)
    fine = make.assessment(cycle=cycle, peers=threshold)
    url = f"/hr/cycles/{cycle.id}/state?to=open"
    html = client.get(url).get_data(as_text=True)
    assert f"{short.candidate.name}: 1 of the {threshold} peers needed" in html and fine.candidate.name not in html
    assert "withhold every number that depends on them" in html
    response = client.post(url)
    assert response.status_code == 400 and "cannot open yet" in response.get_data(as_text=True)
    assert db.session.get(Cycle, cycle.id).state == "draft"
    peer = [a for a in short.assignments if a.rater_group == "peer"][0]
    assert client.post(f"/hr/assignments/{peer.id}/remove").status_code == 302  # draft: free, no reason
    assert client.post(url).status_code == 302 and db.session.get(Cycle, cycle.id).state == "open"


def test_a_withdrawn_candidates_peers_do_not_keep_the_cycle_from_opening(make):
    cycle = make.cycle(state="draft")
    short = make.assessment(cycle=cycle, peers=1)
    withdraw_candidate(short, "Left the company", actor=make.user("hr"))
    change_state(cycle, "open", actor=None, framework=make.framework)
    assert cycle.state == "open"
