"""The shipped rubric without the 2026.12.4 keys of agreement, rater relationship and eligibility, so that an engine
test sets exactly the rule it tests (with ``dataclasses.replace``) whatever the shipped rubric holds."""

from __future__ import annotations

from dataclasses import replace

from rubrics.model import Framework


def without_evidence_keys(fw: Framework) -> Framework:
    """``fw`` with no agreement index, no relationship rule, no low-agreement Panel review and no eligibility."""
    rules = fw.readiness
    panel = replace(rules.panel_review, min_critical_agreement=None) if rules.panel_review is not None else None
    return replace(fw, readiness=replace(rules, agreement=None, rater_relationship=None, panel_review=panel),
                   roles=tuple(replace(r, eligibility=None) for r in fw.roles))
