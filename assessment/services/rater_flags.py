"""Rater quality as HR reads it beside one candidate: which of their raters are flagged across the cycle, and
whether the verdict rests mainly on one of them (``services.rater_quality`` computes the flags; this module
puts names and rater groups to them for HR's report, results page and cycle overview). HR only: it names
raters, so nothing here may reach a candidate.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa

from reports.data import RaterNote
from rubrics import Framework, language

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Cycle, RaterAssignment, Submission
from .rater_quality import CycleRaterQuality, cycle_rater_quality
from .sheets import rater_ids
from .translation import _


@dataclass(frozen=True)
class CycleFlags:
    """A cycle's rater quality with each rater's group per assessment, for HR's pages and reports."""

    quality: CycleRaterQuality
    #: (assessment id, rater key) -> rater group.
    groups: dict[tuple[int, str], str]

    def name(self, rater_key: str) -> str:
        return self.quality.rater_names.get(rater_key) or _("Rater %(key)s", key=rater_key)

    def notes(self, assessment_id: int) -> tuple[RaterNote, ...]:
        """The assessment's flagged raters, heaviest share of the decision first."""
        shares = self.quality.report.influence.get(str(assessment_id), {})
        flagged = {r.rater_key: r for r in self.quality.report.flagged}
        return tuple(
            RaterNote(self.name(key), self.groups.get((assessment_id, key), ""), share,
                      tuple((flag.label, flag.explanation) for flag in flagged[key].flags))
            for key, share in sorted(shares.items(), key=lambda item: (-item[1], item[0])) if key in flagged)

    def rests_on(self, assessment_id: int) -> str:
        """A sentence when the verdict rests mainly on a flagged rater, else ""."""
        rater = self.quality.rests_on_flagged(assessment_id)
        if rater is None:
            return ""
        share = self.quality.report.influence.get(str(assessment_id), {}).get(rater.rater_key, 0.0)
        return _("The verdict rests mainly on %(rater)s's ratings (%(share)s of the decision weight), "
                 "flagged %(flags)s across the cycle; see Rater quality.", rater=self.name(rater.rater_key),
                 share=language.percent(share), flags=_labels(rater))

    def rests_on_short(self, assessment_id: int) -> str:
        """ "Lenny Lenient: lenient and straight-lining" for the overview's row, or ""."""
        rater = self.quality.rests_on_flagged(assessment_id)
        return _("%(rater)s: %(flags)s", rater=self.name(rater.rater_key), flags=_labels(rater)) if rater is not None else ""


def _labels(rater) -> str:
    """ "lenient and straight-lining": the flags' labels (the engine's, in the current language) as a list."""
    labels = [_lower(flag.label) for flag in rater.flags]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s and %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


def _lower(label: str) -> str:
    # "Lenient" reads "lenient" inside a sentence; a German label may start with a noun ("Tendenz zur Mitte").
    return label.lower() if language.current() == "en" else label


#: Rater quality reads every counted rating of the cycle: kept per process, keyed by what it is made of.
_CACHE: OrderedDict[tuple, CycleFlags] = OrderedDict()
_CACHE_SIZE = 8


def _inputs(cycle: Cycle, framework: Framework) -> tuple:
    """What a cycle's rater quality is made of, in one aggregate query: counted ratings change only when a
    sheet is submitted (a new submission row) or a sheet is added or removed (assignments)."""
    sheets = (sa.select(RaterAssignment.id).join(Assessment, Assessment.id == RaterAssignment.assessment_id)
              .where(Assessment.cycle_id == cycle.id))
    submissions = db.session.execute(
        sa.select(sa.func.count(Submission.id), sa.func.max(Submission.id), sa.func.max(Submission.submitted_at))
        .where(Submission.assignment_id.in_(sheets))).one()
    assignments = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(sheets.subquery().c.id))).one()
    # The cycle's creation time too: ids can come back after rows are deleted (SQLite reuses the highest).
    # The language too: the flags' labels and explanations are text.
    return (cycle.id, str(cycle.created_at), framework.content_hash, tuple(map(str, submissions)),
            tuple(assignments), language.current())


def cycle_flags(cycle: Cycle, *, framework: Framework | None = None) -> CycleFlags | None:
    """The cycle's rater flags, or None when its pinned rubric has no rater-quality rules. Computed once per
    change of its inputs (``_inputs``) and kept in a small per-process cache: every results page and the
    overview ask for it, and a 5,000-candidate cycle has some 300,000 counted levels. ``framework``: the cycle's
    pinned framework when the caller has it already."""
    framework = framework or pinned_framework(cycle)
    if getattr(framework.readiness, "rater_quality", None) is None:
        return None
    key = _inputs(cycle, framework)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    flags = _compute(cycle, framework)
    _CACHE[key] = flags
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return flags


def _compute(cycle: Cycle, framework: Framework) -> CycleFlags:
    rows = db.session.execute(
        sa.select(RaterAssignment.assessment_id, RaterAssignment.rater_id, RaterAssignment.rater_group)
        .join(Assessment, Assessment.id == RaterAssignment.assessment_id).where(Assessment.cycle_id == cycle.id)
    ).all()
    return CycleFlags(cycle_rater_quality(cycle, framework=framework), {(a, str(r)): g for a, r, g in rows})


def report_flags(flags: CycleFlags | None, assessment_id: int) -> dict:
    """The rater-quality keywords of ``reports.data.report_data`` for HR's copy of one assessment."""
    if flags is None:
        return {}
    return {"rater_notes": flags.notes(assessment_id), "rests_on_flagged": flags.rests_on(assessment_id)}


def rater_flags_for_results(cycle: Cycle, ids, framework: Framework) -> dict[int, dict[str, tuple[str, ...]]]:
    """Per assessment id, the cycle's rater-quality flag ids under the engine's rater keys ("manager-1"), for
    ``assess_readiness(..., flagged=)``; empty when the pinned rubric lets no flag change a verdict (before
    2026.12.3)."""
    return flags_under_rater_keys(flagged_raters(cycle, framework), ids)


def flagged_raters(cycle: Cycle, framework: Framework) -> dict[str, tuple[str, ...]] | None:
    """The cycle's flagged raters (user id as text) with their flag ids, or None when the pinned rubric lets no
    flag change a verdict (before 2026.12.3). Ask once per cycle, then map batches with ``flags_under_rater_keys``."""
    panel = framework.readiness.panel_review
    if panel is None or panel.flagged_weight_share is None:
        return None
    flags = cycle_flags(cycle, framework=framework)
    if flags is None:
        return None
    return {r.rater_key: tuple(f.id for f in r.flags) for r in flags.quality.report.flagged}


def flags_under_rater_keys(by_user: dict[str, tuple[str, ...]] | None, ids
                           ) -> dict[int, dict[str, tuple[str, ...]]]:
    """``flagged_raters`` per assessment id under the engine's rater keys (one query)."""
    if by_user is None or not ids:
        return {}
    return {a: {key: by_user[user] for key, user in keys.items() if user in by_user}
            for a, keys in rater_ids(list(ids)).items()}
