"""Conflicts of interest among raters, and what peers are told on their sheet."""

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent, RaterAssignment
from assessment.services.assessments import add_assessment, assign_rater
from assessment.services.conflicts import MUTUAL, SAME_TARGET, conflicts
from tests.results_helpers import sheet


@pytest.fixture
def hr(make, auth):
    user = make.user("hr")
    auth.login(user)
    return user


def _candidate(make, cycle, name, current_role="operations_manager"):
    return make.assessment(cycle=cycle, candidate=make.user("candidate", name=name), current_role=current_role)


def _assign(client, assessment, user, group="peer"):
    # The cycle is open: a change to the raters needs a reason (tests/test_governance_rater_list.py).
    return client.post(f"/hr/assessments/{assessment.id}", data={"email": user.email, "rater_group": group,
                                                                 "reason": "A colleague from the same site"},
                       follow_redirects=True)


def test_a_rival_for_the_same_role_as_peer_is_warned_and_marked(client, make, hr):
    """Assigning a candidate for the same target role in the same cycle as a peer: warning, mark, audit."""
    cycle = make.cycle()
    anna, ben = _candidate(make, cycle, "Anna Rival"), _candidate(make, cycle, "Ben Rival")
    page = _assign(client, anna, ben.candidate).get_data(as_text=True)
    assert "Conflict of interest: Ben Rival is also a candidate for Head of Operations in this cycle." in page
    assert 'class="flash warning"' in page and 'class="tag conflict">Conflict of interest</strong>' in page
    dashboard = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert dashboard.count('class="tag conflict"') == 1
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "assessment.rater_change")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["conflict_of_interest"] == [SAME_TARGET]


def test_two_candidates_rating_each_other_are_marked_on_both_sides(client, make, hr):
    """Different target roles, but each rates the other: both assignments carry the mutual mark."""
    cycle = make.cycle()
    ola = _candidate(make, cycle, "Ola Manager")
    hedda = _candidate(make, cycle, "Hedda Head", current_role="head_of_operations")
    first = _assign(client, ola, hedda.candidate).get_data(as_text=True)
    assert "Conflict of interest" not in first, "one direction alone, for another role, is no conflict"
    second = _assign(client, hedda, ola.candidate).get_data(as_text=True)
    assert "Ola Manager and Hedda Head rate each other" in second
    found = conflicts([ola.id, hedda.id])
    assert sorted(found.values()) == [(MUTUAL,), (MUTUAL,)]
    dashboard = client.get(f"/hr/cycles/{cycle.id}").get_data(as_text=True)
    assert dashboard.count('class="tag conflict"') == 2


def test_no_conflict_for_a_colleague_or_a_candidate_of_another_cycle(make):
    """A peer who is not a candidate, or a candidate only in another cycle, is no conflict."""
    cycle, other = make.cycle(), make.cycle()
    anna = _candidate(make, cycle, "Anna")
    elsewhere = _candidate(make, other, "Elsewhere")
    assign_rater(anna, make.user("manager"), "peer", actor=None, reason="set up by the test")
    assign_rater(anna, elsewhere.candidate, "peer", actor=None, reason="set up by the test")
    db.session.commit()
    assert conflicts([anna.id]) == {}


def test_a_rival_added_later_marks_the_existing_assignment(make):
    """The mark is worked out when shown: the peer becoming a candidate later marks the assignment."""
    cycle = make.cycle()
    anna = _candidate(make, cycle, "Anna")
    later = make.user("candidate", name="Later Rival")
    assignment = assign_rater(anna, later, "peer", actor=None, reason="set up by the test")
    assert conflicts([anna.id]) == {}
    add_assessment(cycle, later, "operations_manager", "head_of_operations", framework=make.framework, actor=None)
    assert conflicts([anna.id]) == {assignment.id: (SAME_TARGET,)}


def test_peers_are_told_who_sees_their_answers(client, auth, make):
    """A peer's sheet says HR sees named answers (audit trail) and the candidate only a group of >= threshold."""
    assessment = make.assessment(peers=1)
    auth.login(sheet(assessment, "peer").rater)
    html = client.get(f"/ratings/{sheet(assessment, 'peer').id}").get_data(as_text=True)
    threshold = make.framework.readiness.peer_anonymity_threshold
    assert 'id="peer-notice"' in html and "Who sees your answers" in html
    assert "sees your answers with your name" in html and "audit trail" in html
    assert f"only as a group, when at least {threshold} peers answered" in html
    auth.logout()
    auth.login(sheet(assessment, "manager").rater)
    manager_sheet = client.get(f"/ratings/{sheet(assessment, 'manager').id}").get_data(as_text=True)
    assert 'id="peer-notice"' not in manager_sheet


# --- a conflicted rater's sheet does not count until HR clears it (issue 15, finding 6) -------------------------

def _scores(result):
    return {c.competency_id: (c.peer_score, c.decision_score) for c in result.competencies}


