"""The talent review of one target role across cycles (issue 20, 1): every candidate as a card in a column per
verdict, the succession slate and the bench strength over the last cycles.

Everything is read from the stored results (``results_store``; missing ones are computed once, as the overview
does): the verdict a card sits under (the calibration in force, else the computed one), the counts, the sorting
and the paging of each column happen in SQL, so a page costs the same at 50 or 5,000 candidates; only the cards
shown are decoded. Withdrawn candidates have no results (``HAS_RESULTS``), and a cycle whose verdicts are hidden
while it is open (``open_cycle.verdicts_hidden``) is not offered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager

from reports.evidence import agreement_text
from rubrics import Framework, language
from rubrics.readiness import INSUFFICIENT_EVIDENCE, PANEL_REVIEW, DevelopmentPriority, verdict_label, verdicts

from ..extensions import db
from ..framework import pinned_framework
from ..models import HAS_RESULTS, Assessment, Calibration, Cycle, StoredResult, User
from . import readiness, results_store
from .open_cycle import verdicts_hidden

#: How a column can be sorted (name, weighted attainment, agreement index, cycle).
SORTS = ("name", "score", "agreement", "cycle")
#: Cards per column and page.
COLUMN_SIZE = 12
#: Cycles the bench-strength chart goes back.
BENCH_CYCLES = 6
#: Names the slate lists (the columns list everyone).
SLATE_NAMES = 40


class UnknownRole(LookupError):
    """No cycle has candidates for this target role (or the id is no role at all)."""


@dataclass(frozen=True)
class ReviewQuery:
    """What HR asked for: the role, the cycles (empty: the latest), a unit (""), the sort and each column's page."""

    role: str
    cycle_ids: tuple[int, ...] = ()
    unit: str = ""
    sort: str = "name"
    descending: bool = False
    pages: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CardResult:
    """The part of a stored ``ReadinessResult`` a card shows (decoded without the rest)."""

    band_id: str
    band_label: str
    weighted_attainment: float | None
    evidence_summary: str = ""
    agreement: float | None = None
    agreement_level: str = ""
    development_priorities: tuple[DevelopmentPriority, ...] = ()
    is_panel_review: bool = False
    provisional_band_label: str = ""


@dataclass(frozen=True)
class Card:
    assessment: Assessment
    result: CardResult
    #: The verdict the card sits under, its label, and the computed verdict's label when calibration changed it.
    verdict_id: str
    verdict: str
    computed: str = ""
    #: "raters agree (rwg 0.82)", or why there is no index.
    agreement: str = ""


@dataclass(frozen=True)
class Column:
    """One verdict's column: the cards of its page ``number`` (of ``per_page``), and how many it holds in all."""

    verdict_id: str
    label: str
    cards: list[Card]
    number: int
    per_page: int
    total: int


@dataclass(frozen=True)
class SlateEntry:
    name: str
    verdict: str
    cycle: str
    on: date | None
    assessment_id: int


@dataclass(frozen=True)
class BenchPoint:
    """One cycle of the bench-strength chart: how many were ready now and ready after development."""

    cycle: str
    ready_now: int
    after_development: int


@dataclass
class Review:
    role: str
    role_name: str
    framework: Framework
    cycles: list[Cycle]
    chosen: list[Cycle]
    units: list[str]
    columns: list[Column]
    total: int
    #: (verdict id, label) of the first two bands: "ready now" and "ready after development".
    slate_bands: list[tuple[str, str, int]] = field(default_factory=list)
    slate: list[SlateEntry] = field(default_factory=list)
    bench: list[BenchPoint] = field(default_factory=list)


def cycle_date(cycle: Cycle) -> date | None:
    """The date a cycle speaks for: its end date, else the day it closed or was released, else its start."""
    for moment in (cycle.ends_on, cycle.released_at, cycle.closed_at, cycle.starts_on):
        if moment is not None:
            return moment if type(moment) is date else moment.date()
    return None


