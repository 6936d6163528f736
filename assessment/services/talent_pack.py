"""The panel pack of a talent review (issue 20, 1): its plain data from the stored results, and the export job
that writes it (started like the ZIP of reports, run by ``exports.run_export_job``, downloaded from the export's
page). HR only; in English or German.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from reports.bench_chart import BenchBar
from reports.evidence import agreement_text
from reports.panel_pack import PackCandidate, PackGrid, PanelPack, SlateLine, render_panel_pack
from rubrics import language
from rubrics.readiness import verdict_label

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, ExportJob, User
from . import NotAllowed, readiness
from .audit import record_audit
from .rater_flags import cycle_flags
from .replies import reply_records
from .talent_grid import grid_summary
from .talent_review import (ReviewQuery, UnknownRole, build_review, candidates_where, chronological,
                            role_cycles, units)
from .translation import _

#: The job kind of a panel pack (its role, cycles, unit and language are in ``ExportJob.params``).
PACK_KIND = "panel_pack"
PACK_LANGUAGES = language.LANGUAGES
#: Assessments decoded per batch while the pack's data is gathered.
BATCH = 200


def start_panel_pack(query: ReviewQuery, *, actor: User, lang: str) -> ExportJob:
    """Queue the panel pack of a role (the cycles and unit of ``query``) in ``lang``; the caller commits and
    dispatches it (``exports.dispatch_export``)."""
    cycles = role_cycles(query.role)
    if not cycles:
        raise UnknownRole(query.role)
    chosen = [c for c in cycles if c.id in query.cycle_ids] or cycles[:1]
    unit = query.unit if query.unit in units([c.id for c in chosen], query.role) else ""
    count = len(pack_ids(query.role, [c.id for c in chosen], unit))
    if not count:
        raise NotAllowed(_("There are no candidates for this role in these cycles."))
    params = {"role": query.role, "cycles": [c.id for c in chosen], "unit": unit,
              "lang": lang if lang in PACK_LANGUAGES else language.current()}
    job = ExportJob(cycle_id=chosen[0].id, requested_by_id=actor.id, kind=PACK_KIND, state="queued",
                    progress_total=count + 1, params=params)
    db.session.add(job)
    db.session.flush()
    record_audit("export.start", job, f"{actor.name} started the panel pack of {query.role} "
                 f"({', '.join(c.name for c in chosen)})", actor=actor, cycle_id=chosen[0].id,
                 after={"candidates": count, "role": query.role, "unit": unit})
    return job


def pack_ids(role: str, cycle_ids: Sequence[int], unit: str) -> list[int]:
    """The assessments in the pack, by the candidate's name."""
    return list(db.session.scalars(
        sa.select(Assessment.id).join(User, Assessment.candidate_id == User.id)
        .where(*candidates_where(role, cycle_ids, unit)).order_by(sa.func.lower(User.name), Assessment.id)))


def pack_writer(params: dict) -> Callable:
    """The job's writer (``write(cycle, out, progress=)``) of the pack that ``params`` describe."""
    def write(_cycle, out, *, progress=None):
        with language.use(params.get("lang")):
            out.write(render_panel_pack(panel_pack_data(params, progress=progress)))
    return write


def panel_pack_data(params: dict, *, progress: Callable | None = None) -> PanelPack:
    """The plain data of the pack: the review's slate and bench strength, and every candidate's page."""
    query = ReviewQuery(params["role"], tuple(params["cycles"]), params.get("unit", ""))
    review = build_review(query)
    unit = query.unit if query.unit in review.units else ""
    ids = pack_ids(query.role, [c.id for c in review.chosen], unit)
    candidates = []
    for start in range(0, len(ids), BATCH):
        batch = list(db.session.scalars(sa.select(Assessment).where(Assessment.id.in_(ids[start:start + BATCH]))
                                        .options(selectinload(Assessment.candidate))))
        by_id = {a.id: a for a in batch}
        candidates += [page for page in _pages([by_id[i] for i in ids[start:start + BATCH]])]
        if progress:
            progress(len(candidates), len(ids) + 1)
    return PanelPack(
        role_name=review.role_name, cycles=tuple(c.name for c in sorted(review.chosen, key=chronological)),
        slate_counts=tuple((label, count) for _id, label, count in review.slate_bands),
        slate=tuple(SlateLine(s.name, s.verdict, s.cycle, s.on) for s in review.slate),
        candidates=tuple(candidates), language=language.current(), unit=unit,
        bench=tuple(BenchBar(b.cycle, b.ready_now, b.after_development) for b in review.bench),
        grid=_grid(query.role, review.chosen, unit))


