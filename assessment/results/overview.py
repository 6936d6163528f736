"""The cycle overview: every candidate's decision scores as a heat-map, with verdict counts.

Sorting, filtering, counting and paging happen in the database, over the stored results (missing ones are
computed first, once), so a page costs the same whatever the cycle's size; only the rows of the page shown
are decoded and checked against their inputs. The view stays thin and the template only draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from rubrics import Framework, language
from reports.evidence import agreement_text
from rubrics.readiness import (FAILED, INSUFFICIENT_EVIDENCE, MANAGER, NOT_APPLICABLE, PANEL_REVIEW, PASSED, PEER,
                               EligibilityCheck, UncountedSheet, verdict_label, verdicts)

from ..extensions import db
from ..framework import pinned_framework
from ..listing import Page, Sorting, page_arg, page_of, page_size, paginate, sorting_arg
from ..models import HAS_RESULTS, Assessment, StoredResult, User
from ..services import readiness, results_store
from ..services.rater_flags import CycleFlags, cycle_flags
from ..services.readiness import AssessmentResult

#: Heat-map classes by gap (decision score - required level), with the legend's words.
GAP_CLASSES = (
    ("meets", _l("At or above the required level")),
    ("near", _l("Up to one level short")),
    ("far", _l("More than one level short")),
    ("none", _l("No evidence (not rated, or not observed)")),
)
SORTS = ("name", "verdict", "attainment")


def gap_class(gap: float | None) -> str:
    """The heat-map class of a gap: meets / near / far, or none without a decision score."""
    if gap is None:
        return "none"
    if gap >= 0:
        return "meets"
    return "near" if gap >= -1 else "far"


@dataclass(frozen=True)
class OverviewQuery:
    role: str | None = None
    sorting: Sorting = Sorting("name", "asc")
    page: int = 1
    page_size: int = 50
    #: The page of the flagged raters' list (?rpage=), paged apart from the heat-map.
    rater_page: int = 1

    @property
    def sort(self) -> str:
        return self.sorting.sort

    @property
    def desc(self) -> bool:
        return self.sorting.descending

    @classmethod
    def from_request(cls) -> OverviewQuery:
        """The query from the request's arguments; anything unknown falls back to the default."""
        # A competency column sorts as c:<competency id>.
        sorting = sorting_arg(lambda sort: sort in SORTS or sort.startswith("c:"), "name")
        return cls(role=request.args.get("role") or None, sorting=sorting, page=page_arg(), page_size=page_size(),
                   rater_page=page_arg("rpage"))


@dataclass(frozen=True)
class CompetencyScore:
    """The part of a stored ``CompetencyResult`` a heat-map cell shows."""

    competency_id: str
    decision_score: float | None
    required: int
    gap: float | None
    #: (2026.12.3) A critical competency rated by too few counted managers and peers.
    is_thin_evidence: bool | None = False


@dataclass(frozen=True)
class RowResult:
    """The part of a stored ``ReadinessResult`` a heat-map row shows: decoded without the rest (a page of
    50 full results would cost more to decode than everything else on the page)."""

    band_id: str
    band_label: str
    weighted_attainment: float | None
    competencies: tuple[CompetencyScore, ...]
    is_panel_review: bool
    provisional_band_label: str
    #: (2026.12.3) Submitted sheets that do not count as raters, with the reason.
    uncounted_sheets: tuple[UncountedSheet, ...] = ()
    #: (2026.12.4) The overall agreement index and its level, and the eligibility rule's checks.
    agreement: float | None = None
    agreement_level: str = ""
    eligibility: tuple[EligibilityCheck, ...] = ()


@dataclass(frozen=True)
class Cell:
    competency_id: str
    score: float | None
    required: int
    gap: float | None

    @property
    def css(self) -> str:
        return gap_class(self.gap)


