"""Closing and releasing with eyes open: completion per rater group, candidates whose verdict is not a band,
reopened sheets; releasing with such candidates needs an acknowledgement; HR may withhold chosen candidates
and release them later, one by one. Every step is audited."""

from __future__ import annotations

from flask_babel import gettext as _, ngettext
from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa

from rubrics.readiness import GROUP_LABELS, verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..mail.notify import notify_results_released
from ..models import RATER_GROUPS, Assessment, Cycle, RaterAssignment, User
from . import NotAllowed, ServiceError
from .audit import record_audit
from .calibration_rules import band_rank
from .cycles import change_state, state_word
from .open_cycle import verdicts_hidden
from .ratings import reopened_sheets
from .readiness import assess, assess_cycle, cycle_assessments


@dataclass(frozen=True)
class GroupCompletion:
    """One rater group's sheets in a cycle: submitted, and still owed (never submitted)."""

    group: str
    label: str
    submitted: int
    owed: int

    @property
    def total(self) -> int:
        return self.submitted + self.owed


@dataclass(frozen=True)
class FlaggedCandidate:
    """A candidate whose verdict would not be a band (insufficient evidence, panel review, ...)."""

    assessment: Assessment
    verdict_label: str
    #: A calibration awaiting its second approval (not in force), by label, or "".
    proposed_label: str = ""


@dataclass
class CycleCompletion:
    groups: list[GroupCompletion]
    flagged: list[FlaggedCandidate]
    reopened: list[RaterAssignment]
    assessments: list[Assessment] = field(default_factory=list)
    #: While the cycle is open and verdicts are hidden (``open_cycle.verdicts_hidden``): no flagged list.
    verdicts_hidden: bool = False

    @property
    def owed(self) -> int:
        return sum(g.owed for g in self.groups)

    @property
    def withholdable(self) -> list[Assessment]:
        """The candidates a release may withhold: a withdrawn one has no results to hold back."""
        return [a for a in self.assessments if not a.is_withdrawn]



def group_completion(cycle: Cycle) -> list[GroupCompletion]:
    """Sheets submitted and still owed per rater group (self, managers, peers), withdrawn candidates apart."""
    submitted = sa.func.sum(sa.case((RaterAssignment.status == "submitted", 1), else_=0))
    counts = {group: (int(done or 0), int(total)) for group, done, total in db.session.execute(
        sa.select(RaterAssignment.rater_group, submitted, sa.func.count()).join(Assessment)
        .where(Assessment.cycle_id == cycle.id, Assessment.withdrawn_at.is_(None))
        .group_by(RaterAssignment.rater_group))}
    return [GroupCompletion(group, GROUP_LABELS[group], done, total - done)
            for group in RATER_GROUPS for done, total in [counts.get(group, (0, 0))]]


def flagged_candidates(cycle: Cycle, outcomes=None) -> list[FlaggedCandidate]:
    """Candidates whose verdict in force would not be a band: computed so, and no calibration in force."""
    rules = pinned_framework(cycle).readiness
    flagged = []
    for outcome in assess_cycle(cycle) if outcomes is None else outcomes:
        if outcome.assessment.is_withdrawn:
            continue  # withdrawn: no verdict is owed
        if outcome.calibration is None and band_rank(rules, outcome.result.band_id) is None:
            proposal = verdict_label(rules, outcome.proposal.band_id) if outcome.proposal else ""
            flagged.append(FlaggedCandidate(outcome.assessment, outcome.result.band_label, proposal))
    return sorted(flagged, key=lambda f: f.assessment.candidate.name.casefold())


def cycle_completion(cycle: Cycle) -> CycleCompletion:
    """What HR should see before closing or releasing a cycle."""
    hidden = verdicts_hidden(cycle)
    return CycleCompletion(groups=group_completion(cycle), flagged=[] if hidden else flagged_candidates(cycle),
                           reopened=reopened_sheets(cycle), assessments=cycle_assessments(cycle),
                           verdicts_hidden=hidden)