def chronological(cycle: Cycle) -> tuple:
    return (cycle_date(cycle) or cycle.created_at.date(), cycle.id)


def role_cycles(role: str) -> list[Cycle]:
    """The cycles with candidates (with results) for ``role`` whose verdicts may be shown, newest first."""
    cycles = db.session.scalars(
        sa.select(Cycle).where(Cycle.state != "draft", Cycle.id.in_(
            sa.select(Assessment.cycle_id).where(Assessment.target_role == role, HAS_RESULTS))))
    return sorted((c for c in cycles if not verdicts_hidden(c)), key=chronological, reverse=True)


def review_roles() -> list[tuple[str, str]]:
    """The target roles with a review to show (``role_cycles``), as (id, name) in the ladder's order (the latest
    cycle's names)."""
    found = set(db.session.scalars(sa.select(Assessment.target_role).where(HAS_RESULTS).distinct()))
    latest = db.session.scalar(sa.select(Cycle).where(Cycle.state != "draft").order_by(Cycle.id.desc()))
    if latest is None:
        return []
    framework = pinned_framework(latest)
    ladder = [role.id for role in framework.ladder]
    names = {role.id: role.name for role in framework.roles}
    shown = [r for r in found if role_cycles(r)]  # a role only in an open cycle has nothing to show yet
    return [(r, names.get(r, r)) for r in sorted(shown, key=lambda r: (ladder.index(r) if r in ladder else 99, r))]


def in_force_band():
    """The verdict of the latest approved calibration of the row's assessment (None without one), in SQL."""
    return (sa.select(Calibration.band_id)
            .where(Calibration.assessment_id == Assessment.id, Calibration.status == "approved")
            .order_by(Calibration.id.desc()).limit(1).correlate(Assessment).scalar_subquery())


def _verdict():
    return sa.func.coalesce(in_force_band(), StoredResult.band_id)


def candidates_where(role: str, cycle_ids: Sequence[int], unit: str) -> list:
    """The WHERE of a review's candidates (joined with their ``User``): role, cycles, unit, not withdrawn."""
    found = [Assessment.target_role == role, Assessment.cycle_id.in_(list(cycle_ids)), HAS_RESULTS]
    return found + ([User.unit == unit] if unit else [])


def _where(role: str, cycle_ids: Sequence[int], unit: str) -> list:
    """``candidates_where`` joined with their stored results (this engine, the current language)."""
    return candidates_where(role, cycle_ids, unit) + [
        StoredResult.language == language.current(), StoredResult.engine_version == results_store.engine_version()]


def _order_by(sort: str, descending: bool, cycle_rank) -> list:
    key = {"score": sa.func.coalesce(StoredResult.weighted_attainment, -1.0),
           "agreement": sa.func.coalesce(StoredResult.agreement, -2.0), "cycle": cycle_rank}.get(sort)
    name = sa.func.lower(User.name)
    keys = [name] if key is None else [key, name]
    return [k.desc() if descending else k.asc() for k in keys] + [Assessment.id]


def _cycle_rank(cycles: Sequence[Cycle]):
    """The cycles' order (oldest 0) as a SQL expression, for sorting by cycle."""
    ordered = sorted(cycles, key=chronological)
    return sa.case({c.id: i for i, c in enumerate(ordered)}, value=Assessment.cycle_id, else_=-1)


def refresh(cycles: Sequence[Cycle]) -> None:
    """Compute and store whatever results of these cycles are missing (once; then every read is SQL)."""
    for cycle in cycles:
        framework = pinned_framework(cycle)
        results_store.refresh_cycle(cycle, partial(readiness.compute_results, framework=framework),
                                    framework=framework)


