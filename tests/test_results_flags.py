"""Rubric 2026.12.3 in the service: the cycle's rater flags go into each verdict, and a stored result is
recomputed when a sheet of ANOTHER candidate changes a rater's flag."""

import pytest

from assessment.extensions import db
from assessment.framework import current_framework
from assessment.models import StoredRaterQuality, StoredResult
from assessment.services import rater_flags, readiness
from assessment.services.assessments import assign_rater
from rubrics import language
from rubrics.readiness import PANEL_REVIEW
from tests.results_helpers import sheet, submit_sheet


def _stored(assessment):
    db.session.expire_all()
    return db.session.get(StoredResult, (assessment.id, "en"))


def _rated_by_m(make):
    """A, rated with varied levels by a manager M (two thirds of A's decision weight) and a peer."""
    ids = [c.id for c in current_framework().competencies]
    varied = {i: 4 if k % 3 else 5 for k, i in enumerate(ids)}
    a = make.assessment(cycle=make.cycle(), managers=1, peers=1)
    submit_sheet(sheet(a, "manager"), varied)
    submit_sheet(sheet(a, "peer"), varied)
    return a


def _flag_m(make, a):
    """B in A's cycle, whom A's manager M rates flat: M is flagged straight-lining across the cycle."""
    b = make.assessment(cycle=a.cycle, managers=0, peers=1)
    assign_rater(b, sheet(a, "manager").rater, "manager", actor=None, reason="set up by the test")
    db.session.commit()
    submit_sheet(sheet(b, "manager"), 3)
    return b


def test_a_flag_earned_on_another_candidate_recomputes_the_stored_verdict(make):
    """M rates A with varied levels (two thirds of A's decision weight); M's flat sheet on B flags M as
    straight-lining across the cycle: A's stored result is dropped and A's verdict goes to the panel."""
    a = _rated_by_m(make)
    before = readiness.assess(a).result
    assert before.band_id != PANEL_REVIEW and _stored(a) is not None
    _flag_m(make, a)
    assert _stored(a) is None, "the listener forgets the results of every candidate the flagged rater rates"
    after = readiness.assess(a).result
    assert after.band_id == PANEL_REVIEW and after.provisional_band_id == before.band_id
    assert "raters flagged as lenient, severe or straight-lining (1 of the managers, 0 of the peers)" in \
        after.panel_review_reasons[-1]
    # Read again: stored, fresh, the same.
    assert readiness.assess(a).result == after and _stored(a) is not None


def test_a_stale_row_left_by_hand_is_recomputed_through_the_fingerprint(make):
    """Even when a stored row survives (written outside the ORM's listeners), the flags in the fingerprint make
    the read recompute it."""
    a = _rated_by_m(make)
    readiness.assess(a)
    old_row = _stored(a)
    saved = (old_row.fingerprint, old_row.payload, old_row.engine_version)
    _flag_m(make, a)
    db.session.add(StoredResult(assessment_id=a.id, language="en", fingerprint=saved[0], payload=saved[1],
                                engine_version=saved[2], band_id="x", verdict_rank=0, decision_scores={}))
    db.session.commit()
    assert readiness.assess(a).result.band_id == PANEL_REVIEW


def _flagged_cycle(make):
    """A cycle whose rater M is flagged straight-lining (M's flat sheet on B), M also rating A."""
    a = _rated_by_m(make)
    return a.cycle, a, _flag_m(make, a)


def test_rater_quality_is_read_from_one_stored_row(make, monkeypatch):
    """The cycle's rater quality is computed once and stored: another process (its own copy forgotten) reads the
    row instead of the cycle's ratings; a submitted sheet deletes the row, and the next read computes it again."""
    cycle, a, b = _flagged_cycle(make)
    computed = []
    real = rater_flags._compute
    monkeypatch.setattr(rater_flags, "_compute", lambda *args: computed.append(1) or real(*args))
    first = rater_flags.cycle_flags(cycle)
    assert computed == [1] and db.session.get(StoredRaterQuality, (cycle.id, "en")) is not None
    rater_flags._CACHE.clear()
    again = rater_flags.cycle_flags(cycle)
    assert computed == [1] and again == first and again.flag_ids == first.flag_ids != {}
    submit_sheet(sheet(b, "peer"), 4)
    db.session.expire_all()
    assert db.session.get(StoredRaterQuality, (cycle.id, "en")) is None
    rater_flags.cycle_flags(cycle)
    assert computed == [1, 1]


def test_a_result_is_computed_with_the_flags_its_fingerprint_read(make, monkeypatch):
    """On a miss, the verdict is computed with the rater flags the fingerprint asked for, not asked again."""
    cycle, a, _b = _flagged_cycle(make)
    monkeypatch.setattr(readiness, "rater_flags_for_results", lambda *args: pytest.fail("flags asked again"))
    result = readiness.assess(a).result
    assert result.band_id == PANEL_REVIEW


def test_the_radar_is_drawn_once_per_chart_and_language(make, monkeypatch):
    """The results page's radar SVG is kept per process: the same result in the same language is drawn once."""
    cycle, a, _b = _flagged_cycle(make)
    drawn = []
    monkeypatch.setattr(readiness, "radar_svg", lambda result: drawn.append(result) or f"<svg>{len(drawn)}</svg>")
    readiness._CHARTS.clear()
    result = readiness.assess(a).result
    assert readiness.radar_chart(result) == readiness.radar_chart(result) == "<svg>1</svg>"
    with language.use("de"):
        assert readiness.radar_chart(readiness.assess(a).result) == "<svg>2</svg>"
    assert len(drawn) == 2
