"""Properties of the readiness engine over random assessments (hypothesis), on the shipped rubric, every role.

Monotonicity is of ``verdict_rank`` (the provisional band; insufficient evidence below every band) and of every
decision score; Panel review is a flag on top (docs/readiness.md, point 3). The 2026.11 anonymity rule (peers
below the threshold left out of everything) is still tested on the 2026.11 snapshot, which old cycles keep.
"""

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rubrics import NOT_OBSERVED, load_framework
from rubrics.readiness import NOT_APPLICABLE, PEER, PEERS_SUPPRESSED, RaterSheet, assess_readiness, candidate_view

FW = load_framework()
OLD_FW = load_framework(Path(__file__).parent / "fixtures" / "framework_2026_11.yaml")
IDS = [c.id for c in FW.competencies]
ROLES = [r.id for r in FW.roles]
THRESHOLD = FW.readiness.peer_anonymity_threshold
MISSING = None
VALUES = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, NOT_OBSERVED, MISSING])
COMMENT = st.sampled_from(["", "Clear plan", "Needs support", "Strong in a crisis & calm", "<b>bold</b>"])


EVIDENCE = st.sampled_from(["Clear plan", "Needs support", "Strong in a crisis & calm", "<b>bold</b>"])


@st.composite
def sheet_of(draw, group, index, evidence=True):
    """A sheet; with ``evidence`` every answer carries a written example, so the sheet counts as evidence where it
    rates enough competencies (rubric 2026.12.3), and a changed level still carries one."""
    values = draw(st.lists(VALUES, min_size=len(IDS), max_size=len(IDS)))
    comments = draw(st.lists(EVIDENCE if evidence else COMMENT, min_size=len(IDS), max_size=len(IDS)))
    ratings = {i: v for i, v in zip(IDS, values) if v is not MISSING}
    return RaterSheet(f"{group}-{index}", group, ratings,
                      {i: c for i, c in zip(IDS, comments) if c and (i in ratings or not evidence)})


@st.composite
def assessments(draw, peers=st.integers(0, 5), managers=st.integers(0, 3), evidence=True):
    sheets = []
    for group, count in (("self", draw(st.integers(0, 1))), ("manager", draw(managers)), ("peer", draw(peers))):
        sheets += [draw(sheet_of(group, k, evidence)) for k in range(count)]
    return draw(st.sampled_from(ROLES)), sheets


def counted(result, sheets):
    """The indexes of the manager and peer sheets that count as raters."""
    left_out = {u.rater_key for u in result.uncounted_sheets}
    return [k for k, s in enumerate(sheets) if s.group != "self" and s.rater_key not in left_out]


def verdict(result):
    """What the verdict is made of: band, rules and decision scores."""
    return (result.band_id, result.rules, tuple(c.decision_score for c in result.competencies))


def with_rating(sheets, index, comp_id, value):
    ratings = dict(sheets[index].ratings)
    comments = dict(sheets[index].comments)
    if value is MISSING:
        ratings.pop(comp_id, None)
    else:
        ratings[comp_id] = value
        comments[comp_id] = comments.get(comp_id) or "Example"
    return [replace(s, ratings=ratings, comments=comments) if k == index else s for k, s in enumerate(sheets)]


def peer_levels(sheets, comp_id, skip=None):
    """How many peers (other than sheet ``skip``) gave a level on the competency."""
    return sum(
        s.group == PEER and s.ratings.get(comp_id, NOT_OBSERVED) != NOT_OBSERVED
        for k, s in enumerate(sheets)
        if k != skip
    )


def shown(result):
    """Everything a reader of the page, the PDF or the export can see, except the submitted-sheet counts."""
    return replace(result, sheet_counts={})


@settings(max_examples=150, deadline=None)

def decisions(result):
    return [c.decision_score for c in result.competencies]


