"""Two-person rules about people, not accounts (issue 15, findings 2 and 7), through the pages as the attack went.

One HR person alone must not satisfy the rule by making a second HR account, promoting a manager to HR, or
setting the other HR person's password; simultaneous approvals give one approval and one audit event.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, Calibration, RoleGrant, User, utcnow
from assessment.services import NotAllowed
from assessment.services.calibrations import calibrate_verdict
from assessment.services.users import change_password
from tests.factories import Factory
from tests.results_helpers import calibration_form, move_cycle, sheet, submit_sheet
from tests.test_governance_calibration import RATIONALE, best_id, no_evidence  # noqa: F401 (a fixture)
from tests.test_sessions import browser


def _signed_in(app, user, password=Factory.PASSWORD):
    client = browser(app)
    assert client.post("/login", data={"email": user.email, "password": password}).status_code == 302
    return client


def _propose(client, assessment):
    response = client.post(f"/assessments/{assessment.id}/calibration",
                           data=calibration_form(band_id=best_id(), rationale=RATIONALE))
    assert response.status_code == 302
    return db.session.scalar(sa.select(Calibration).where(Calibration.assessment_id == assessment.id)
                             .order_by(Calibration.id.desc()))


def _approve(client, assessment, calibration):
    return client.post(f"/assessments/{assessment.id}/calibration/approval",
                       data={"calibration_id": calibration.id})


def _status(calibration_id):
    db.session.expire_all()
    return db.session.get(Calibration, calibration_id).status


def _grant_role(client, person, role="hr"):
    return client.post(f"/hr/people/{person.id}/role", data={"role": role, "confirmed": "yes"})


# --- way 1: create a new HR account and approve as it ---------------------------------------------------------

def test_hr_cannot_create_an_hr_account_on_the_people_page(app, make):
    """The page refuses role HR for a new account, naming the way that needs a second HR person."""
    hanne = make.user("hr")
    client = _signed_in(app, hanne)
    response = client.post("/hr/people/new", data={"name": "Sock Puppet", "email": "sock@example.com", "role": "hr"})
    assert response.status_code == 400
    assert "An HR account needs a second HR person" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "sock@example.com")) is None


def test_an_account_made_after_the_proposal_cannot_approve_it(app, make, no_evidence):
    """Even an HR account made another way (the operator's command line) after the proposal is refused."""
    hanne = make.user("hr")
    proposal = _propose(_signed_in(app, hanne), no_evidence)
    late = make.user("hr", name="Late Account")  # as `opsladder users create --role hr` would make it
    response = _approve(_signed_in(app, late), no_evidence, proposal)
    assert response.status_code == 422
    assert "You became HR after this was proposed" in response.get_data(as_text=True)
    assert _status(proposal.id) == "proposed"


# --- way 2: promote a manager to HR and approve as them -------------------------------------------------------

def test_promoting_a_manager_to_hr_is_only_a_proposal(app, make, no_evidence):
    """HR 1 "promotes" a manager: nothing changes until a second HR person approves; the manager cannot approve."""
    hanne, henrik, mona = make.user("hr"), make.user("hr", name="Henrik Second"), make.user("manager")
    client = _signed_in(app, hanne)
    proposal = _propose(client, no_evidence)
    assert _grant_role(client, mona).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, mona.id).role == "manager"
    grant = db.session.scalar(sa.select(RoleGrant))
    assert (grant.status, grant.proposed_by_id, grant.user_id) == ("proposed", hanne.id, mona.id)
    assert _approve(_signed_in(app, mona), no_evidence, proposal).status_code == 403
    for forged in ("99999999999999999999", "1\x00", "-1", ""):
        answer = _signed_in(app, henrik).post(f"/hr/people/{mona.id}/role-grant/approval", data={"grant_id": forged})
        assert answer.status_code == 422 and "no HR-role proposal" in answer.get_data(as_text=True)
    # HR 1 cannot approve their own grant; the person promoted is not HR yet.
    refused = client.post(f"/hr/people/{mona.id}/role-grant/approval", data={"grant_id": grant.id})
    assert refused.status_code == 422 and "neither the proposer nor the person" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, mona.id).role == "manager"


