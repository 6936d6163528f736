"""(2026.12.4) A role's eligibility rule for one candidate: the track record it expects (source 001: a longer
leadership record for a Head of Operations) against the candidate's months in leadership roles and in the current
role (docs/readiness.md, "Eligibility").

It informs the panel beside the verdict and never changes the band: ``assess_readiness(..., tenure=...)`` only
stores these checks on the result. Months the candidate's record does not give are "not known"
(NOT_APPLICABLE), never "not met".
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import _
from .model import RoleProfile
from .readiness_model import FAILED, NOT_APPLICABLE, PASSED
from .readiness_result import EligibilityCheck

LEADERSHIP, CURRENT_ROLE = "min_leadership_months", "min_current_role_months"


@dataclass(frozen=True)
class Tenure:
    """A candidate's track record in whole months; None: not known."""

    leadership_months: int | None = None
    current_role_months: int | None = None


def _rule_text(check_id: str, required: int) -> str:
    if check_id == LEADERSHIP:
        return _("At least %(months)s months in leadership roles", months=required)
    return _("At least %(months)s months in the current role", months=required)


def _check(check_id: str, required: int | None, months: int | None) -> EligibilityCheck | None:
    if required is None:
        return None
    rule = _rule_text(check_id, required)
    if months is None:
        return EligibilityCheck(check_id, _("%(rule)s: not known.", rule=rule), required, None, NOT_APPLICABLE)
    if months >= required:
        return EligibilityCheck(check_id, _("%(rule)s: %(months)s, met.", rule=rule, months=months), required, months,
                                PASSED)
    return EligibilityCheck(check_id, _("%(rule)s: %(months)s, not met.", rule=rule, months=months), required,
                            months, FAILED)


def eligibility_checks(role: RoleProfile, tenure: Tenure | None) -> tuple[EligibilityCheck, ...]:
    """The role's eligibility rule, part by part, for a candidate with this record (None: nothing known); () when
    the role states none."""
    rule = role.eligibility
    if rule is None:
        return ()
    tenure = tenure or Tenure()
    checks = (_check(LEADERSHIP, rule.min_leadership_months, tenure.leadership_months),
              _check(CURRENT_ROLE, rule.min_current_role_months, tenure.current_role_months))
    return tuple(c for c in checks if c is not None)