def release_refusal(cycle: Cycle) -> str | None:
    """Why the cycle's results cannot be released now (it is not closed), or None: the release page says so
    instead of offering the release, and ``release_cycle`` refuses with the same words."""
    if cycle.state == "closed":
        return None
    if cycle.state == "released":
        return _("The results of “%(name)s” are already released.", name=cycle.name)
    return _("Results are released from a closed cycle, and “%(name)s” is %(state)s: close it first.",
             name=cycle.name, state=state_word(cycle.state))


def _acknowledgement_needed(flagged: list[FlaggedCandidate]) -> str:
    names = ", ".join(f"{f.assessment.candidate.name} ({f.verdict_label})" for f in flagged[:5])
    if len(flagged) > 5:
        names = ngettext("%(names)s and %(num)d more", "%(names)s and %(num)d more", len(flagged) - 5, names=names)
    return ngettext("%(num)d candidate has no verdict a panel can act on (%(names)s): tick the box to release them "
                    "as they are, or withhold them.",
                    "%(num)d candidates have no verdict a panel can act on (%(names)s): tick the box to release them "
                    "as they are, or withhold them.", len(flagged), names=names)


def release_cycle(cycle: Cycle, *, actor: User, withhold: Collection[int] = (), acknowledged: bool = False) -> Cycle:
    """Release a closed cycle's results, except for the withheld candidates (assessment ids); audited per
    candidate. Releasing a candidate whose verdict is not a band needs ``acknowledged``."""
    refusal = release_refusal(cycle)
    if refusal:
        raise NotAllowed(refusal)
    by_id = {a.id: a for a in cycle.assessments}
    unknown = set(withhold) - set(by_id)
    if unknown:
        raise ServiceError(_("a candidate to withhold is not in this cycle"), field="withhold")
    if any(by_id[i].is_withdrawn for i in withhold):
        raise ServiceError(_("a withdrawn candidate has no results to withhold"), field="withhold")
    flagged = [f for f in flagged_candidates(cycle) if f.assessment.id not in set(withhold)]
    if flagged and not acknowledged:
        raise ServiceError(_acknowledgement_needed(flagged), field="acknowledge")
    withheld = [by_id[i] for i in sorted(withhold)]
    for assessment in withheld:
        assessment.is_withheld = True
        record_audit("assessment.withhold", assessment,
                     f"Withheld the results of {assessment.candidate.name} from the release of {cycle.name}",
                     actor=actor, cycle_id=cycle.id, after={"candidate": assessment.candidate.email,
                                                            "is_withheld": True})
    change_state(cycle, "released", actor=actor)
    if flagged:
        record_audit("cycle.release_acknowledged", cycle,
                     f"Released {cycle.name} knowing {len(flagged)} candidate(s) have no band verdict",
                     actor=actor, cycle_id=cycle.id,
                     after={"candidates": [f.assessment.candidate.email for f in flagged],
                            "withheld": [a.candidate.email for a in withheld]})
    return cycle


def release_assessment(assessment: Assessment, *, actor: User, acknowledged: bool = False) -> Assessment:
    """Release one withheld candidate's results in a released cycle; audited, and the candidate is mailed (as the
    cycle's release mails the others). A verdict that is not a band needs ``acknowledged``."""
    cycle = assessment.cycle
    if cycle.state != "released" or not assessment.is_withheld:
        raise NotAllowed(_("The results of %(name)s are not withheld in a released cycle.",
                           name=assessment.candidate.name))
    flagged = flagged_candidates(cycle, [assess(assessment)])
    if flagged and not acknowledged:
        raise ServiceError(_acknowledgement_needed(flagged), field="acknowledge")
    assessment.is_withheld = False
    db.session.flush()
    record_audit("assessment.release", assessment, f"Released the results of {assessment.candidate.name}",
                 actor=actor, cycle_id=cycle.id,
                 before={"is_withheld": True},
                 after={"is_withheld": False, "candidate": assessment.candidate.email,
                        "acknowledged": [f.verdict_label for f in flagged]})
    notify_results_released(cycle, [assessment])
    return assessment