def _grid(role: str, cycles: Sequence, unit: str) -> PackGrid | None:
    """The talent grid of the chosen cycles for the cover: against the performance rating when anyone placed has
    one, else against the trend since the last cycle; a cell names at most twelve people and says how many more."""
    if not cycles:
        return None
    framework = pinned_framework(max(cycles, key=chronological))
    ids = [c.id for c in cycles]
    summary = grid_summary(framework, role, ids, axis="performance", unit=unit or None)
    if not any(count for row in summary.cells for _names, count in row):
        summary = grid_summary(framework, role, ids, axis="trend", unit=unit or None)
    cells = {(r, c): [*names, f"+{count - len(names)}"] if count > len(names) else list(names)
             for r, row in enumerate(summary.cells) for c, (names, count) in enumerate(row) if count}
    return PackGrid(summary.x_title, summary.y_title, summary.x_labels, summary.y_labels, cells)


def _pages(assessments: Sequence[Assessment]) -> list[PackCandidate]:
    by_cycle: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_cycle.setdefault(a.cycle_id, []).append(a)
    made = {}
    for group in by_cycle.values():
        cycle = group[0].cycle
        framework = pinned_framework(cycle)
        flags = cycle_flags(cycle, framework=framework)
        replies = reply_records([a.id for a in group])
        for outcome in readiness.assess_many(cycle, group, framework=framework):
            record = replies.get(outcome.assessment.id)
            made[outcome.assessment.id] = _page(framework, outcome, flags, record.text if record else None)
    return [made[a.id] for a in assessments]


def _page(framework, outcome, flags, reply: str | None = None) -> PackCandidate:
    """A candidate's page of the pack; ``reply``: the candidate's reply (HR's record), None when they wrote none."""
    a, result = outcome.assessment, outcome.result
    verdict, computed = result.band_label, ""
    if outcome.calibration is not None and outcome.calibration.band_id != result.band_id:
        verdict, computed = verdict_label(framework.readiness, outcome.calibration.band_id), result.band_label
    return PackCandidate(a.candidate.name, a.cycle.name, verdict, result, computed, a.candidate.unit or "",
                         agreement_text(result.agreement, result.agreement_level) if result.agreement_level else "",
                         pack_flags(framework, outcome, flags), reply=reply or None)


def pack_flags(framework, outcome, flags) -> tuple[str, ...]:
    """What the panel must know about a verdict, in words."""
    result = outcome.result
    found = [_("Panel review: %(reason)s", reason=reason) for reason in result.panel_review_reasons]
    if result.is_panel_review and result.provisional_band_label:
        found.append(_("Provisional band: %(band)s", band=result.provisional_band_label))
    thin = [c.name for c in result.competencies if c.is_thin_evidence]
    if thin:
        found.append(_("Critical competencies on thin evidence: %(names)s", names=", ".join(thin)))
    if outcome.proposal is not None:
        found.append(_("A calibration to %(verdict)s awaits a second HR person's approval.",
                       verdict=verdict_label(framework.readiness, outcome.proposal.band_id)))
    rests = flags.rests_on_short(outcome.assessment.id) if flags is not None else ""
    if rests:
        found.append(_("The verdict rests mainly on a flagged rater: %(rater)s", rater=rests))
    found += [f"{u.group_label}: {u.reason}" for u in result.uncounted_sheets]
    return tuple(found)