def units(cycle_ids: Sequence[int], role: str) -> list[str]:
    """The units of the role's candidates in these cycles, sorted (the unit filter's choices)."""
    return sorted(db.session.scalars(
        sa.select(User.unit).join(Assessment, Assessment.candidate_id == User.id)
        .where(Assessment.target_role == role, Assessment.cycle_id.in_(list(cycle_ids)), HAS_RESULTS,
               User.unit.is_not(None), User.unit != "").distinct()), key=str.casefold)


def chosen_cycles(query: ReviewQuery) -> tuple[list[Cycle], list[Cycle]]:
    """The role's cycles (newest first) and those of them chosen (default: the latest); ``UnknownRole`` without."""
    cycles = role_cycles(query.role)
    if not cycles:
        raise UnknownRole(query.role)
    return cycles, [c for c in cycles if c.id in query.cycle_ids] or cycles[:1]


def cycles_read(query: ReviewQuery) -> list[Cycle]:
    """Every cycle whose results the review reads: the chosen ones and those of the bench-strength chart."""
    cycles, chosen = chosen_cycles(query)
    return list(dict.fromkeys(chosen + sorted(cycles, key=chronological)[-BENCH_CYCLES:]))


def build_review(query: ReviewQuery, *, column_size: int | None = None) -> Review:
    """The columns (one page each, ``column_size`` cards: default ``COLUMN_SIZE``), counts, slate and bench
    strength of a role; ``UnknownRole`` without cycles."""
    column_size = column_size or COLUMN_SIZE
    cycles, chosen = chosen_cycles(query)
    refresh(chosen)
    framework = pinned_framework(chosen[0])
    frameworks = {c.id: pinned_framework(c) for c in chosen}
    ids = [c.id for c in chosen]
    unit_choices = units(ids, query.role)
    unit = query.unit if query.unit in unit_choices else ""
    where = _where(query.role, ids, unit)
    counted = _counts(where)
    pages: list[tuple[str, str, int, int, list[Assessment]]] = []
    labels = verdicts(framework.readiness)
    for verdict_id, label in list(labels) + [(v, v) for v in counted if v not in dict(labels)]:
        if verdict_id in (INSUFFICIENT_EVIDENCE, PANEL_REVIEW) and not counted.get(verdict_id):
            continue
        total = counted.get(verdict_id, 0)
        # A page past the end (an old link, a huge number) shows the last page: the count is known already.
        number = min(max(1, query.pages.get(verdict_id, 1)), max(1, math.ceil(total / column_size)))
        stmt = (sa.select(Assessment).join(StoredResult, StoredResult.assessment_id == Assessment.id)
                .join(Assessment.candidate).options(contains_eager(Assessment.candidate))
                .where(*where, _verdict() == verdict_id)
                .order_by(*_order_by(query.sort, query.descending, _cycle_rank(chosen)))
                .limit(column_size).offset((number - 1) * column_size))
        pages.append((verdict_id, label, number, total, list(db.session.scalars(stmt)) if total else []))
    # Every column's cards decoded together: one round of fingerprint checks per cycle, not per column.
    cards = {card.assessment.id: card for card in _cards([a for *_rest, shown in pages for a in shown], frameworks)}
    columns = [Column(verdict_id, label, [cards[a.id] for a in shown], number, column_size, total)
               for verdict_id, label, number, total, shown in pages]
    bands = [b.id for b in framework.readiness.bands[:2]]
    slate_bands = [(b, verdict_label(framework.readiness, b), counted.get(b, 0)) for b in bands]
    role_names = {r.id: r.name for r in framework.roles}
    return Review(query.role, role_names.get(query.role, query.role), framework, cycles, chosen, unit_choices,
                  columns, sum(counted.values()), slate_bands, _slate(where, bands, chosen, framework),
                  bench_strength(query.role, cycles, bands))


def _counts(where: list) -> dict[str, int]:
    verdict = _verdict()
    return {v: n for v, n in db.session.execute(
        sa.select(verdict, sa.func.count()).select_from(Assessment)
        .join(StoredResult, StoredResult.assessment_id == Assessment.id)
        .join(User, Assessment.candidate_id == User.id).where(*where).group_by(verdict)).all()}