@dataclass(frozen=True)
class Row:
    outcome: AssessmentResult
    target_role: str
    verdict: str
    calibrated: str
    cells: tuple[Cell, ...]
    #: A calibration awaiting its second HR approval (not in force), or "".
    proposed: str = ""
    #: "Lenny Lenient: lenient" when the verdict rests mainly on a flagged rater, else "".
    rests_on_flagged: str = ""
    #: "Peer: rated 4 of 15 competencies" per submitted sheet that does not count as a rater.
    uncounted: tuple[str, ...] = ()
    #: Critical competencies on thin evidence.
    thin_evidence: tuple[str, ...] = ()
    #: (2026.12.4) "raters partly agree (rwg 0.64)", or "" without an index.
    agreement: str = ""
    #: (2026.12.4) The eligibility rule as a whole: PASSED (every part met), FAILED (a part not met),
    #: NOT_APPLICABLE (some part not known), or "" when the rubric has none for the role.
    eligibility: str = ""


@dataclass(frozen=True)
class FlaggedRater:
    """A rater flagged across the cycle, for HR: name, how much they rated, and each flag in words."""

    name: str
    levels: int
    candidates: int
    mean: float
    flags: tuple[tuple[str, str], ...]


@dataclass
class Overview:
    framework: Framework
    rows: list[Row]
    total: int
    page: int
    pages: int
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)
    #: The target role filtered on (its name), or "" for all.
    role_name: str = ""
    #: One page of the raters flagged across the cycle (None: the cycle's rubric has no rater-quality rules).
    flagged_raters: Page | None = None
    #: Raters judged (levels given by managers and peers) in the cycle.
    raters_judged: int = 0
    #: What every row and cell repeats, translated once for the page (``overview_words``).
    words: dict = field(default_factory=dict)


def _row(framework: Framework, outcome: AssessmentResult, flags: CycleFlags | None) -> Row:
    result = outcome.result
    by_id = {comp.competency_id: comp for comp in result.competencies}
    cells = tuple(Cell(c.id, by_id[c.id].decision_score, by_id[c.id].required, by_id[c.id].gap)
                  for c in framework.competencies if c.id in by_id)
    calibrated = verdict_label(framework.readiness, outcome.calibration.band_id) if outcome.calibration else ""
    proposed = verdict_label(framework.readiness, outcome.proposal.band_id) if outcome.proposal else ""
    rests_on = flags.rests_on_short(outcome.assessment.id) if flags is not None else ""
    names = {c.id: c.name for c in framework.competencies}
    thin = tuple(names[c.competency_id] for c in result.competencies if c.is_thin_evidence)
    agreement = agreement_text(result.agreement, result.agreement_level) if result.agreement_level else ""
    return Row(outcome, framework.role(outcome.assessment.target_role).name, result.band_label, calibrated, cells,
               proposed, rests_on, tuple(uncounted_line(u) for u in result.uncounted_sheets), thin, agreement,
               eligibility_status(result.eligibility))


def eligibility_status(checks) -> str:
    """The eligibility rule as a whole: not met when any part is not met, else not known when any part is not known,
    else met; "" without a rule."""
    statuses = {check.status for check in checks}
    if not statuses:
        return ""
    if FAILED in statuses:
        return FAILED
    return PASSED if statuses == {PASSED} else NOT_APPLICABLE


def uncounted_line(sheet: UncountedSheet) -> str:
    """ "Peer: rated 4 of 15 competencies" (the group, never the rater)."""
    group = {MANAGER: _l("Manager"), PEER: _l("Peer")}.get(sheet.group, sheet.group_label)
    return f"{group}: {sheet.reason}"


def _flagged_raters(flags: CycleFlags, page: int, per_page: int) -> Page:
    """One page of the cycle's flagged raters by name (a large cycle flags hundreds: only the page's are written)."""
    ordered = sorted(flags.quality.report.flagged, key=lambda r: (flags.name(r.rater_key).casefold(), r.rater_key))
    shown = page_of(ordered, page, per_page)
    shown.items = [FlaggedRater(flags.name(r.rater_key), r.levels, r.candidates, r.mean,
                                tuple((f.label, f.explanation) for f in r.flags)) for r in shown.items]
    return shown


