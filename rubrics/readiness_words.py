"""The readiness model in words: the methodology sentences, the verdict ids and labels, summaries."""

from __future__ import annotations

from collections.abc import Sequence

from .model import PEERS_COUNT, Band, ReadinessRules
from .readiness_model import (
    GROUP_LABELS,
    INSUFFICIENT_EVIDENCE,
    MANAGER,
    PANEL_REVIEW,
    PEER,
    RaterGroupCount,
)
from .readiness_numbers import exact, fmt, pct, plural

_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def verdicts(rules: ReadinessRules) -> tuple[tuple[str, str], ...]:
    """Every verdict a result can have, as (id, label): the bands in order, then insufficient evidence, then
    Panel review when the rubric has that rule."""
    out = tuple((band.id, band.label) for band in rules.bands) + (
        (INSUFFICIENT_EVIDENCE, rules.insufficient_evidence_label),)
    if rules.panel_review is not None:
        out += ((PANEL_REVIEW, rules.panel_review.label),)
    return out


def verdict_label(rules: ReadinessRules, band_id: str | None) -> str:
    """The label of a verdict id (a band or a non-band outcome); the id itself if unknown, empty for None."""
    if band_id is None:
        return ""
    if band_id == PANEL_REVIEW and rules.panel_review is None:
        return "Panel review"
    return dict(verdicts(rules)).get(band_id, band_id)


def evidence_summary(managers: int, counted_peers: int, uncounted_peers: int,
                     group_counts: Sequence[RaterGroupCount]) -> str:
    """What the verdict rests on, in words: "Rests on one manager's sheet." and what was asked but not given."""
    raters = managers + counted_peers
    if raters == 0:
        text = "Rests on no manager or peer sheet: a self-assessment alone never gives a band."
    elif raters == 1:
        text = f"Rests on one {'manager' if managers else 'peer'}’s sheet."
    elif managers == 0:
        text = f"Rests on {_count(counted_peers)} peers’ sheets and no manager’s."
    elif counted_peers == 0:
        text = f"Rests on {_count(managers)} managers’ sheets and no peer’s."
    else:
        text = (f"Rests on {_count(raters)} sheets: {_count(managers)} from "
                f"{'a manager' if managers == 1 else 'managers'} and {_count(counted_peers)} from "
                f"{'a peer' if counted_peers == 1 else 'peers'}.")
    if uncounted_peers:
        text += f" {plural(uncounted_peers, 'peer sheet')} not counted, to keep peers anonymous."
    short = [g.text for g in group_counts if g.group in (MANAGER, PEER) and g.assigned and g.submitted < g.assigned]
    return " ".join([text, *short])


def _count(n: int) -> str:
    return _NUMBER_WORDS.get(n, str(n))


def _band_sentence(index: int, band: Band) -> str:
    conditions = []
    if band.min_raters is not None:
        conditions.append(f"at least {band.min_raters} manager or peer sheets counted")
    if band.min_managers is not None:
        conditions.append(f"at least {plural(band.min_managers, 'manager')} among them")
    if band.max_unscored_others is not None:
        n = band.max_unscored_others
        conditions.append(f"every critical competency scored and at most {n} other{'s' if n != 1 else ''} unscored")
    if band.max_any_gap is not None:
        limit = exact(band.max_any_gap)
        conditions.append(f"every competency within {fmt(limit)} level{'s' if limit != 1 else ''} of its required "
                          "level" if limit else "every competency at or above its required level")
    if band.max_critical_gap is not None:
        limit = exact(band.max_critical_gap)
        conditions.append(
            "every critical competency at or above its required level"
            if limit == 0
            else f"no critical competency more than {fmt(limit)} level{'s' if limit != 1 else ''} below it"
        )
    if band.min_weighted_attainment is not None:
        conditions.append(f"weighted attainment at least {pct(exact(band.min_weighted_attainment))}")
    if conditions:
        return f"{index + 1}. {band.label}: " + ", ".join(conditions[:-1]) + (
            " and " if len(conditions) > 1 else "") + conditions[-1] + "."
    return f"{index + 1}. {band.label}: otherwise."


def _peer_sentence(rules: ReadinessRules) -> str:
    k = rules.peer_anonymity_threshold
    if rules.peers_below_threshold == PEERS_COUNT:
        return (
            f"Peers are shown as a group on a competency only when at least {k} of them gave a level on it. "
            "Fewer still count in the decision score, so no rating is thrown away and a better or an added "
            "rating never lowers the verdict; the candidate’s copy then leaves out every number of that "
            "competency that depends on them (peer score, decision score, gap, attainment), keeping only the "
            "verdict and whether each rule held, so that no single peer’s level can be read from it."
        )
    return (
        f"Peers count on a competency, and are shown there as a group, only when at least {k} of them gave a "
        "level on it. With fewer, their levels and comments on that competency are left out of the scores, the "
        "verdict and the report altogether (even how many gave a level), so that no single peer’s answer can be "
        "recovered from what is shown."
    )


def rules_in_words(rules: ReadinessRules) -> tuple[str, ...]:
    """The readiness model and the rubric's rules as sentences, for the methodology page."""
    weights = ", ".join(f"{GROUP_LABELS[g].lower()} {fmt(exact(w))}" for g, w in rules.rater_group_weights.items())
    lines = [
        "Each competency is scored per rater group (self, managers, peers) as the mean of the levels given; "
        "“not observed” is left out of the mean, never counted as a low score, and shows in the coverage "
        "(“rated by n of m”).",
        f"The decision score is the weighted mean of the manager and peer group scores (weights: {weights}); "
        "the self-assessment is shown beside it and never changes the verdict.",
        _peer_sentence(rules),
        "Gap = decision score − required level of the target role.",
        "Weighted attainment = Σ weight × min(decision score ÷ required level, 1) ÷ Σ weight, over the "
        "competencies with a decision score, shown with that coverage (“of the 8 of 12 scored”); surplus on one "
        "competency never offsets a shortfall on another.",
        f"Insufficient evidence (“{rules.insufficient_evidence_label}”) when fewer than "
        f"{rules.min_nonself_raters} manager or peer sheet(s) count, when more than "
        f"{pct(exact(rules.max_not_observed_share))} of the target role’s competencies have no manager or "
        "peer score, or when any critical competency of the target role has none: a critical competency "
        "nobody observed can be neither met nor short, so no band is given.",
        "Bands are checked in order; the first whose conditions all hold is the verdict:",
    ]
    lines += [_band_sentence(i, band) for i, band in enumerate(rules.bands)]
    if rules.panel_review is not None:
        panel = rules.panel_review
        lines.append(
            f"{panel.label}: when managers and peers, or two managers, are {fmt(exact(panel.critical_disagreement))} "
            "or more levels apart on a critical competency, or "
            f"{fmt(exact(panel.overall_disagreement))} or more apart on average over the competencies both rated, "
            "the verdict is not a band but goes to the panel, with the band the rules would give and the reasons; "
            "peers kept anonymous count for this check without being shown."
        )
    lines.append(
        f"Blind spot: self at least {fmt(exact(rules.blind_spot_threshold))} level(s) above the decision score; "
        "hidden strength: the same distance below. Rater disagreement: manager and peer levels on a competency "
        f"{fmt(exact(rules.disagreement_threshold))} or more levels apart. Strengths are competencies above "
        "their required level, not at it."
    )
    return tuple(lines)