def _cards(assessments: Sequence[Assessment], frameworks: Mapping[int, Framework]) -> list[Card]:
    """The cards of one column's page: each cycle's stored results decoded as ``CardResult`` (no computing)."""
    by_cycle: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_cycle.setdefault(a.cycle_id, []).append(a)
    made: dict[int, Card] = {}
    for cycle_id, group in by_cycle.items():
        framework = frameworks[cycle_id]
        for outcome in readiness.assess_many(group[0].cycle, group, as_type=CardResult, framework=framework):
            made[outcome.assessment.id] = card(framework, outcome)
    return [made[a.id] for a in assessments]


def card(framework: Framework, outcome) -> Card:
    """A card from an ``AssessmentResult``: under the calibration in force when there is one."""
    result = outcome.result
    agreement = agreement_text(result.agreement, result.agreement_level)
    if outcome.calibration is not None and outcome.calibration.band_id != result.band_id:
        return Card(outcome.assessment, result, outcome.calibration.band_id,
                    verdict_label(framework.readiness, outcome.calibration.band_id), result.band_label, agreement)
    return Card(outcome.assessment, result, result.band_id, result.band_label, agreement=agreement)


def _slate(where: list, bands: Sequence[str], cycles: Sequence[Cycle], framework: Framework) -> list[SlateEntry]:
    """The named slate: the ready-now and ready-after-development candidates, best verdict first, then by name;
    a person assessed in several of the cycles appears once, with their latest assessment."""
    rank = _cycle_rank(cycles)
    later = aliased(Assessment)
    rank_later = sa.case({c.id: i for i, c in enumerate(sorted(cycles, key=chronological))},
                         value=later.cycle_id, else_=-1)
    newer = sa.select(later.id).where(later.candidate_id == Assessment.candidate_id,
                                      later.target_role == Assessment.target_role,
                                      later.cycle_id.in_([c.id for c in cycles]), later.withdrawn_at.is_(None),
                                      rank_later > rank).exists()
    verdict = _verdict()
    order = sa.case({b: i for i, b in enumerate(bands)}, value=verdict, else_=len(bands))
    rows = db.session.execute(
        sa.select(Assessment.id, User.name, verdict, Assessment.cycle_id).select_from(Assessment)
        .join(StoredResult, StoredResult.assessment_id == Assessment.id)
        .join(User, Assessment.candidate_id == User.id)
        .where(*where, verdict.in_(list(bands)), ~newer)
        .order_by(order, sa.func.lower(User.name), Assessment.id).limit(SLATE_NAMES)).all()
    by_id = {c.id: c for c in cycles}
    return [SlateEntry(name, verdict_label(framework.readiness, band), by_id[cycle_id].name,
                       cycle_date(by_id[cycle_id]), assessment_id)
            for assessment_id, name, band, cycle_id in rows]


def bench_strength(role: str, cycles: Sequence[Cycle], bands: Sequence[str]) -> list[BenchPoint]:
    """Ready now and ready after development per cycle, over the last ``BENCH_CYCLES`` cycles, oldest first
    (their missing results computed once)."""
    last = sorted(cycles, key=chronological)[-BENCH_CYCLES:]
    refresh(last)
    verdict = _verdict()
    counts: dict[tuple[int, str], int] = {(c, v): n for c, v, n in db.session.execute(
        sa.select(Assessment.cycle_id, verdict, sa.func.count()).select_from(Assessment)
        .join(StoredResult, StoredResult.assessment_id == Assessment.id)
        .where(*_where(role, [c.id for c in last], ""), verdict.in_(list(bands)))
        .group_by(Assessment.cycle_id, verdict)).all()}
    first, second = (list(bands) + ["", ""])[:2]
    return [BenchPoint(c.name, counts.get((c.id, first), 0), counts.get((c.id, second), 0)) for c in last]
