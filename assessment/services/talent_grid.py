"""The talent grid (the 9-box) per target role (issue 20): the readiness band in force against a second axis HR
chooses, the performance rating (``services.performance``) or the trend since the person's previous released
assessment for the same role.

Verdicts are read from the stored results (``results_store``; the caller fills in missing ones first, as the
overview does) and the calibration in force, never computed here; every cell is counted and paged in SQL, so a
page costs the same at 50 candidates or 5,000. Candidates in Panel review or Insufficient evidence, without a
rating, or on their first assessment for the role are listed beside the grid, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from rubrics import Framework, language
from rubrics.readiness import INSUFFICIENT_EVIDENCE, PANEL_REVIEW, verdict_label

from ..extensions import db
from ..models import HAS_RESULTS, Assessment, Calibration, Cycle, PerformanceRating, StoredResult, User
from .open_cycle import verdicts_hidden
from .performance import LEVEL_LABELS, MAPPING_TEXT

AXES = ("performance", "trend")
AXIS_TITLES = {"performance": _l("Performance rating"), "trend": _l("Trend since the last cycle")}
#: The rows of each axis, top to bottom, with their labels.
ROWS = {"performance": (("3", LEVEL_LABELS[3]), ("2", LEVEL_LABELS[2]), ("1", LEVEL_LABELS[1])),
        "trend": (("improved", _l("Improved")), ("same", _l("Same")), ("declined", _l("Declined")))}
#: What is listed beside the grid on each axis, besides the non-band outcomes.
BESIDE = {"performance": ("none", _l("No performance rating")),
          "trend": ("first", _l("First assessment for this role (nothing to compare)"))}
TREND_TEXT = _l("The trend compares the verdict in force with the same person's previous released assessment "
                "for the same target role.")
X_TITLE = _l("Readiness (the verdict in force)")
PER_CELL = 10


@dataclass(frozen=True)
class GridQuery:
    role: str
    cycle_ids: tuple[int, ...]
    axis: str = "performance"
    unit: str | None = None
    #: The page shown of each cell, by cell key (``Cell.key``); 1 when not named.
    pages: dict = field(default_factory=dict)
    per_cell: int = PER_CELL


@dataclass(frozen=True)
class Person:
    assessment_id: int
    name: str
    unit: str
    cycle: str
    band_id: str


@dataclass
class Cell:
    key: str
    label: str
    count: int
    page: int = 1
    pages: int = 1
    people: list[Person] = field(default_factory=list)


@dataclass
class Grid:
    role: str
    axis: str
    x_labels: list[tuple[str, str]]
    y_labels: list[tuple[str, str]]
    #: rows top to bottom, each a list of cells left to right.
    rows: list[list[Cell]]
    beside: list[Cell]
    total: int
    bands: list[tuple[str, str]]


def cell_key(band_id: str, row: str) -> str:
    return f"{band_id}.{row}"


def _in_force(assessment_id) -> sa.ScalarSelect:
    """The band of the latest approved calibration of an assessment (a correlated subquery), or NULL."""
    return (sa.select(Calibration.band_id).where(Calibration.assessment_id == assessment_id,
                                                 Calibration.status == "approved")
            .order_by(Calibration.id.desc()).limit(1).scalar_subquery())


def _rank(framework: Framework, band) -> sa.Case:
    return sa.case({band_obj.id: index for index, band_obj in enumerate(framework.readiness.bands)}, value=band,
                   else_=None)


def _rows(framework: Framework, query: GridQuery):
    """A subquery of the chosen assessments: id, name, unit, cycle, band in force and row key (``y``)."""
    lang = language.current()
    band = sa.func.coalesce(_in_force(Assessment.id), StoredResult.band_id)
    stmt = (sa.select(Assessment.id.label("assessment_id"), User.name.label("name"),
                      sa.func.coalesce(User.unit, "").label("unit"), Cycle.name.label("cycle"),
                      band.label("band"))
            .join(StoredResult, sa.and_(StoredResult.assessment_id == Assessment.id, StoredResult.language == lang))
            .join(User, User.id == Assessment.candidate_id).join(Cycle, Cycle.id == Assessment.cycle_id)
            .where(Assessment.cycle_id.in_(query.cycle_ids or [-1]), Assessment.target_role == query.role,
                   HAS_RESULTS))
    if query.unit:
        stmt = stmt.where(User.unit == query.unit)
    if query.axis == "performance":
        level = (sa.select(PerformanceRating.level).where(PerformanceRating.user_id == Assessment.candidate_id)
                 .order_by(PerformanceRating.rated_on.desc(), PerformanceRating.id.desc()).limit(1)
                 .scalar_subquery())
        return stmt.add_columns(sa.func.coalesce(sa.cast(level, sa.String), "none").label("y")).subquery()
    earlier, earlier_cycle = aliased(Assessment), aliased(Cycle)
    previous = (sa.select(earlier.id).join(earlier_cycle, earlier_cycle.id == earlier.cycle_id)
                .where(earlier.candidate_id == Assessment.candidate_id, earlier.target_role == Assessment.target_role,
                       earlier.id != Assessment.id, earlier_cycle.state == "released",
                       earlier_cycle.released_at.is_not(None), earlier.withdrawn_at.is_(None),
                       earlier.is_withheld.is_(False),
                       sa.or_(Cycle.released_at.is_(None), earlier_cycle.released_at < Cycle.released_at))
                .order_by(earlier_cycle.released_at.desc(), earlier.id.desc()).limit(1).scalar_subquery())
    base = stmt.add_columns(previous.label("previous_id")).subquery()
    stored = (sa.select(StoredResult.band_id).where(StoredResult.assessment_id == base.c.previous_id,
                                                    StoredResult.language == lang).scalar_subquery())
    now, before = _rank(framework, base.c.band), _rank(framework, sa.func.coalesce(_in_force(base.c.previous_id),
                                                                                   stored))
    trend = sa.case((base.c.previous_id.is_(None), "first"), (before.is_(None), "first"), (now < before, "improved"),
                    (now == before, "same"), else_="declined")
    return sa.select(base.c.assessment_id, base.c.name, base.c.unit, base.c.cycle, base.c.band,
                     trend.label("y")).subquery()


def _grouped(rows, band_ids: list[str], special: str):
    """The rows with the cell each belongs to: ``<band>.<row>`` in the grid; beside it, the outcome (Panel review,
    Insufficient evidence) or the axis's own group (no rating, first assessment)."""
    band, y = sa.type_coerce(rows.c.band, sa.String), sa.type_coerce(rows.c.y, sa.String)
    cell = sa.case((band.not_in(band_ids), band), (y == special, y), else_=band + "." + y)
    return sa.select(rows, cell.label("cell")).subquery()


