"""Stored readiness results: the same answer as a fresh computation, recomputed once when an input changes."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from fractions import Fraction

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import StoredResult
from assessment.services import readiness, result_codec, results_store
from assessment.services.calibrations import calibrate_verdict
from assessment.services.ratings import reopen_sheet
from rubrics.readiness import ReadinessResult, assess_readiness
from tests.results_helpers import move_cycle, rated_assessment, sheet, submit_sheet


@dataclasses.dataclass(frozen=True)
class Leaf:
    ratio: Fraction
    when: date | None
    at: datetime | None = None


@dataclasses.dataclass(frozen=True)
class Tree:
    name: str
    leaves: tuple[Leaf, ...]
    pairs: tuple[tuple[str, int], ...]
    by_key: dict[str, Leaf | None]
    by_number: dict[int, float]
    tagged_keys: dict[str, str]
    anything: object = None
    score: float | None = None


def test_the_codec_round_trips_nested_frozen_dataclasses():
    """Tuples, dicts with any keys, Fractions, dates, None and nested dataclasses come back equal and typed."""
    tree = Tree("t", (Leaf(Fraction(1, 3), date(2026, 12, 1)), Leaf(Fraction(7), None,
                                                                  datetime(2026, 12, 1, tzinfo=timezone.utc))),
                (("a", 1), ("b", 2)), {"x": Leaf(Fraction(-2, 5), None), "y": None}, {3: 0.5, 4: 2.0},
                {"$map": "not a tag", "$fraction": "1/2"}, anything=(1, "two"), score=3.0)
    back = result_codec.loads(Tree, result_codec.dumps(tree))
    assert back == tree
    assert isinstance(back.leaves, tuple) and isinstance(back.leaves[0].ratio, Fraction)
    assert isinstance(back.pairs[0], tuple) and isinstance(back.by_number[4], float)
    assert back.leaves[1].at.tzinfo is not None
    assert result_codec.shape(Tree) != result_codec.shape(Leaf)


@dataclasses.dataclass(frozen=True)
class Forest:
    trees: tuple[Tree, ...]
    tallest: Tree | None
    either: Leaf | Tree | None = None


@dataclasses.dataclass(frozen=True)
class TreeNames:
    """Part of a Tree's fields: what a page that shows only names would decode."""

    name: str


@dataclasses.dataclass(frozen=True)
class ForestNames:
    trees: tuple[TreeNames, ...]
    tallest: TreeNames | None


def test_an_object_used_twice_is_stored_once_and_decodes_as_one_object():
    """A dataclass instance in two places is written once ($shared) and comes back as one object, also when
    only part of the fields is decoded."""
    leaf = Leaf(Fraction(1, 2), None)
    big = Tree("big", (leaf, leaf), (), {"a": leaf}, {}, {})
    forest = Forest((big, Tree("small", (), (), {}, {}, {})), big, either=big)
    text = result_codec.dumps(forest)
    assert text.count('"big"') == 1 and '"$shared"' in text
    back = result_codec.loads(Forest, text)
    assert back == forest and back.tallest is back.trees[0] is back.either and back.trees[0].leaves[1] is back.trees[0].leaves[0]
    names = result_codec.loads(ForestNames, text)
    assert names == ForestNames((TreeNames("big"), TreeNames("small")), TreeNames("big"))


def _fresh(assessment) -> ReadinessResult:
    framework = pinned_framework(assessment.cycle)
    sheets = readiness.load_sheets([assessment.id])[assessment.id]
    assigned = readiness.load_assigned([assessment.id])[assessment.id]
    flagged = readiness.rater_flags_for_results(assessment.cycle, [assessment.id], framework).get(assessment.id)
    return assess_readiness(framework, assessment.target_role, sheets, assigned, flagged)


def _stored(assessment) -> StoredResult | None:
    db.session.expire_all()
    return db.session.get(StoredResult, (assessment.id, "en"))