def overview_words() -> dict[str, str]:
    """The sentences every row and cell of the heat-map repeats, translated once for the page (their %(name)s
    fields are filled in by the template's ``format`` filter)."""
    return {"against": _("%(competency)s: %(score)s against %(required)s required"),
            "no_evidence_of": _("%(competency)s: no evidence"), "no_evidence": _("no evidence"), "n_a": _("n/a"),
            "passed": _("Eligibility rule met"), "failed": _("Eligibility rule not met"),
            "not_applicable": _("Eligibility not known")}


def _known_sort(framework: Framework, sort: str) -> str:
    """``sort``, or "name" for a competency column this rubric does not have: the id becomes a JSON path in SQL,
    and a made-up one (``c:"``, ``c:$[``) is an error on SQLite."""
    if sort.startswith("c:") and sort[2:] not in {c.id for c in framework.competencies}:
        return "name"
    return sort


def _order_by(sort: str, descending: bool) -> list:
    """The ORDER BY of a sort: the column, then the candidate's name (both reversed by dir=desc), then the id."""
    if sort == "verdict":
        key = StoredResult.verdict_rank
    elif sort == "attainment":
        key = sa.func.coalesce(StoredResult.weighted_attainment, 0.0)
    elif sort.startswith("c:"):
        key = sa.func.coalesce(StoredResult.decision_scores[sort[2:]].as_float(), -1.0)
    else:
        key = None
    name = sa.func.lower(User.name)
    keys = [name] if key is None else [key, name]
    return [k.desc() if descending else k.asc() for k in keys] + [Assessment.id]


def build_overview(cycle, query: OverviewQuery, *, missing: list[int] | None = None) -> Overview:
    """The heat-map rows of one page, the verdict counts (of the filtered set) and the role filter's choices;
    the results still ``missing`` (``results_store.missing_results``, asked for when not given) are computed first."""
    framework = pinned_framework(cycle)  # looked up once, and handed down to everything below
    results_store.refresh_cycle(cycle, partial(readiness.compute_results, framework=framework), missing=missing,
                                framework=framework)
    in_cycle = sa.and_(Assessment.cycle_id == cycle.id, HAS_RESULTS)  # withdrawn: no results
    roles = set(db.session.scalars(sa.select(Assessment.target_role).where(in_cycle).distinct()))
    roles = sorted(roles, key=[r.id for r in framework.ladder].index)
    role_names = {role.id: role.name for role in framework.roles}
    chosen = [in_cycle, StoredResult.language == language.current()] + (
        [Assessment.target_role == query.role] if query.role else [])
    counted = dict(db.session.execute(
        sa.select(StoredResult.band_id, sa.func.count()).join(Assessment).where(*chosen)
        .group_by(StoredResult.band_id)).all())
    # Insufficient evidence and Panel review are listed only when some candidate has them.
    bands = [(band_id, label) for band_id, label in verdicts(framework.readiness)
             if band_id not in (INSUFFICIENT_EVIDENCE, PANEL_REVIEW) or band_id in counted]
    stmt = (sa.select(Assessment).join(StoredResult).join(Assessment.candidate)
            .options(contains_eager(Assessment.candidate)).where(*chosen)
            .order_by(*_order_by(_known_sort(framework, query.sort), query.desc)))
    shown = paginate(stmt, query.page, query.page_size)
    flags = cycle_flags(cycle, framework=framework)
    rows = [_row(framework, outcome, flags)
            for outcome in readiness.assess_many(cycle, shown.items, as_type=RowResult, framework=framework)]
    return Overview(framework=framework, rows=rows, total=shown.total, page=shown.page,
                    pages=shown.pages, counts=[(band_id, label, counted.get(band_id, 0)) for band_id, label in bands],
                    roles=[(role_id, role_names[role_id]) for role_id in roles],
                    role_name=role_names.get(query.role, query.role or ""),
                    flagged_raters=_flagged_raters(flags, query.rater_page, query.page_size) if flags is not None
                    else None,
                    raters_judged=len(flags.quality.report.raters) if flags is not None else 0, words=overview_words())
