"""The cycle's scores as CSV or XLSX: one row per candidate x competency x rater group, linear in the rows.

Rows come from the stored results a batch of candidates at a time; the CSV is produced in chunks (the view
streams it) and the XLSX row by row by XlsxWriter in constant-memory mode, so time grows linearly and memory
stays flat.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from rubrics import language
from rubrics.readiness import GroupScore, verdict_label

from ..cleaning import replace_unstorable
from ..extensions import db
from ..framework import pinned_framework
from ..models import HAS_RESULTS, Assessment, Cycle
from .calibration_rules import reason_label
from .readiness import assess_cycle_batches
from .translation import _, pgettext

SCORE_COLUMNS = ("cycle", "candidate", "current_role", "target_role", "competency_id", "competency",
                 "rater_group", "score", "rated", "coverage", "decision_score", "required", "gap",
                 "computed_band", "calibrated_band", "weighted_attainment", "proposed_band", "provisional_band",
                 "scored", "calibration_reason", "agreement", "agreement_level")


def _column_names() -> dict[str, str]:
    """Each column's header in the current language. English keeps the ids as they always were (scripts read
    them); ``competency_id`` and ``rater_group`` hold ids (``strategic_planning``, ``manager``) in every language,
    so files in two languages can be joined on them."""
    return {
        "cycle": pgettext("scores column", "cycle"),
        "candidate": pgettext("scores column", "candidate"),
        "current_role": pgettext("scores column", "current_role"),
        "target_role": pgettext("scores column", "target_role"),
        "competency_id": pgettext("scores column", "competency_id"),
        "competency": pgettext("scores column", "competency"),
        "rater_group": pgettext("scores column", "rater_group"),
        "score": pgettext("scores column", "score"),
        "rated": pgettext("scores column", "rated"),
        "coverage": pgettext("scores column", "coverage"),
        "decision_score": pgettext("scores column", "decision_score"),
        "required": pgettext("scores column", "required"),
        "gap": pgettext("scores column", "gap"),
        "computed_band": pgettext("scores column", "computed_band"),
        "calibrated_band": pgettext("scores column", "calibrated_band"),
        "weighted_attainment": pgettext("scores column", "weighted_attainment"),
        "proposed_band": pgettext("scores column", "proposed_band"),
        "provisional_band": pgettext("scores column", "provisional_band"),
        "scored": pgettext("scores column", "scored"),
        "calibration_reason": pgettext("scores column", "calibration_reason"),
        "agreement": pgettext("scores column", "agreement"),
        "agreement_level": pgettext("scores column", "agreement_level"),
    }


def score_headers() -> list[str]:
    """The header row of the scores table in the current language (``SCORE_COLUMNS`` in English)."""
    names = _column_names()
    return [names[column] for column in SCORE_COLUMNS]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ScoredCompetency:
    """The part of a stored ``CompetencyResult`` the scores table shows."""

    competency_id: str
    name: str
    required: int
    decision_score: float | None
    gap: float | None
    groups: tuple[GroupScore, ...]
    #: (2026.12.4) The agreement index (rwg) and its level id ("agree" ... "disagree_strongly"; "" without one).
    agreement: float | None = None
    agreement_level: str = ""


@dataclass(frozen=True)
class ScoresResult:
    """The part of a stored ``ReadinessResult`` the scores table shows (decoded without the rest)."""

    band_label: str
    weighted_attainment: float | None
    competencies: tuple[ScoredCompetency, ...]
    is_panel_review: bool
    provisional_band_label: str
    scored_count: int | None
    competency_count: int


def scores_batches(cycle: Cycle) -> Iterator[tuple[int, list[tuple]]]:
    """The scores table a batch of candidates at a time (stored results), so any cycle streams in flat memory:
    one row per candidate x competency x rater group shown (self / manager / peer or others)."""
    framework = pinned_framework(cycle)
    roles = {role.id: role.name for role in framework.roles}
    for batch in assess_cycle_batches(cycle, as_type=ScoresResult):
        rows = []
        for outcome in batch:
            assessment, result = outcome.assessment, outcome.result
            calibrated = verdict_label(framework.readiness, outcome.calibration.band_id) if outcome.calibration else ""
            # A proposal awaiting its second HR approval is not in force: its own column, never calibrated_band.
            proposed = verdict_label(framework.readiness, outcome.proposal.band_id) if outcome.proposal else ""
            # The reason code of the calibration shown (in force, else the proposal).
            shown = outcome.proposal or outcome.calibration
            reason = reason_label(framework.readiness, shown.reason_code) if shown else ""
            # Panel review carries the band the rules give; the attainment's coverage.
            provisional = result.provisional_band_label if result.is_panel_review else ""
            scored = _("%(scored)s of %(total)s", scored=result.scored_count, total=result.competency_count)
            for comp in result.competencies:
                for group in comp.groups:
                    rows.append((cycle.name, assessment.candidate.name, roles[assessment.current_role],
                                 roles[assessment.target_role], comp.competency_id, comp.name,
                                 group.group, _round(group.score), group.rated, group.coverage,
                                 _round(comp.decision_score), comp.required, _round(comp.gap), result.band_label,
                                 calibrated, _round(result.weighted_attainment), proposed, provisional, scored,
                                 reason, _index(comp.agreement), comp.agreement_level))
        yield len(batch), rows


def iter_scores_rows(cycle: Cycle) -> Iterator[tuple]:
    """The scores table row by row (see ``scores_batches``)."""
    for _candidates, rows in scores_batches(cycle):
        yield from rows


def scores_table(cycle: Cycle) -> list[tuple]:
    """The whole scores table as a list (small cycles and tests; exports stream ``iter_scores_rows``)."""
    return list(iter_scores_rows(cycle))


def _round(value):
    return None if value is None else round(float(value), 2)


def _index(value):
    """An agreement index to two decimals rounded down, as the pages print it: never past a threshold it is below."""
    return None if value is None else math.floor(float(value) * 100) / 100


@lru_cache(maxsize=4096)
def _csv_text(value: str) -> str:
    # A spreadsheet would run a text cell starting with one of these as a formula. (Names, competencies and
    # coverage texts repeat on every row of a candidate: cached.)
    return "'" + value if value.startswith(_FORMULA_START) else value


def iter_scores_csv(cycle: Cycle) -> Iterator[str]:
    """The scores table as CSV text, one chunk per batch of candidates (header first), safe to open in a
    spreadsheet: no text cell is taken for a formula; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(score_headers())
    for _candidates, rows in scores_batches(cycle):
        writer.writerows([_csv_text(v) if type(v) is str else v for v in row] for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def iter_scores_csv_in(lang: str, cycle_id: int) -> Iterator[str]:
    """``iter_scores_csv`` of the cycle ``cycle_id`` in ``lang`` however late it is read. A streamed response is
    read after the view has returned: its language is gone, so each chunk is made inside ``language.use``
    (never across a yield), and so is its database session, so the cycle is loaded here, when reading starts."""
    cycle = db.session.get(Cycle, cycle_id)
    chunks = iter_scores_csv(cycle)
    while True:
        with language.use(lang):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


def scores_csv(cycle: Cycle) -> str:
    """The scores table as one CSV text."""
    return "".join(iter_scores_csv(cycle))


#: Column widths of the scores workbook, A to V.
_XLSX_WIDTHS = (26, 24, 20, 20, 28, 30, 10, 8, 8, 10, 10, 9, 8, 20, 20, 12, 20, 20, 10, 30, 10, 16)


def write_scores_xlsx(cycle: Cycle, out, *, progress: Callable[[int, int | None], None] | None = None) -> int:
    """Write the scores table as an XLSX workbook to ``out`` with XlsxWriter in constant-memory mode (each
    row goes to the file as it is written: linear time, flat memory); text is always stored as text, never
    as a formula or a number. Returns the number of data rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(_("Scores"))
    sheet.freeze_panes(1, 0)
    for index, width in enumerate(_XLSX_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.write_row(0, 0, score_headers())
    total = db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(Assessment.cycle_id == cycle.id,
                                                                            HAS_RESULTS))
    count = candidates = 0
    for done, rows in scores_batches(cycle):
        for row in rows:
            count += 1
            # Text saved before input cleaning may hold a control character, which an XLSX file cannot.
            sheet.write_row(count, 0, [replace_unstorable(v) if isinstance(v, str) else v for v in row])
        candidates += done
        if progress:
            progress(candidates, total + 1)  # the last step is writing the file
    workbook.close()
    return count


def scores_xlsx(cycle: Cycle) -> bytes:
    """The scores table as XLSX bytes (small cycles; large ones run ``write_scores_xlsx`` as a job)."""
    buffer = io.BytesIO()
    write_scores_xlsx(cycle, buffer)
    return buffer.getvalue()