def test_a_second_hr_person_approves_the_grant_but_the_new_hr_still_cannot_approve_older_proposals(
        app, make, no_evidence):
    """Henrik approves Mona's HR role on her page (seeing the account history); Mona, HR since now, is refused on
    the proposal made before; Henrik, HR since before, approves it."""
    hanne, henrik, mona = make.user("hr"), make.user("hr", name="Henrik Second"), make.user("manager")
    first = _signed_in(app, hanne)
    proposal = _propose(first, no_evidence)
    _grant_role(first, mona)
    grant = db.session.scalar(sa.select(RoleGrant))
    second = _signed_in(app, henrik)
    page = second.get(f"/hr/people/{mona.id}").get_data(as_text=True)
    assert "HR role proposed, awaiting a second HR person" in page and "Approve the HR role" in page
    assert "Account changes of the people involved in the last 14 days" in page and "HR role proposed" in page
    approved = second.post(f"/hr/people/{mona.id}/role-grant/approval", data={"grant_id": grant.id})
    assert approved.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, mona.id).role == "hr"
    kinds = db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.kind.like("user.role_grant.%"))
                               .order_by(AuditEvent.id)).all()
    assert kinds == ["user.role_grant.propose", "user.role_grant.approve"]

    refused = _approve(_signed_in(app, mona), no_evidence, proposal)
    assert refused.status_code == 422 and "You became HR after this was proposed" in refused.get_data(as_text=True)
    assert _status(proposal.id) == "proposed"
    assert _approve(second, no_evidence, proposal).status_code == 302
    assert _status(proposal.id) == "approved"


def test_a_single_hr_person_is_sent_to_the_command_line(app, make, runner):
    """With one HR person the page says to use `opsladder users grant-hr`; that command grants it, audited."""
    hanne, mona = make.user("hr"), make.user("manager")
    client = _signed_in(app, hanne)
    assert "opsladder users grant-hr --email " + mona.email in client.get(f"/hr/people/{mona.id}").get_data(
        as_text=True)
    response = _grant_role(client, mona)
    assert response.status_code == 400 and "You are the only HR person" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(RoleGrant.id))) == 0
    db.session.commit()
    result = runner.invoke(args=["users", "grant-hr", "--email", mona.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, mona.id).role == "hr"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "user.role_grant.operator"))
    assert event.subject_id == mona.id and event.actor_id is None and event.after["role"] == "hr"
    assert runner.invoke(args=["users", "grant-hr", "--email", "nobody@example.com"]).exit_code != 0


# --- way 3: set the other HR person's password, sign in as them and approve ----------------------------------

def test_hr_cannot_set_another_persons_password(app, make, no_evidence):
    """The people page has no password form and the old address answers 404; the service refuses too."""
    hanne, henrik = make.user("hr"), make.user("hr", name="Henrik Second")
    client = _signed_in(app, hanne)
    page = client.get(f"/hr/people/{henrik.id}").get_data(as_text=True)
    assert 'name="password"' not in page and "E-mail an invitation" in page
    response = client.post(f"/hr/people/{henrik.id}/password",
                           data={"password": "taken-over-123", "repeat": "taken-over-123"})
    assert response.status_code in (404, 405)
    assert browser(app).post("/login", data={"email": henrik.email, "password": "taken-over-123"}).status_code != 302
    with pytest.raises(NotAllowed, match="Nobody sets another person's password"):
        change_password(henrik, "taken-over-123", actor=hanne)
    new = client.post("/hr/people/new", data={"name": "Pre Set", "email": "preset@example.com", "role": "manager",
                                              "password": "chosen-by-hr-1"})
    assert new.status_code == 302
    assert not db.session.scalar(sa.select(User).where(User.email == "preset@example.com")).password_hash


def test_the_approval_page_shows_both_peoples_recent_account_changes(app, make, no_evidence):
    """Henrik, approving, sees that Hanne's and his own account had role or password changes lately; older
    events than TWO_PERSON_AUDIT_DAYS are left out."""
    hanne, henrik = make.user("hr", name="Hanne First"), make.user("hr", name="Henrik Second")
    change_password(henrik, "henriks-new-secret", actor=henrik)
    db.session.commit()
    old = AuditEvent(kind="user.role_change", subject_type="User", subject_id=hanne.id, summary="Ancient change",
                     occurred_at=utcnow() - timedelta(days=30))
    db.session.add(old)
    db.session.commit()
    proposal = _propose(_signed_in(app, hanne), no_evidence)
    page = _signed_in(app, henrik, "henriks-new-secret").get(
        f"/assessments/{no_evidence.id}/results").get_data(as_text=True)
    section = page[page.index('id="proposal-heading"'):]
    assert "Account changes of the people involved in the last 14 days" in section
    assert "Password changed" in section and f"Created hr account {hanne.email}" in section
    assert "Ancient change" not in section
    assert proposal.status == "proposed"