def test_stored_results_equal_fresh_ones_and_are_read_not_recomputed(make, monkeypatch):
    """Every result read from the store equals the engine's fresh result; a second read computes nothing."""
    cycle = make.cycle()
    cases = [rated_assessment(make, cycle=cycle, manager=4, self_level=5, peers=(3, 4, 5)),
             rated_assessment(make, cycle=cycle, manager=2, peers=(5,)),
             rated_assessment(make, cycle=cycle, manager={make.framework.competencies[0].id: "not_observed"}),
             make.assessment(cycle=cycle)]
    first = {o.assessment.id: o.result for o in readiness.assess_cycle(cycle)}
    for assessment in cases:
        assert first[assessment.id] == _fresh(assessment)
        assert _stored(assessment) is not None
    monkeypatch.setattr(readiness, "compute_results", lambda assessments: pytest.fail("recomputed"))
    again = {o.assessment.id: o.result for o in readiness.assess_cycle(cycle)}
    assert again == first
    assert readiness.assess(cases[0]).result == _fresh(cases[0])


def _change(make, event, assessment):
    hr = make.user("hr")
    if event == "submit":
        submit_sheet(sheet(assessment, "self"), 1)
    elif event == "reopen":
        reopen_sheet(sheet(assessment, "manager"), "Evidence was for another candidate.", actor=hr)
        db.session.commit()
    elif event == "close":
        move_cycle(assessment.cycle, "closed")
    else:
        move_cycle(assessment.cycle, "closed")
        readiness.assess(assessment)
        calibrate_verdict(assessment, make.framework.readiness.bands[0].id,
                          "The panel saw strong evidence in the crisis review.", actor=hr, reason_code="additional_evidence")
        db.session.commit()


@pytest.mark.parametrize("event", ["submit", "reopen", "calibration", "close"])
def test_a_change_of_input_makes_the_stored_result_stale(make, event):
    """After a submit, reopen, calibration or close the stored fingerprint no longer matches and is recomputed."""
    assessment = rated_assessment(make, manager=4, peers=(4, 4))
    readiness.assess(assessment)
    before = _stored(assessment)
    old = {c.name: getattr(before, c.name) for c in StoredResult.__table__.columns}
    _change(make, event, assessment)
    assert _stored(assessment) is None or _stored(assessment).fingerprint != old["fingerprint"]
    assert results_store.input_fingerprints(assessment.cycle, [assessment])[assessment.id] != old["fingerprint"]
    # A stale row put back (as a slow concurrent request could) is still never served.
    db.session.execute(sa.delete(StoredResult).where(StoredResult.assessment_id == assessment.id))
    db.session.execute(sa.insert(StoredResult).values(**old))
    db.session.commit()
    assert readiness.assess(assessment).result == _fresh(assessment)
    assert _stored(assessment).fingerprint != old["fingerprint"]
    assert results_store.missing_results(assessment.cycle) == []


def test_a_new_engine_version_or_an_undecodable_row_is_recomputed(make, monkeypatch):
    """A row made by another engine version, or whose payload no longer fits the result type, is recomputed."""
    assessment = rated_assessment(make, manager=3, peers=(4, 4, 4))
    expected = readiness.assess(assessment).result
    db.session.execute(sa.update(StoredResult).values(payload='{"band_id": "x"}'))
    db.session.commit()
    assert readiness.assess(assessment).result == expected
    monkeypatch.setattr(results_store, "engine_version", lambda: "another-engine")
    assert results_store.missing_results(assessment.cycle) == [assessment.id]
    assert readiness.assess(assessment).result == expected
    assert _stored(assessment).engine_version == "another-engine"


def test_refresh_cycle_fills_in_only_what_is_missing(make):
    """refresh_cycle computes the missing results once; with force, every result again."""
    cycle = make.cycle()
    for level in (2, 3, 4):
        rated_assessment(make, cycle=cycle, manager=level)
    seen = []
    assert results_store.refresh_cycle(cycle, readiness.compute_results, progress=lambda d, t: seen.append((d, t))) == 3
    assert seen == [(3, 3)]
    assert results_store.refresh_cycle(cycle, readiness.compute_results) == 0
    assert results_store.refresh_cycle(cycle, readiness.compute_results, force=True) == 3
