"""The cycle overview: every candidate's decision scores as a heat-map, with verdict counts.

Sorting, filtering and paging happen here (in Python, over results computed for the whole cycle in a
fixed number of queries), so the view stays thin and the template only draws.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import request

from rubrics import Framework
from rubrics.readiness import INSUFFICIENT_EVIDENCE, PANEL_REVIEW, verdict_label, verdicts

from ..framework import pinned_framework
from ..listing import Sorting, page_arg, page_of, page_size, sorting_arg
from ..services.rater_flags import CycleFlags, cycle_flags
from ..services.readiness import AssessmentResult, assess_cycle

#: Heat-map classes by gap (decision score - required level), with the legend's words.
GAP_CLASSES = (
    ("meets", "At or above the required level"),
    ("near", "Up to one level short"),
    ("far", "More than one level short"),
    ("none", "No evidence (not rated, or not observed)"),
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
        return cls(role=request.args.get("role") or None, sorting=sorting, page=page_arg(), page_size=page_size())


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
    #: Raters flagged across the cycle (None: the cycle's rubric has no rater-quality rules).
    flagged_raters: list[FlaggedRater] | None = None
    #: Raters judged (levels given by managers and peers) in the cycle.
    raters_judged: int = 0


def _row(framework: Framework, outcome: AssessmentResult, flags: CycleFlags | None) -> Row:
    result = outcome.result
    by_id = {comp.competency_id: comp for comp in result.competencies}
    cells = tuple(Cell(c.id, by_id[c.id].decision_score, by_id[c.id].required, by_id[c.id].gap)
                  for c in framework.competencies if c.id in by_id)
    calibrated = verdict_label(framework.readiness, outcome.calibration.band_id) if outcome.calibration else ""
    proposed = verdict_label(framework.readiness, outcome.proposal.band_id) if outcome.proposal else ""
    rests_on = flags.rests_on_short(outcome.assessment.id) if flags is not None else ""
    return Row(outcome, framework.role(outcome.assessment.target_role).name, result.band_label, calibrated, cells,
               proposed, rests_on)


def _flagged_raters(flags: CycleFlags) -> list[FlaggedRater]:
    return sorted((FlaggedRater(flags.name(r.rater_key), r.levels, r.candidates, r.mean,
                                tuple((f.label, f.explanation) for f in r.flags))
                   for r in flags.quality.report.flagged), key=lambda r: r.name.casefold())


def _sort_key(framework: Framework, sort: str):
    order = {band.id: i for i, band in enumerate(framework.readiness.bands)}
    if sort == "verdict":
        return lambda row: (order.get(row.outcome.result.band_id, len(order)), row.outcome.assessment.candidate.name)
    if sort == "attainment":
        return lambda row: (row.outcome.result.weighted_attainment or 0.0, row.outcome.assessment.candidate.name)
    if sort.startswith("c:"):
        competency_id = sort[2:]

        def by_competency(row):
            cell = next((c for c in row.cells if c.competency_id == competency_id), None)
            score = cell.score if cell is not None and cell.score is not None else -1.0
            return (score, row.outcome.assessment.candidate.name)

        return by_competency
    return lambda row: row.outcome.assessment.candidate.name.casefold()


def build_overview(cycle, query: OverviewQuery) -> Overview:
    """The heat-map rows of one page, the verdict counts (of the filtered set) and the role filter's choices."""
    framework = pinned_framework(cycle)
    outcomes = assess_cycle(cycle)
    roles = sorted({o.assessment.target_role for o in outcomes}, key=[r.id for r in framework.ladder].index)
    role_names = {role.id: role.name for role in framework.roles}
    chosen = [o for o in outcomes if query.role is None or o.assessment.target_role == query.role]
    flags = cycle_flags(cycle)
    rows = sorted((_row(framework, o, flags) for o in chosen), key=_sort_key(framework, query.sort),
                  reverse=query.desc)
    counted = Counter(o.result.band_id for o in chosen)
    # Insufficient evidence and Panel review are listed only when some candidate has them.
    bands = [(band_id, label) for band_id, label in verdicts(framework.readiness)
             if band_id not in (INSUFFICIENT_EVIDENCE, PANEL_REVIEW) or band_id in counted]
    shown = page_of(rows, query.page, query.page_size)
    return Overview(framework=framework, rows=shown.items, total=shown.total, page=shown.page,
                    pages=shown.pages, counts=[(band_id, label, counted.get(band_id, 0)) for band_id, label in bands],
                    roles=[(role_id, role_names[role_id]) for role_id in roles],
                    role_name=role_names.get(query.role, query.role or ""),
                    flagged_raters=_flagged_raters(flags) if flags is not None else None,
                    raters_judged=len(flags.quality.report.raters) if flags is not None else 0)
