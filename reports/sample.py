"""Demo-like report data without a database: for tests, the benchmark and trying the layout.

Deterministic for a given seed. Names and comments include the cases that break naive PDF code.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone
from functools import lru_cache

from rubrics import NOT_OBSERVED, language, load_framework
from rubrics.model import Framework
from rubrics.readiness import RaterSheet, assess_readiness
from rubrics.sheet import evidence_required

from .data import CalibratedVerdict, PanelData, ReportData, panel_data, panel_row, report_data

NAMES = [
    "Łukasz Nowak",
    "Zoë Müller-Šimić",
    "Aoife O'Brien",
    "Mehmet Yılmaz",
    "Nguyễn Thị Lan",
    "Søren Østergaard",
    "José Álvarez",
    "Ayşe Demir",
    "Björn Þórsson",
    "Grace Adeyemi-Thompson",
]
EVIDENCE = [
    "Led the quarterly S&OP review for the northern sites; the plan was adopted by the board with two changes.",
    "During the March warehouse flood she set up a response cell within two hours and kept customers informed daily.",
    "Owns a €4.2m departmental budget; closed the year 1.8% under plan without cutting service levels.",
    "Ran the cross-site KPI workshop & agreed one definition of on-time-in-full (OTIF) across <3> regions.",
    "Negotiated the new 3PL contract with legal and procurement; terms now include penalty clauses.",
    "Introduced the ERP picking module on two sites; trained 40 staff and kept the go-live within the planned week.",
    "Escalated the supplier insolvency risk early and had an alternative source qualified before stock ran out.",
    "Hat die Schichtplanung im Werk Süd übernommen und die Überstunden um ein Viertel gesenkt.",
    "Presents clear numbers to the leadership team, but the story behind them is sometimes missing.",
]
CYCLE = "Promotion round autumn 2026"


def framework() -> Framework:
    """The shipped framework in the current language (its names and anchors are text)."""
    return _framework(language.current())


@lru_cache(maxsize=4)
def _framework(lang: str) -> Framework:
    return load_framework().in_language(lang)


def sample_sheets(
    fw: Framework, target: str, rng: random.Random, strength: float, bias: float, peers: int
) -> list[RaterSheet]:
    """One assessment's submitted sheets: a self-assessment, one or two managers and some peers."""
    ids = [c.id for c in fw.competencies]
    role = fw.role(target)
    base = {i: role.requirement(i).required + rng.uniform(-0.9, 0.5) + strength for i in ids}

    def sheet(key, group, shift, noise, no_share):
        ratings, comments = {}, {}
        for i in ids:
            if rng.random() < no_share:
                ratings[i] = NOT_OBSERVED
                comments[i] = "I have not seen this in situations where it mattered; no evidence to rate."
                continue
            level = min(5, max(1, round(base[i] + shift + rng.gauss(0, noise))))
            ratings[i] = level
            if level in (1, 5) or rng.random() < 0.25:
                comments[i] = rng.choice(EVIDENCE)
        # Written evidence wherever the rubric asks for it (as the rating sheet does), chosen without drawing from
        # ``rng``, so that every sample keeps its levels.
        for n, i in enumerate(sorted(evidence_required(fw, role, ratings) - set(comments))):
            comments[i] = EVIDENCE[n % len(EVIDENCE)]
        return RaterSheet(key, group, ratings, comments)

    sheets = [sheet("self-1", "self", bias, 0.4, 0.0)]
    sheets += [sheet(f"manager-{k + 1}", "manager", 0, 0.5, 0.05) for k in range(rng.choice((1, 1, 2)))]
    sheets += [sheet(f"peer-{k + 1}", "peer", 0.1, 0.8, 0.15) for k in range(peers)]
    return sheets


def sample_report(seed: int = 0, *, calibrated: bool | None = None, audience: str = "hr",
                  lang: str | None = None) -> ReportData:
    """A demo-like candidate's report data (HR's version by default), in ``lang`` (default: the current
    language); every third one carries a calibration."""
    with language.use(lang or language.current()):
        return _sample_report(seed, calibrated, audience)


def _sample_report(seed: int, calibrated: bool | None, audience: str) -> ReportData:
    fw = framework()
    rng = random.Random(seed)
    current = rng.choice(("operations_manager", "operations_manager", "head_of_operations"))
    target = fw.next_role(current).id
    sheets = sample_sheets(fw, target, rng, rng.uniform(-0.9, 0.6), rng.uniform(-0.9, 1.0), rng.choice((1, 3, 3, 4)))
    result = assess_readiness(fw, target, sheets)
    if calibrated is None:
        calibrated = seed % 3 == 2
    calibration = None
    if calibrated and result.is_sufficient:
        calibration = CalibratedVerdict(
            # The panel moves the verdict one band: down from the best band, up from any other.
            band_label=fw.readiness.bands[1 if result.verdict_rank == 0 else result.verdict_rank - 1].label,
            rationale="The panel weighed the restructuring of the northern sites, which the ratings predate; "
            "budget authority at division level has not yet been tested.",
            by="Ingrid Halvorsen",
            at=datetime(2026, 11, 20, 14, 30, tzinfo=timezone.utc),
        )
    return report_data(
        fw,
        result,
        candidate_name=NAMES[seed % len(NAMES)],
        current_role=current,
        cycle_name=CYCLE,
        assessed_on=date(2026, 11, 21),
        calibration=calibration,
        generated_at=datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc),
        audience=audience,
    )


def sample_reports(count: int, start: int = 0, lang: str | None = None):
    """``count`` report data objects, made one at a time (so a long export never holds them all)."""
    for seed in range(start, start + count):
        yield f"{seed + 1:04d}-{NAMES[seed % len(NAMES)]}.pdf", sample_report(seed, lang=lang)


def sample_panel(count: int = 10, lang: str | None = None) -> PanelData:
    """A cycle's panel summary with ``count`` demo-like candidates, in ``lang`` (default: the current one)."""
    with language.use(lang or language.current()):
        return _sample_panel(count)


def _sample_panel(count: int) -> PanelData:
    fw = framework()
    rows = []
    for seed in range(count):
        data = sample_report(seed)
        rows.append(
            panel_row(
                data.candidate_name, data.result, fw, data.calibration.band_label if data.calibration else None
            )
        )
    return panel_data(fw, CYCLE, rows, generated_at=datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))