def _pages(grouped, pages: dict[str, int], per_cell: int) -> tuple[dict[str, int], dict[str, list[Person]]]:
    """How many people each cell has, and one page of each cell (``pages``: the page asked for, 1 when not
    named), in one query: numbered by name within each cell and counted (window functions), the page's rows kept.
    A cell that shows nobody on its page is either empty or was asked for a page past its end: then None."""
    number = sa.func.row_number().over(partition_by=grouped.c.cell, order_by=(
        sa.func.lower(grouped.c.name), grouped.c.cycle, grouped.c.assessment_id))
    ranked = sa.select(grouped, number.label("number"),
                       sa.func.count().over(partition_by=grouped.c.cell).label("total")).subquery()
    skip = (sa.case({key: (page - 1) * per_cell for key, page in pages.items()}, value=ranked.c.cell, else_=0)
            if pages else sa.literal(0))
    counts: dict[str, int] = {}
    found: dict[str, list[Person]] = {}
    for r in db.session.execute(sa.select(ranked).where(ranked.c.number > skip, ranked.c.number <= skip + per_cell)
                                .order_by(ranked.c.cell, ranked.c.number)):
        counts[r.cell] = r.total
        found.setdefault(r.cell, []).append(Person(r.assessment_id, r.name, r.unit, r.cycle, r.band))
    return counts, found


