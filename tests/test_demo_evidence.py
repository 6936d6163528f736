"""The demo's evidence texts fit the competency they are written under and the level they back."""

import re

import pytest
import sqlalchemy as sa

from assessment.demo_evidence import EVIDENCE, NOT_OBSERVED_EVIDENCE, evidence_for
from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.models import Cycle, Rating, RaterAssignment
from assessment.services.readiness import assess_cycle
from rubrics import NOT_OBSERVED, load_framework
from rubrics.sheet import evidence_required


@pytest.fixture(scope="module")
def fw():
    return load_framework()

STOP = set("""the and for with from that this into their them they than then were when what which while who
about above after again also across before being both down each ever every given have having here more most
other over same such there these those through under until very well will within without would could should
own its his her she had has not but all any are was one two three four""".split())


def words(text: str) -> set[str]:
    """Content words of a text, crudely stemmed (first six letters), so that "budgets" meets "budget"."""
    return {w[:6] for w in re.findall(r"[a-zäöüß]{4,}", text.lower()) if w not in STOP}


def vocabulary(comp) -> set[str]:
    return words(" ".join([comp.name, comp.definition, *comp.anchors]))


def test_demo_evidence_covers_exactly_the_rubric(fw):
    """The demo has evidence texts for every competency of the rubric and for no other."""
    assert set(EVIDENCE) == {c.id for c in fw.competencies}


def test_demo_evidence_is_about_its_own_competency(fw):
    """Each demo text shares more words with its own competency than with any other (no budget text under crisis)."""
    vocab = {c.id: vocabulary(c) for c in fw.competencies}
    for comp_id, texts in EVIDENCE.items():
        for text in texts:
            overlap = {other: len(words(text) & v) for other, v in vocab.items()}
            best = max(overlap.values())
            assert overlap[comp_id] == best and [o for o, n in overlap.items() if n == best] == [comp_id], (
                comp_id, text, sorted(overlap.items(), key=lambda kv: -kv[1])[:3])


def test_demo_evidence_fits_the_level_it_backs():
    """A low level gets the critical text, a high level the strong one, "not observed" its own note."""
    low, mid, high = EVIDENCE["budget_authority"]
    assert [evidence_for("budget_authority", v) for v in (1, 2, 3, 4, 5)] == [low, low, mid, high, high]
    assert evidence_for("budget_authority", NOT_OBSERVED).startswith("I have not seen this")


def test_the_demo_writes_each_competency_its_own_evidence(runner, app):
    """Every evidence text the demo stores is its competency's text for that level (or the not-observed note)."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    ratings = db.session.scalars(sa.select(Rating).join(Rating.assignment)
                                 .where(RaterAssignment.status == "submitted")).all()
    with_text = [r for r in ratings if r.evidence]
    assert len(with_text) > 100
    for rating in with_text:
        value = NOT_OBSERVED if rating.is_not_observed else rating.level
        assert rating.evidence == evidence_for(rating.competency_id, value), (rating.competency_id, value)
    assert {r.competency_id for r in with_text} == set(EVIDENCE)
    assert any(r.evidence == NOT_OBSERVED_EVIDENCE for r in with_text)


def test_the_demo_peers_are_no_rivals(runner, app):
    """Every demo sheet counts: no peer is a candidate for the same role (a conflict of interest would leave the
    sheet out), and every other candidate has three peers, enough to show them as a group."""
    from assessment.models import Assessment
    from assessment.services.conflicts import conflicts

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assessments = db.session.scalars(sa.select(Assessment)).all()
    assert assessments and conflicts([a.id for a in assessments]) == {}
    peer_counts = [sum(1 for s in a.assignments if s.rater_group == "peer") for a in assessments]
    assert max(peer_counts) >= 3


def test_every_submitted_demo_sheet_has_the_evidence_the_rules_ask_for(runner, app):
    """Issue 17: the demo's sheets carry written evidence for every answer ``evidence_required`` names (the
    extremes, "not observed", at or above a critical requirement, far from the rater's own mean), so they count."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    sheets = db.session.scalars(sa.select(RaterAssignment).where(RaterAssignment.status == "submitted")).all()
    assert len(sheets) > 20
    named = 0
    for sheet in sheets:
        framework = pinned_framework(sheet.assessment.cycle)
        role = framework.role(sheet.assessment.target_role)
        ratings = sheet.current_ratings()
        values = {r.competency_id: NOT_OBSERVED if r.is_not_observed else r.level for r in ratings}
        needed = evidence_required(framework, role, values)
        named += len(needed - {cid for cid, v in values.items() if framework.readiness.needs_evidence(v)})
        assert all(r.evidence.strip() for r in ratings if r.competency_id in needed), sheet.id
    assert named > 0  # the new rules asked for evidence the old ones did not


def test_the_demo_shows_a_panel_review_a_borderline_and_a_sheet_that_does_not_count(runner, app):
    """Issue 17: the released demo cycle shows what the 2026.12.3 rules do: a verdict sent to Panel review, a
    borderline critical competency, and a sheet that does not count as a rater, listed with its reason."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # The demo's released cycle of today (the history demo adds two earlier released ones).
    released = db.session.scalar(sa.select(Cycle).where(Cycle.name == "Spring 2026 promotion round"))
    results = [outcome.result for outcome in assess_cycle(released)]
    assert any(r.is_panel_review for r in results)
    assert any(c.is_borderline for r in results for c in r.competencies)
    uncounted = [u for r in results for u in r.uncounted_sheets]
    assert uncounted and "rated 4 of 15 competencies" in uncounted[0].reason
