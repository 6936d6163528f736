"""Conflicts of interest among raters, and what peers are told on their sheet."""

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent
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
    return client.post(f"/hr/assessments/{assessment.id}", data={"email": user.email, "rater_group": group},
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
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "assignment.create")
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
    assign_rater(anna, make.user("manager"), "peer", actor=None)
    assign_rater(anna, elsewhere.candidate, "peer", actor=None)
    db.session.commit()
    assert conflicts([anna.id]) == {}


def test_a_rival_added_later_marks_the_existing_assignment(make):
    """The mark is worked out when shown: the peer becoming a candidate later marks the assignment."""
    cycle = make.cycle()
    anna = _candidate(make, cycle, "Anna")
    later = make.user("candidate", name="Later Rival")
    assignment = assign_rater(anna, later, "peer", actor=None)
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