def no_lower(after, before):
    """``after`` is no worse than ``before``: verdict rank, and every decision score that existed."""
    assert after.verdict_rank <= before.verdict_rank
    for new, old in zip(decisions(after), decisions(before)):
        if old is not None:
            assert new is not None and new >= old - 1e-12


def group_mean(sheets, group, comp_id, role=None):
    """The group's current score on a competency over EVERY counted level (what the decision uses): of the
    sheets that count as raters for ``role`` (every sheet without a role)."""
    left_out = {u.rater_key for u in assess_readiness(FW, role, sheets).uncounted_sheets} if role else set()
    levels = [s.ratings[comp_id] for s in sheets if s.group == group and s.rater_key not in left_out
              and s.ratings.get(comp_id, NOT_OBSERVED) != NOT_OBSERVED]
    return Fraction(sum(levels), len(levels)) if levels else None


@settings(max_examples=150, deadline=None)
@given(assessments(), st.data())
def test_raising_a_nonself_rating_never_lowers_the_verdict(case, data):
    """Raising any manager or peer level never worsens the verdict rank nor lowers any decision score, and
    never changes sufficiency."""
    role, sheets = case
    raisable = [
        (k, i)
        for k, s in enumerate(sheets)
        for i, v in s.ratings.items()
        if s.group != "self" and v != NOT_OBSERVED and v < 5
    ]
    if not raisable:
        return
    k, comp_id = data.draw(st.sampled_from(raisable))
    higher = data.draw(st.integers(sheets[k].ratings[comp_id] + 1, 5))
    before = assess_readiness(FW, role, sheets)
    after = assess_readiness(FW, role, with_rating(sheets, k, comp_id, higher))
    assert after.is_sufficient == before.is_sufficient
    no_lower(after, before)
    if before.is_sufficient:
        assert after.weighted_attainment >= before.weighted_attainment - 1e-12