# --- finding 7: simultaneous approvals --------------------------------------------------------------------------

@pytest.mark.parametrize("requests", [12])
def test_simultaneous_approvals_give_one_approval_and_one_audit_event(app, make, no_evidence, database_url,
                                                                      requests):
    """12 approvals of one proposal at once (each its own session and connection): one is accepted and
    audited, the others are told someone approved it; none is a 500."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race is shown on PostgreSQL (row locks, READ COMMITTED)")
    hanne = make.user("hr")
    approvers = [make.user("hr") for _ in range(3)]
    proposal = calibrate_verdict(no_evidence, best_id(), RATIONALE, actor=hanne, reason_code="additional_evidence")
    db.session.commit()
    clients = [_signed_in(app, approvers[n % len(approvers)]) for n in range(requests)]
    assessment_id, calibration_id = no_evidence.id, proposal.id
    db.session.close()
    barrier = threading.Barrier(requests)

    def approve(client):
        barrier.wait()
        return client.post(f"/assessments/{assessment_id}/calibration/approval",
                           data={"calibration_id": calibration_id}).status_code

    with ThreadPoolExecutor(max_workers=requests) as pool:
        statuses = list(pool.map(approve, clients))
    assert statuses.count(302) == 1 and 500 not in statuses, statuses
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.kind == "verdict.approve")) == 1
    assert _status(calibration_id) == "approved"


@pytest.mark.parametrize("requests", [12])
def test_simultaneous_role_grant_approvals_give_one(app, make, database_url, requests):
    """The same for the HR-role grant: one approval, one audit event."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; the race is shown on PostgreSQL (row locks, READ COMMITTED)")
    hanne, mona = make.user("hr"), make.user("manager")
    approvers = [make.user("hr") for _ in range(3)]
    _grant_role(_signed_in(app, hanne), mona)
    grant_id, mona_id = db.session.scalar(sa.select(RoleGrant.id)), mona.id
    clients = [_signed_in(app, approvers[n % len(approvers)]) for n in range(requests)]
    db.session.close()
    barrier = threading.Barrier(requests)

    def approve(client):
        barrier.wait()
        return client.post(f"/hr/people/{mona_id}/role-grant/approval", data={"grant_id": grant_id}).status_code

    with ThreadPoolExecutor(max_workers=requests) as pool:
        statuses = list(pool.map(approve, clients))
    assert statuses.count(302) == 1 and 500 not in statuses, statuses
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.kind == "user.role_grant.approve")) == 1


# --- issue 17, section 4: nobody involved with the candidate proposes or approves -----------------------------

def test_a_rater_of_the_candidate_or_a_rival_cannot_propose_or_approve(app, make):
    """An HR person who rates the candidate, or who is a candidate for the same role in the same cycle, is
    refused with the reason, as proposer and as approver; an uninvolved HR person approves."""
    from assessment.services.assessments import add_assessment, assign_rater
    from assessment.services.two_person import grant_hr_by_operator

    hanne, rater_hr, clean = (make.user("hr", name=n) for n in ("Hanne", "Rita Rater", "Clara Clean"))
    rival_hr = make.user("candidate", name="Ravi Rival")  # a candidate of the cycle who becomes HR
    cycle = make.cycle()
    no_evidence = make.assessment(cycle=cycle)
    assign_rater(no_evidence, rater_hr, "peer", actor=None, reason="set up by the test")
    add_assessment(cycle, rival_hr, no_evidence.current_role, no_evidence.target_role, framework=make.framework,
                   actor=None)
    grant_hr_by_operator(rival_hr)
    db.session.commit()
    submit_sheet(sheet(no_evidence, "self"), 4)
    move_cycle(cycle, "closed")
    refused = _signed_in(app, rater_hr).post(f"/assessments/{no_evidence.id}/calibration",
                                             data=calibration_form(band_id=best_id(), rationale=RATIONALE))
    assert refused.status_code == 422 and "You rate" in refused.get_data(as_text=True)
    proposal = _propose(_signed_in(app, hanne), no_evidence)
    for person, reason in ((rater_hr, "You rate"), (rival_hr, "You are a candidate for the same role")):
        response = _approve(_signed_in(app, person), no_evidence, proposal)
        assert response.status_code == 422 and reason in response.get_data(as_text=True)
        assert _status(proposal.id) == "proposed"
    assert _approve(_signed_in(app, clean), no_evidence, proposal).status_code == 302
    assert _status(proposal.id) == "approved"
