"""HR use cases beside the import: editing cycles, removing raters, changing roles and passwords."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.models import AuditEvent
from assessment.services import ConflictError, NotAllowed, ServiceError
from assessment.services.assessments import assign_rater, remove_assignment
from assessment.services.cycles import change_state, update_cycle
from assessment.services.users import change_password, change_role


def test_update_cycle_audits_only_what_changed_and_refuses_stale_or_closed(app, make):
    """An edit records the changed fields; an older version is a conflict; a closed cycle is not edited."""
    hr = make.user("hr")
    cycle = make.cycle(state="open")
    version = cycle.version_id
    update_cycle(cycle, name=cycle.name, instructions="Rate what you saw.", starts_on=None, ends_on=None,
                 actor=hr, expected_version=version)
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "cycle.update"))
    assert (event.before, event.after) == ({"instructions": ""}, {"instructions": "Rate what you saw."})
    with pytest.raises(ConflictError):
        update_cycle(cycle, name="x", instructions="", starts_on=None, ends_on=None, actor=hr,
                     expected_version=version)
    closed = make.cycle(state="closed")
    with pytest.raises(NotAllowed):
        update_cycle(closed, name="x", instructions="", starts_on=None, ends_on=None, actor=hr,
                     expected_version=closed.version_id)


def test_update_cycle_without_a_version_is_a_conflict(app, make):
    """An edit that does not say which version it is based on is treated as stale, never saved blind."""
    hr = make.user("hr")
    cycle = make.cycle(state="open", name="Spring")
    with pytest.raises(ConflictError):
        update_cycle(cycle, name="Blind", instructions="", starts_on=None, ends_on=None, actor=hr,
                     expected_version=None)
    db.session.rollback()
    assert db.session.get(type(cycle), cycle.id).name == "Spring"


def test_remove_assignment_keeps_the_self_sheet_and_the_last_manager(app, make):
    """The self sheet and a candidate's only manager cannot be removed; a second, unstarted manager can."""
    hr = make.user("hr")
    assessment = make.assessment(cycle=make.cycle(state="draft"), managers=2)  # in draft, changes are free
    own, first, second = assessment.assignments
    with pytest.raises(NotAllowed, match="self-assessment"):
        remove_assignment(own, actor=hr, reason="set up by the test")
    remove_assignment(second, actor=hr, reason="set up by the test")
    db.session.commit()
    assert [a.id for a in assessment.assignments] == [own.id, first.id]
    with pytest.raises(NotAllowed, match="at least one manager"):
        remove_assignment(first, actor=hr, reason="set up by the test")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "assignment.remove"))
    assert event.subject_id == second.id and event.before["group"] == "manager"


def test_raters_are_not_assigned_in_a_closed_cycle(app, make):
    """Once a cycle is closed its raters are fixed."""
    assessment = make.assessment()
    change_state(assessment.cycle, "closed", actor=None)
    with pytest.raises(NotAllowed):
        assign_rater(assessment, make.user("manager"), "manager", actor=None, reason="set up by the test")


@pytest.mark.parametrize("state", ["closed", "released"])
def test_raters_are_not_removed_once_a_cycle_is_closed(app, make, state):
    """Removing an unstarted rater is refused in a closed or released cycle, and the sheet stays."""
    assessment = make.assessment(managers=2)
    second = [a for a in assessment.assignments if a.rater_group == "manager"][1]
    for step in ("closed", "released")[:("closed", "released").index(state) + 1]:
        change_state(assessment.cycle, step, actor=None)
    with pytest.raises(NotAllowed, match=f"cannot be removed in a {state} cycle"):
        remove_assignment(second, actor=make.user("hr"), reason="set up by the test")
    assert second in assessment.assignments


def test_change_role_and_password_are_audited_without_the_password(app, make):
    """A role change records before/after; a person's new password records only that there is one now; HR
    setting someone else's password, or giving the HR role directly, is refused (issue 15)."""
    hr, person = make.user("hr"), make.user("candidate", password=None)
    with pytest.raises(ServiceError, match="Nobody sets another person's password"):
        change_password(person, "another-secret-99", actor=hr)
    with pytest.raises(ServiceError, match="propose it instead"):
        change_role(person, "hr", actor=hr)
    with pytest.raises(ServiceError, match="own role"):
        change_role(hr, "manager", actor=hr)
    with pytest.raises(ServiceError, match="already has"):
        change_role(person, "candidate", actor=hr)
    change_role(person, "manager", actor=hr)
    change_password(person, "another-secret-99", actor=person)
    db.session.commit()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.subject_id == person.id,
                                                            AuditEvent.kind != "user.create")
                                .order_by(AuditEvent.id)).all()
    assert [(e.kind, e.before, e.after) for e in events] == [
        ("user.role_change", {"role": "candidate"}, {"role": "manager"}),
        ("user.password", {"has_password": False}, {"has_password": True})]
    assert person.check_password("another-secret-99")