@st.composite
def added_rating(draw):
    """A case and a rating to add: a level where a manager or peer gave none (on their sheet, or on a new
    sheet), at or above its group's current score; at or above the decision score when its group had none;
    at or above the required level when the competency had no score at all."""
    role, sheets = draw(assessments())
    comp_id = draw(st.sampled_from(IDS))
    group = draw(st.sampled_from(["manager", PEER]))
    before = assess_readiness(FW, role, sheets)
    current = group_mean(sheets, group, comp_id, role)
    decision = before.competency(comp_id).decision_score
    floor = current if current is not None else (decision if decision is not None else FW.role(role).requirement(comp_id).required)
    level = draw(st.integers(max(1, -int(-floor // 1)), 5)) if floor <= 5 else None
    # On a sheet that counts (a level on a sheet that does not may make it count, and bring in all its levels:
    # that is more than one added rating), or on a new sheet (which, with one level, does not count).
    spots = [k for k in counted(before, sheets)
             if sheets[k].group == group and sheets[k].ratings.get(comp_id, NOT_OBSERVED) == NOT_OBSERVED]
    spot = draw(st.sampled_from(spots + [None]))
    if spot is None:
        after = sheets + [RaterSheet(f"{group}-new", group, {comp_id: level})]
    else:
        after = with_rating(sheets, spot, comp_id, level)
    return role, sheets, after


@settings(max_examples=200, deadline=None)
@given(added_rating())
def test_an_added_rating_never_lowers_the_verdict(picked):
    """An added rating (as defined in docs/readiness.md, point 3) never worsens the verdict rank nor lowers a
    decision score; evidence can only grow, so insufficient evidence never appears."""
    role, sheets, after_sheets = picked
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, after_sheets)
    no_lower(after, before)
    assert after.is_sufficient or not before.is_sufficient


@settings(max_examples=100, deadline=None)
@given(assessments(), st.randoms(use_true_random=False))
def test_rater_order_does_not_matter(case, rng):
    """Shuffling the sheets gives an identical result, comments and panel-review reasons included."""
    role, sheets = case
    shuffled = list(sheets)
    rng.shuffle(shuffled)
    assert assess_readiness(FW, role, shuffled) == assess_readiness(FW, role, sheets)


@settings(max_examples=100, deadline=None)
@given(assessments(), st.data())
def test_self_ratings_never_change_the_verdict(case, data):
    """Any self-assessment, or none, leaves the verdict (Panel review included), rules and decision scores
    unchanged."""
    role, sheets = case
    others = [s for s in sheets if s.group != "self"]
    new_self = data.draw(sheet_of("self", 9))
    base = verdict(assess_readiness(FW, role, others))
    assert verdict(assess_readiness(FW, role, others + [new_self])) == base
    assert verdict(assess_readiness(FW, role, sheets)) == base


@settings(max_examples=100, deadline=None)
@given(assessments(), st.data())
def test_not_observed_is_the_same_as_no_answer(case, data):
    """Replacing a "not observed" with no answer at all changes nothing in the result."""
    role, sheets = case
    spots = [(k, i) for k, s in enumerate(sheets) for i, v in s.ratings.items() if v == NOT_OBSERVED]
    if not spots:
        return
    k, comp_id = data.draw(st.sampled_from(spots))
    changed = with_rating(sheets, k, comp_id, MISSING)
    assert assess_readiness(FW, role, changed) == assess_readiness(FW, role, sheets)


@settings(max_examples=150, deadline=None)
@given(assessments(managers=st.integers(1, 3)), st.data())
def test_not_observed_never_counts_as_a_low_score(case, data):
    """Where others rated the competency, "not observed" sits between a 1 and a 5: it is not a 1. (Peers below
    the threshold count, so no spot needs skipping since 2026.12.)"""
    role, sheets = case
    spots = [(k, i) for k, s in enumerate(sheets) for i, v in s.ratings.items() if v == NOT_OBSERVED and s.group != "self"]
    if not spots:
        return
    k, comp_id = data.draw(st.sampled_from(spots))
    if sheets[k].rater_key in {u.rater_key for u in assess_readiness(FW, role, sheets).uncounted_sheets}:
        return  # a level there may make the sheet count, bringing in all its levels
    results = {v: assess_readiness(FW, role, with_rating(sheets, k, comp_id, v)) for v in (1, NOT_OBSERVED, 5)}
    scores = {v: r.competency(comp_id).decision_score for v, r in results.items()}
    if scores[NOT_OBSERVED] is None:
        return  # nobody else rated it: "not observed" is then no evidence, which the coverage rules weigh
    assert scores[1] <= scores[NOT_OBSERVED] <= scores[5]
    assert results[NOT_OBSERVED].verdict_rank <= results[1].verdict_rank
    # Where the rater's group gave higher levels, a 1 visibly pulls down; "not observed" does not.
    current = group_mean(with_rating(sheets, k, comp_id, NOT_OBSERVED), sheets[k].group, comp_id, role)
    if current is not None and current > 1:
        assert scores[1] < scores[NOT_OBSERVED]


def coarse_free(view):
    """The candidate view with its coarse outcomes set aside (verdict, sufficiency, Panel review, rule
    statuses): what must not depend on a hidden peer at all. Rule details and failing lists are compared
    only where the rule applies, since "does not apply" follows from the verdict."""
    label, provisional = view.band_label, view.provisional_band_label
    rules = tuple((r.id, r.text, r.detail, r.competencies) if r.status != NOT_APPLICABLE else (r.id, r.text)
                  for r in view.rules)
    summary = view.summary.replace(label, "<verdict>").replace(provisional or "<none>", "<band>")
    return replace(view, band_id="", band_label="", band_rank=None, is_sufficient=None, provisional_band_id=None,
                   provisional_band_label="", provisional_band_rank=None, is_panel_review=None,
                   panel_review_reasons=(), summary=summary, rules=rules)


def same_for_candidate(before, after):
    """Nothing in the candidate's view but the coarse outcomes differs; and where a rule applies in both, the
    same competencies fail it."""
    a, b = candidate_view(before), candidate_view(after)
    assert a.is_candidate_view and b.is_candidate_view
    left, right = coarse_free(a), coarse_free(b)
    both = {r.id for r in a.rules if r.status != NOT_APPLICABLE} & {r.id for r in b.rules if r.status != NOT_APPLICABLE}
    left = replace(left, rules=tuple(r for r in left.rules if r[0] in both))
    right = replace(right, rules=tuple(r for r in right.rules if r[0] in both))
    assert left == right


@settings(max_examples=150, deadline=None)
@given(assessments(peers=st.integers(1, THRESHOLD - 1)), st.data())
def test_too_few_peers_cannot_be_recovered_by_the_candidate(case, data):
    """Below the threshold of peer sheets, any change to any peer's whole sheet changes nothing in the
    candidate's view but the coarse outcomes: no number there carries a single peer's answer. HR's result
    does count them (the decision uses every counted level)."""
    role, sheets = case
    peers = [k for k, s in enumerate(sheets) if s.group == PEER]
    k = data.draw(st.sampled_from(peers))
    other = data.draw(sheet_of(PEER, 99))
    changed = [replace(other, rater_key=sheets[k].rater_key) if j == k else s for j, s in enumerate(sheets)]
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, changed)
    assert before.peer_mode == PEERS_SUPPRESSED
    same_for_candidate(before, after)
    view = candidate_view(before)
    for comp in view.competencies:
        assert comp.peer_score is None and comp.decision_score is None and comp.gap is None
        assert {g.group for g in comp.groups} <= {"self", "manager"}
    assert view.weighted_attainment is None and all(block.group != PEER for block in view.comments)


@st.composite
def thinly_rated(draw, framework=FW):
    """Enough peer sheets for a Peers column, and a competency on which, even with peer ``k``'s level, fewer than
    the threshold of peers gave one: returns the case, ``k`` and that competency."""
    role, sheets = draw(assessments(peers=st.integers(THRESHOLD, 5)))
    comp_id = draw(st.sampled_from(IDS))
    peers = [j for j, s in enumerate(sheets) if s.group == PEER]
    k = draw(st.sampled_from(peers))
    keep = set(draw(st.lists(st.sampled_from([j for j in peers if j != k]), max_size=THRESHOLD - 2, unique=True)))
    for j in peers:
        if j != k and j not in keep:
            sheets = with_rating(sheets, j, comp_id, draw(st.sampled_from([NOT_OBSERVED, MISSING])))
    return (role, sheets), k, comp_id


def changed_on(sheets, k, comp_id, value, comment):
    changed = with_rating(sheets, k, comp_id, value)
    changed[k] = replace(changed[k], comments=dict(changed[k].comments) | {comp_id: comment})
    return changed


@settings(max_examples=200, deadline=None)
@given(thinly_rated(), VALUES, COMMENT)
def test_the_candidate_view_is_the_same_whatever_a_hidden_peer_gave(picked, value, comment):
    """On a competency fewer than the threshold of peers rated, whatever one peer gives there (a level, "not
    observed", no answer, any comment), the candidate's view is the same but for the coarse outcomes; the
    competency's decision, gap and attainment are withheld from it."""
    (role, sheets), k, comp_id = picked
    assert peer_levels(sheets, comp_id, skip=k) + 1 < THRESHOLD
    before = assess_readiness(FW, role, sheets)
    after = assess_readiness(FW, role, changed_on(sheets, k, comp_id, value, comment))
    # Which sheets count is a coarse outcome, like a rule's status (docs/readiness.md, point 3): an answer can
    # make its whole sheet count or not, which the shown peer groups then reflect.
    assume(before.uncounted_sheets == after.uncounted_sheets)
    assert before.peer_mode == "shown"
    same_for_candidate(before, after)
    comp = candidate_view(before).competency(comp_id)
    assert comp.is_withheld_from_candidate and comp.peer_score is None and comp.decision_score is None
    assert candidate_view(before).weighted_attainment is None


@settings(max_examples=100, deadline=None)
@given(thinly_rated(), st.sampled_from([1, 2, 3, 4, 5]))
def test_hidden_peers_count_in_the_decision(picked, value):
    """HR's result counts a hidden peer's level: the decision is the weighted mean over every counted level."""
    (role, sheets), k, comp_id = picked
    changed = with_rating(sheets, k, comp_id, value)
    comp = assess_readiness(FW, role, changed).competency(comp_id)
    managers = group_mean(changed, "manager", comp_id, role)
    peers = group_mean(changed, PEER, comp_id, role)
    assume(peers is not None)  # the peer's sheet may not count (too few levels)
    weights = FW.readiness.rater_group_weights
    expected = peers if managers is None else (weights["manager"] * managers + weights["peer"] * peers) / (
        weights["manager"] + weights["peer"])
    assert comp.peers_suppressed and comp.peer_score is None
    assert abs(comp.decision_score - float(expected)) < 1e-12


@settings(max_examples=100, deadline=None)
@given(assessments(peers=st.integers(1, THRESHOLD - 1)), st.data())
def test_2026_11_snapshot_too_few_peers_change_nothing_shown(case, data):
    """Old cycles (2026.11 rule): below the threshold, any change to any peer's sheet changes nothing at all."""
    role, sheets = case
    peers = [k for k, s in enumerate(sheets) if s.group == PEER]
    k = data.draw(st.sampled_from(peers))
    other = data.draw(sheet_of(PEER, 99))
    changed = [replace(other, rater_key=sheets[k].rater_key) if j == k else s for j, s in enumerate(sheets)]
    assert shown(assess_readiness(OLD_FW, role, changed)) == shown(assess_readiness(OLD_FW, role, sheets))


@settings(max_examples=100, deadline=None)
@given(thinly_rated(), VALUES, COMMENT)
def test_2026_11_snapshot_thinly_rated_competency_hides_its_peers(picked, value, comment):
    """Old cycles (2026.11 rule): on a competency too few peers rated, one peer's answer there changes nothing."""
    (role, sheets), k, comp_id = picked
    changed = changed_on(sheets, k, comp_id, value, comment)
    assert shown(assess_readiness(OLD_FW, role, changed)) == shown(assess_readiness(OLD_FW, role, sheets))


@settings(max_examples=150, deadline=None)
@given(assessments(managers=st.integers(1, 3)), st.data())
def test_unobserving_a_critical_competency_never_raises_the_verdict(case, data):
    """Replacing every manager and peer level on a critical competency by "not observed" never improves the
    verdict (insufficient evidence ranks below every band), and it is then insufficient evidence, named."""
    role, sheets = case
    critical = [r.competency_id for r in FW.role(role).requirements if r.is_critical]
    if not critical:
        return
    comp_id = data.draw(st.sampled_from(critical))
    unseen = sheets
    for k, s in enumerate(sheets):
        if s.group != "self" and comp_id in s.ratings:
            unseen = with_rating(unseen, k, comp_id, NOT_OBSERVED)
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, unseen)
    assert after.verdict_rank >= before.verdict_rank
    assert not after.is_sufficient and after.band_rank is None and after.band_id == "insufficient_evidence"
    rule = next(r for r in after.rules if r.id == "critical_observed")
    assert not rule.passed and FW.competency(comp_id).name in rule.detail and comp_id in rule.competencies


@settings(max_examples=60, deadline=None)
@given(assessments(peers=st.just(THRESHOLD), managers=st.integers(0, 2)))
def test_enough_peers_are_shown_as_a_group(case):
    """At the threshold the peer group is shown, and its score is the mean of the peers' levels where at
    least the threshold of them gave one (else nothing)."""
    role, sheets = case
    result = assess_readiness(FW, role, sheets)
    assert result.peer_mode == "shown"
    left_out = {u.rater_key for u in result.uncounted_sheets}
    for comp in result.competencies:
        levels = [
            s.ratings[comp.competency_id]
            for s in sheets
            if s.group == PEER and s.rater_key not in left_out
            and s.ratings.get(comp.competency_id, NOT_OBSERVED) != NOT_OBSERVED
        ]
        if len(levels) >= THRESHOLD:
            assert abs(comp.peer_score - sum(levels) / len(levels)) < 1e-12
        else:
            assert comp.peer_score is None


@settings(max_examples=200, deadline=None)
@given(assessments(managers=st.integers(1, 3)), st.data())
def test_not_observed_never_beats_an_honest_1(case, data):
    """Replacing a "not observed" that nobody else contradicts (no other counted manager or peer rated the
    competency) by level 1 never worsens the verdict rank, at any band (rubric 2026.12.3)."""
    role, sheets = case
    before = assess_readiness(FW, role, sheets)
    raters = counted(before, sheets)
    spots = [(k, i) for k in raters for i, v in sheets[k].ratings.items()
             if v == NOT_OBSERVED and before.competency(i).decision_score is None]
    if not spots:
        return
    k, comp_id = data.draw(st.sampled_from(spots))
    after = assess_readiness(FW, role, with_rating(sheets, k, comp_id, 1))
    assert after.verdict_rank <= before.verdict_rank


@settings(max_examples=100, deadline=None)
@given(assessments(evidence=False), st.randoms(use_true_random=False))
def test_rater_order_does_not_matter_whatever_the_evidence(case, rng):
    """Sheets with and without their written examples: the order never matters, uncounted sheets included."""
    role, sheets = case
    shuffled = list(sheets)
    rng.shuffle(shuffled)
    assert assess_readiness(FW, role, shuffled) == assess_readiness(FW, role, sheets)


@settings(max_examples=60, deadline=None)
@given(assessments(managers=st.integers(1, 3), evidence=False), st.data())
def test_a_rater_given_twice_is_refused(case, data):
    """Any sheet passed a second time (the same key, any answers) is refused."""
    role, sheets = case
    raters = [s for s in sheets if s.group != "self"]
    again = data.draw(st.sampled_from(raters))
    other = data.draw(sheet_of(again.group, 0, evidence=data.draw(st.booleans())))
    try:
        assess_readiness(FW, role, sheets + [replace(other, rater_key=again.rater_key)])
    except ValueError as error:
        assert again.rater_key in str(error)
    else:
        raise AssertionError("a duplicate rater key was accepted")


@settings(max_examples=100, deadline=None)
@given(assessments(evidence=False))
def test_a_sheet_that_does_not_count_changes_nothing_but_its_listing(case):
    """Every sheet that does not count can be removed: the result is the same but for the submitted counts, the
    list of sheets that do not count and the rule that names them."""
    role, sheets = case
    result = assess_readiness(FW, role, sheets)
    left_out = {u.rater_key for u in result.uncounted_sheets}
    assert all(s.group != "self" for s in sheets if s.rater_key in left_out)
    fewer = assess_readiness(FW, role, [s for s in sheets if s.rater_key not in left_out])
    assert fewer.uncounted_sheets == ()

    def core(r):
        """The verdict, every rule but the one naming the sheets, every score, shortfall, priority and comment."""
        return (r.band_id, r.provisional_band_id, r.weighted_attainment, r.summary, r.holding_back,
                r.development_priorities, r.comments, tuple(x for x in r.rules if x.id != "counted_sheets"),
                tuple((c.manager_score, c.peer_score, c.self_score, c.rated, c.is_thin_evidence)
                      for c in r.competencies))
    assert core(result) == core(fewer)