@pytest.fixture
def rival_case(make):
    """Anna, rated by her manager and three honest peers at 4, and by Ben, her rival for the same role, at 1;
    Cara, in the same cycle, has the same sheets without a rival. The cycle is closed."""
    from assessment.services.readiness import assess
    from tests.results_helpers import move_cycle, submit_sheet

    cycle = make.cycle()
    anna, cara = _candidate(make, cycle, "Anna Rated"), _candidate(make, cycle, "Cara Twin")
    ben = _candidate(make, cycle, "Ben Rival")
    for assessment in (anna, cara):
        for _ in range(3):
            assign_rater(assessment, make.user("manager"), "peer", actor=None, reason="set up by the test")
    rival_sheet = assign_rater(anna, ben.candidate, "peer", actor=None, reason="set up by the test")
    db.session.commit()
    for assessment in (anna, cara):
        for assignment in assessment.assignments:
            if assignment.rater_group != "self" and assignment.id != rival_sheet.id:
                submit_sheet(assignment, 4)
    submit_sheet(rival_sheet, 1)
    move_cycle(cycle, "closed")
    assert conflicts([anna.id]) == {rival_sheet.id: (SAME_TARGET,)}
    return anna, cara, rival_sheet, assess


def test_a_conflicted_rivals_sheet_does_not_count_and_the_pages_say_so(client, make, hr, rival_case):
    """The rival's 1s move no score: Anna's scores equal her twin's; the results page and HR's report say
    "1 sheet not counted: conflict of interest, not cleared"; the candidate's copy says nothing of it."""
    from assessment.services.readiness import report_data

    anna, cara, rival_sheet, assess = rival_case
    counted, twin = assess(anna).result, assess(cara).result
    assert _scores(counted) == _scores(twin), "the rival's sheet moved a score"
    assert counted.sheet_counts.get("peer") == 3
    page = client.get(f"/assessments/{anna.id}/results").get_data(as_text=True)
    assert "1 sheet not counted: conflict of interest, not cleared" in page
    assert report_data(anna, audience="hr").not_counted == "1 sheet not counted: conflict of interest, not cleared"
    assert report_data(anna, audience="candidate").not_counted == ""
    sheets_page = client.get(f"/hr/assessments/{anna.id}").get_data(as_text=True)
    assert "Not counted in the result until HR clears the conflict." in sheets_page
    assert f"/hr/assignments/{rival_sheet.id}/conflict-clearance" in sheets_page


def test_hr_clears_the_conflict_with_a_reason_and_the_sheet_counts_again(client, make, hr, rival_case):
    """Clearing needs a reason (refused without one); once cleared the stored result is recomputed with the
    sheet, the page no longer says "not counted", and the audit trail has who, when and why."""
    from assessment.services import results_store

    anna, cara, rival_sheet, assess = rival_case
    before = assess(anna).result
    fingerprint = results_store.input_fingerprints(anna.cycle, [anna])[anna.id]
    url = f"/hr/assignments/{rival_sheet.id}/conflict-clearance"
    assert "Ben Rival is also a candidate for" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"reason": "ok ok ok"})
    assert refused.status_code == 400 and "Say in a sentence why" in refused.get_data(as_text=True)
    reason = "The panel checked his ratings against the project records and found them fair and specific."
    assert client.post(url, data={"reason": reason}).status_code == 302
    assert results_store.input_fingerprints(anna.cycle, [anna])[anna.id] != fingerprint
    after = assess(anna).result
    assert after.sheet_counts.get("peer") == 4 and _scores(after) != _scores(before)
    assert "not counted" not in client.get(f"/assessments/{anna.id}/results").get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "conflict.clear"))
    assert event.actor_id == hr.id and event.subject_id == rival_sheet.id and event.after["reason"] == reason
    assert "Cleared" in client.get(f"/hr/assessments/{anna.id}").get_data(as_text=True)
    again = client.post(url, data={"reason": reason})
    assert again.status_code == 400 and "already cleared" in again.get_data(as_text=True)


def test_a_sheet_without_a_conflict_cannot_be_cleared(client, make, hr, rival_case):
    """Clearing an honest peer's sheet is refused with the reason; nothing is recorded."""
    anna, *_ = rival_case
    honest = next(a for a in anna.assignments if a.rater_group == "peer" and a.rater.role == "manager")
    response = client.post(f"/hr/assignments/{honest.id}/conflict-clearance",
                           data={"reason": "The panel checked these ratings and found them entirely fair."})
    assert response.status_code == 400 and "no conflict of interest to clear" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.kind == "conflict.clear")) == 0


def test_an_involved_hr_person_cannot_clear_a_conflict(client, make, hr, rival_case):
    """HR who rates the candidate (here: as a peer) may not decide that a conflicted sheet counts; nothing recorded."""
    anna, _cara, rival_sheet, _assess = rival_case
    db.session.add(RaterAssignment(assessment_id=anna.id, rater_id=hr.id, rater_group="peer"))  # the cycle is closed
    db.session.commit()
    response = client.post(f"/hr/assignments/{rival_sheet.id}/conflict-clearance",
                           data={"reason": "The panel checked his ratings against the project records and found them fair."})
    assert response.status_code == 400 and "another HR person must decide" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.kind == "conflict.clear")) == 0


def test_a_conflict_cannot_be_cleared_after_release(client, make, hr, rival_case):
    """Once results are released, counting a left-out sheet would change a published verdict: refused."""
    from tests.results_helpers import move_cycle

    anna, _cara, rival_sheet, _assess = rival_case
    move_cycle(anna.cycle, "released")
    response = client.post(f"/hr/assignments/{rival_sheet.id}/conflict-clearance",
                           data={"reason": "The panel checked his ratings against the project records and found them fair."})
    assert response.status_code == 400 and "results of this cycle are released" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.kind == "conflict.clear")) == 0