def build_grid(framework: Framework, query: GridQuery) -> Grid:
    """The grid of one target role over the chosen cycles: one page of every cell with every cell's count, in one
    query (the stored results must be there: the page fills in the missing ones first)."""
    bands = [(band.id, band.label) for band in framework.readiness.bands]
    band_ids = [band_id for band_id, _label in bands]
    special, special_label = BESIDE[query.axis]
    grouped = _grouped(_rows(framework, query), band_ids, special)
    asked = {key: page for key, page in query.pages.items() if page > 1}
    counts, people = _pages(grouped, asked, query.per_cell)
    if any(key not in counts for key in asked):  # a page past a cell's end (an old link): its last page instead
        totals = dict(db.session.execute(sa.select(grouped.c.cell, sa.func.count()).group_by(grouped.c.cell)).all())
        asked = {key: min(page, -(-totals[key] // query.per_cell)) for key, page in asked.items() if key in totals}
        counts, people = _pages(grouped, asked, query.per_cell)

    def cell(key: str, label: str) -> Cell:
        count = counts.get(key, 0)
        return Cell(key, label, count, asked.get(key, 1) if count else 1, max(1, -(-count // query.per_cell)),
                    people.get(key, []))

    y_labels = [(key, str(label)) for key, label in ROWS[query.axis]]
    grid_rows = [[cell(cell_key(band_id, y), f"{band_label} / {y_label}") for band_id, band_label in bands]
                 for y, y_label in y_labels]
    beside = [cell(outcome, verdict_label(framework.readiness, outcome))
              for outcome in (PANEL_REVIEW, INSUFFICIENT_EVIDENCE)] + [cell(special, str(special_label))]
    return Grid(query.role, query.axis, bands, y_labels, grid_rows, beside, sum(counts.values()), bands)


def grid_cycles(role: str) -> list[Cycle]:
    """The cycles whose verdicts HR may see that have candidates for ``role``, latest first."""
    cycles = db.session.scalars(
        sa.select(Cycle).where(Cycle.state.in_(("open", "closed", "released")),
                               Cycle.id.in_(sa.select(Assessment.cycle_id).where(Assessment.target_role == role)))
        .order_by(Cycle.id.desc()))
    return [cycle for cycle in cycles if not verdicts_hidden(cycle)]


def trend_cycles(role: str, chosen: list[Cycle]) -> list[Cycle]:
    """The chosen cycles and, for the trend, every released cycle with candidates for ``role``: their stored
    results are read."""
    released = db.session.scalars(sa.select(Cycle).where(
        Cycle.state == "released", Cycle.id.in_(sa.select(Assessment.cycle_id).where(Assessment.target_role == role))))
    return list({cycle.id: cycle for cycle in [*chosen, *released]}.values())


def grid_units(role: str, cycle_ids) -> list[str]:
    """The units of the candidates for ``role`` in the chosen cycles, for the filter (at most 500)."""
    return list(db.session.scalars(
        sa.select(User.unit).join(Assessment, Assessment.candidate_id == User.id)
        .where(Assessment.cycle_id.in_(list(cycle_ids) or [-1]), Assessment.target_role == role,
               User.unit.is_not(None), User.unit != "").distinct().order_by(User.unit).limit(500)))


@dataclass(frozen=True)
class GridSummary:
    """The grid as plain data, for a PDF cover: titles, labels, and the names in each cell (rows top to bottom,
    cells left to right; at most ``limit`` names each, with the count), and the groups beside it."""

    title: str
    x_title: str
    y_title: str
    x_labels: tuple[str, ...]
    y_labels: tuple[str, ...]
    cells: tuple[tuple[tuple[tuple[str, ...], int], ...], ...]
    beside: tuple[tuple[str, tuple[str, ...], int], ...]
    note: str


def grid_summary(framework: Framework, role: str, cycle_ids, *, axis: str = "performance", unit: str | None = None,
                 limit: int = 12) -> GridSummary:
    """The grid of ``role`` over ``cycle_ids`` as plain data (names only), for the panel pack's cover."""
    grid = build_grid(framework, GridQuery(role, tuple(cycle_ids), axis if axis in AXES else "performance", unit,
                                           per_cell=limit))
    return GridSummary(
        title=framework.role(role).name, x_title=str(X_TITLE), y_title=str(AXIS_TITLES[grid.axis]),
        x_labels=tuple(label for _id, label in grid.x_labels), y_labels=tuple(label for _k, label in grid.y_labels),
        cells=tuple(tuple((tuple(p.name for p in cell.people), cell.count) for cell in row) for row in grid.rows),
        beside=tuple((cell.label, tuple(p.name for p in cell.people), cell.count) for cell in grid.beside),
        note=str(MAPPING_TEXT if grid.axis == "performance" else TREND_TEXT))
