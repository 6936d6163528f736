"""Test data made through the real services, so that tests exercise the same paths as the app."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from assessment.extensions import db
from assessment.framework import current_framework
from assessment.models import RaterAssignment, utcnow
from assessment.services.assessments import add_assessment, assign_rater
from assessment.services.cycles import change_state, create_cycle
from assessment.services.users import create_user

_counter = itertools.count(1)
#: How long and how closely a rater of the factory's sheets knows the candidate.
RELATIONSHIP = {"known_for": "1_to_3_years", "closeness": "weekly"}


class Factory:
    PASSWORD = "correct-horse-battery"

    def __init__(self, app):
        self.app = app

    @property
    def framework(self):
        return current_framework()

    def user(self, role: str = "candidate", name: str | None = None, email: str | None = None,
             password: str | None = PASSWORD):
        n = next(_counter)
        user = create_user(email or f"{role}{n}@example.com", name or f"{role.title()} {n}", role, password,
                           actor=None)
        db.session.commit()
        return user

    def cycle(self, name: str | None = None, state: str = "open"):
        cycle = create_cycle(name or f"Cycle {next(_counter)}", actor=None)
        for step in ("open", "closed", "released"):
            if cycle.state == state:
                break
            change_state(cycle, step, actor=None, framework=self.framework)
        db.session.commit()
        return cycle

    def assessment(self, cycle=None, candidate=None, current_role: str = "operations_manager",
                   managers: int = 1, peers: int = 0, direct_reports: int = 0, briefed: bool = True):
        """A candidate with their raters. ``briefed``: every sheet's rater has already confirmed the rater briefing
        (so that a test of the sheet opens the sheet, not the briefing) and said how long and how closely they know
        the candidate (``RELATIONSHIP``); the briefing's and the relationship's own tests pass False."""
        cycle = cycle or self.cycle()
        candidate = candidate or self.user("candidate")
        target = self.framework.next_role(current_role).id
        assessment = add_assessment(cycle, candidate, current_role, target, framework=self.framework, actor=None)
        for _ in range(managers):
            assign_rater(assessment, self.user("manager"), "manager", actor=None, initial=True)
        for _ in range(peers):
            assign_rater(assessment, self.user("candidate"), "peer", actor=None, initial=True)
        for _ in range(direct_reports):
            assign_rater(assessment, self.user("candidate"), "direct_report", actor=None, initial=True)
        if briefed:  # without an ORM update, which would count as a new version of each sheet
            db.session.flush()
            sheets = sa.update(RaterAssignment).where(RaterAssignment.assessment_id == assessment.id)
            db.session.execute(sheets.values(briefing_read_at=utcnow()))
            # ... and the raters have said how long and how closely they know the candidate (rubric 2026.12.4)
            db.session.execute(sheets.where(RaterAssignment.rater_group != "self").values(**RELATIONSHIP))
        db.session.commit()
        return assessment
