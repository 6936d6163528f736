"""Properties of the readiness engine over random assessments (hypothesis), on the shipped rubric."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics import NOT_OBSERVED, load_framework
from rubrics.readiness import PEER, PEERS_SUPPRESSED, RaterSheet, assess_readiness

FW = load_framework()
IDS = [c.id for c in FW.competencies]
ROLES = [r.id for r in FW.roles]
THRESHOLD = FW.readiness.peer_anonymity_threshold
MISSING = None
VALUES = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, NOT_OBSERVED, MISSING])
COMMENT = st.sampled_from(["", "Clear plan", "Needs support", "Strong in a crisis & calm", "<b>bold</b>"])


@st.composite
def sheet_of(draw, group, index):
    values = draw(st.lists(VALUES, min_size=len(IDS), max_size=len(IDS)))
    comments = draw(st.lists(COMMENT, min_size=len(IDS), max_size=len(IDS)))
    ratings = {i: v for i, v in zip(IDS, values) if v is not MISSING}
    return RaterSheet(f"{group}-{index}", group, ratings, {i: c for i, c in zip(IDS, comments) if c})


@st.composite
def assessments(draw, peers=st.integers(0, 5), managers=st.integers(0, 3)):
    sheets = []
    for group, count in (("self", draw(st.integers(0, 1))), ("manager", draw(managers)), ("peer", draw(peers))):
        sheets += [draw(sheet_of(group, k)) for k in range(count)]
    return draw(st.sampled_from(ROLES)), sheets


def verdict(result):
    """What the verdict is made of: band, rules and decision scores."""
    return (result.band_id, result.rules, tuple(c.decision_score for c in result.competencies))


def with_rating(sheets, index, comp_id, value):
    ratings = dict(sheets[index].ratings)
    if value is MISSING:
        ratings.pop(comp_id, None)
    else:
        ratings[comp_id] = value
    return [replace(s, ratings=ratings) if k == index else s for k, s in enumerate(sheets)]


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
@given(assessments(), st.data())
def test_raising_a_nonself_rating_never_lowers_the_verdict(case, data):
    """Raising any manager or peer level never moves the verdict to a worse band, nor changes sufficiency."""
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
    if before.is_sufficient:
        assert after.verdict_rank <= before.verdict_rank
        assert after.weighted_attainment >= before.weighted_attainment - 1e-12


@settings(max_examples=100, deadline=None)
@given(assessments(), st.randoms(use_true_random=False))
def test_rater_order_does_not_matter(case, rng):
    """Shuffling the sheets gives an identical result, comments included."""
    role, sheets = case
    shuffled = list(sheets)
    rng.shuffle(shuffled)
    assert assess_readiness(FW, role, shuffled) == assess_readiness(FW, role, sheets)


@settings(max_examples=100, deadline=None)
@given(assessments(), st.data())
def test_self_ratings_never_change_the_verdict(case, data):
    """Any self-assessment, or none, leaves band, rules and decision scores unchanged."""
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
    """Where others rated the competency, "not observed" sits between a 1 and a 5: it is not a 1.

    A peer's level can lift the peer group on that competency over the anonymity threshold and so bring
    the other peers' levels into view; that is the anonymity rule, not a score, so such spots are skipped.
    """
    role, sheets = case
    spots = [
        (k, i)
        for k, s in enumerate(sheets)
        for i, v in s.ratings.items()
        if v == NOT_OBSERVED
        and (s.group == "manager" or (s.group == PEER and peer_levels(sheets, i, skip=k) >= THRESHOLD))
    ]
    if not spots:
        return
    k, comp_id = data.draw(st.sampled_from(spots))
    results = {v: assess_readiness(FW, role, with_rating(sheets, k, comp_id, v)) for v in (1, NOT_OBSERVED, 5)}
    scores = {v: r.competency(comp_id).decision_score for v, r in results.items()}
    if scores[NOT_OBSERVED] is None:
        return  # nobody else rated it: "not observed" is then no evidence, which the coverage rule weighs
    assert scores[1] <= scores[NOT_OBSERVED] <= scores[5]
    low, unseen = results[1], results[NOT_OBSERVED]
    if low.is_sufficient and unseen.is_sufficient:
        assert unseen.verdict_rank <= low.verdict_rank
    # Where the rater's group gave higher levels, a 1 visibly pulls down; "not observed" does not.
    seen = unseen.competency(comp_id)
    group_score = seen.manager_score if sheets[k].group == "manager" else seen.peer_score
    if group_score is not None and group_score > 1:
        assert scores[1] < scores[NOT_OBSERVED]


@settings(max_examples=150, deadline=None)
@given(assessments(peers=st.integers(1, THRESHOLD - 1)), st.data())
def test_too_few_peers_cannot_be_recovered(case, data):
    """Below the threshold, any change to any peer's ratings and comments changes nothing that is shown.

    So no output (scores, "others", spread, comments, verdict) carries a single peer's answer, and no
    subtraction of the managers' shown score from any shown mean can recover it.
    """
    role, sheets = case
    peers = [k for k, s in enumerate(sheets) if s.group == PEER]
    k = data.draw(st.sampled_from(peers))
    other = data.draw(sheet_of(PEER, 99))
    changed = [replace(other, rater_key=sheets[k].rater_key) if j == k else s for j, s in enumerate(sheets)]
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, changed)
    assert before.peer_mode == PEERS_SUPPRESSED
    assert shown(after) == shown(before)
    for comp in before.competencies:
        assert comp.peer_score is None
        assert {g.group for g in comp.groups} <= {"self", "manager"}
    assert all(block.group != PEER for block in before.comments)


@st.composite
def thinly_rated(draw):
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


@settings(max_examples=150, deadline=None)
@given(thinly_rated(), VALUES, COMMENT)
def test_a_thinly_rated_competency_hides_its_peers(picked, value, comment):
    """On a competency fewer than the threshold of peers rated, any change to one peer's level (or "not
    observed", or no answer) and comment there changes nothing that is shown, although other competencies
    show the peer group: per-competency anonymity, coverage counts included."""
    (role, sheets), k, comp_id = picked
    assert peer_levels(sheets, comp_id, skip=k) + 1 < THRESHOLD
    changed = with_rating(sheets, k, comp_id, value)
    comments = dict(changed[k].comments) | {comp_id: comment}
    changed[k] = replace(changed[k], comments=comments)
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, changed)
    assert before.peer_mode == "shown"
    assert shown(after) == shown(before)
    if any(r.competency_id == comp_id for r in FW.role(role).requirements):
        comp = before.competency(comp_id)
        assert comp.peer_score is None and comp.peers_suppressed
        peer_group = next(g for g in comp.groups if g.group == PEER)
        assert peer_group.is_suppressed and peer_group.rated is None
    assert all(not (block.group == PEER and block.competency_id == comp_id) for block in before.comments)


@settings(max_examples=150, deadline=None)
@given(assessments(managers=st.integers(1, 3)), st.data())
def test_unobserving_a_critical_competency_never_raises_the_verdict(case, data):
    """Replacing every manager and peer level on a critical competency by "not observed" never improves the
    verdict (insufficient evidence ranks below every band), and it is then insufficient evidence, named."""
    role, sheets = case
    critical = [r.competency_id for r in FW.role(role).requirements if r.is_critical]
    comp_id = data.draw(st.sampled_from(critical))
    unseen = sheets
    for k, s in enumerate(sheets):
        if s.group != "self" and comp_id in s.ratings:
            unseen = with_rating(unseen, k, comp_id, NOT_OBSERVED)
    before, after = assess_readiness(FW, role, sheets), assess_readiness(FW, role, unseen)
    assert after.verdict_rank >= before.verdict_rank
    assert not after.is_sufficient and after.band_rank is None
    rule = next(r for r in after.rules if r.id == "critical_observed")
    assert not rule.passed and FW.competency(comp_id).name in rule.detail


@settings(max_examples=60, deadline=None)
@given(assessments(peers=st.just(THRESHOLD), managers=st.integers(0, 2)))
def test_enough_peers_are_shown_as_a_group(case):
    """At the threshold the peer group is shown, and its score is the mean of the peers' levels where at
    least the threshold of them gave one (else nothing)."""
    role, sheets = case
    result = assess_readiness(FW, role, sheets)
    assert result.peer_mode == "shown"
    for comp in result.competencies:
        levels = [
            s.ratings[comp.competency_id]
            for s in sheets
            if s.group == PEER and s.ratings.get(comp.competency_id, NOT_OBSERVED) != NOT_OBSERVED
        ]
        if len(levels) >= THRESHOLD:
            assert abs(comp.peer_score - sum(levels) / len(levels)) < 1e-12
        else:
            assert comp.peer_score is None
