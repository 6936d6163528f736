"""A candidate's track record (issue 18): months in leadership roles and in the current role, which the rubric's
eligibility rule for the target role is checked against. HR enters them on the candidate's page or in the import
file; the rule informs the panel beside the verdict and never changes the band.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..cleaning import whole_number
from ..models import Assessment, User
from . import NotAllowed, ServiceError
from .audit import record_audit

#: The most months either number may hold (60 years), as the database's check says.
MAX_MONTHS = 720
#: The audit kind of a changed track record (its subject: the assessment).
TRACK_RECORD_KIND = "assessment.track_record"
FIELDS = ("leadership_months", "current_role_months")


def months_problem(text: str | None) -> str | None:
    """Why ``text`` is not a number of months (empty is fine: not known), or None."""
    text = (text or "").strip()
    if not text:
        return None
    if whole_number(text, maximum=MAX_MONTHS) is None:
        return _("enter whole months from 0 to %(max)s, or leave it empty when not known", max=MAX_MONTHS)
    return None


def parse_months(text: str | None) -> int | None:
    """A checked number of months (``months_problem`` first), None when empty."""
    return whole_number((text or "").strip(), maximum=MAX_MONTHS)


def set_track_record(assessment: Assessment, leadership_months: int | None, current_role_months: int | None, *,
                     actor: User | None, audit: bool = True) -> bool:
    """Record the candidate's months in leadership roles and in the current role (None: not known); True when
    anything changed. Refused once the results are released (the candidate's report would change under them)."""
    values = {"leadership_months": leadership_months, "current_role_months": current_role_months}
    for field, value in values.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value <= MAX_MONTHS):
            raise ServiceError(_("enter whole months from 0 to %(max)s, or leave it empty when not known",
                                 max=MAX_MONTHS), field=field)
    if assessment.cycle.state == "released":
        raise NotAllowed(_("The results of this cycle are released: the track record can no longer change."))
    before = {field: getattr(assessment, field) for field in FIELDS}
    if before == values:
        return False
    for field, value in values.items():
        setattr(assessment, field, value)
    if audit:
        record_audit(TRACK_RECORD_KIND, assessment, f"Track record of {assessment.candidate.name}: "
                     f"{_words(leadership_months)} in leadership roles, {_words(current_role_months)} in the current "
                     "role", actor=actor, cycle_id=assessment.cycle_id, before=before, after=values)
    return True


def _words(months: int | None) -> str:
    return "not known" if months is None else f"{months} months"
