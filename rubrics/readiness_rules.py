"""The rubric's readiness rules as applied: the evidence rules, then each band's conditions, each one passed,
failed or not applicable, with the competencies that fail it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .i18n import _, ngettext
from .model import Band, ReadinessRules
from .readiness_band_evidence import critical_evidence_check, group_floor_check, short_others_check
from .readiness_groups import anonymity_threshold, group_count_words
from .readiness_model import DIRECT_REPORT, FAILED, MANAGER, NOT_APPLICABLE, PASSED, PEER
from .readiness_result import CompetencyResult, RuleResult
from .readiness_numbers import display_shortfall, exact, fmt, pct
from .readiness_scores import ExactScores


@dataclass(frozen=True)
class Evidence:
    """What the verdict rests on, computed once for the rules (exact values)."""

    role_name: str
    comps: tuple[CompetencyResult, ...]
    scores: tuple[ExactScores, ...]
    #: Sheets counted as raters per non-self group the rubric knows (managers and peers; from 2026.12.4 also
    #: direct reports and the assessors' consensus): an anonymous group's all of them when it counts below its
    #: threshold, else only from the threshold.
    counted_raters: Mapping[str, int]
    #: Sheets of an anonymous group submitted but not counted (2026.11 rule: fewer than the threshold).
    uncounted_raters: Mapping[str, int]
    attainment: Fraction | None
    largest_critical: Fraction | None
    #: Band thresholds of weighted attainment, so a printed percentage never lands on the wrong side of one.
    thresholds: tuple[float, ...]
    #: From 2026.12.3: the attainment is over all competencies, the unscored counted as zero.
    unscored_at_zero: bool = False

    @property
    def managers(self) -> int:
        return self.counted_raters.get(MANAGER, 0)

    @property
    def counted_peers(self) -> int:
        return self.counted_raters.get(PEER, 0)

    @property
    def uncounted_peers(self) -> int:
        return self.uncounted_raters.get(PEER, 0)

    @property
    def raters(self) -> int:
        return sum(self.counted_raters.values())

    @property
    def is_extended(self) -> bool:
        """The rubric knows more rater groups than managers and peers (2026.12.4): the sentences name raters."""
        return bool(set(self.counted_raters) - {MANAGER, PEER})

    def counted(self) -> str:
        """ "3 counted: 1 manager, 2 peers." """
        if self.is_extended:
            shown = [g for g, n in self.counted_raters.items() if n] or [MANAGER, PEER]
            return _("%(raters)s counted: %(groups)s.", raters=self.raters,
                     groups=", ".join(group_count_words(g, self.counted_raters[g]) for g in shown))
        return _("%(raters)s counted: %(managers)s, %(peers)s.", raters=self.raters,
                 managers=ngettext("%(num)d manager", "%(num)d managers", self.managers),
                 peers=ngettext("%(num)d peer", "%(num)d peers", self.counted_peers))

    def names(self, ids) -> str:
        return ", ".join(c.name for c in self.comps if c.competency_id in ids)

    def shortfalls(self, *, critical_only: bool) -> list[tuple[CompetencyResult, Fraction]]:
        """(competency, exact shortfall) of every scored competency below its required level, largest first."""
        short = [(c, s.requirement.required - s.decision) for c, s in zip(self.comps, self.scores)
                 if s.decision is not None and s.decision < s.requirement.required
                 and (c.is_critical or not critical_only)]
        return sorted(short, key=lambda item: -item[1])


def build_evidence(rules: ReadinessRules, role_name: str, comps, scores, counted_raters: Mapping[str, int],
                   uncounted_raters: Mapping[str, int]) -> Evidence:
    """Weighted attainment and the largest critical shortfall, exactly, with what the rules need beside them."""
    scored = [s for s in scores if s.decision is not None]
    # From 2026.12.3 an unscored competency counts with its weight and ``unscored_attainment`` (0): "not
    # observed" is never better than an honest 1. Before, it was left out of the sum and of the weights.
    counted = scores if rules.unscored_attainment is not None else scored
    unscored = exact(rules.unscored_attainment) if rules.unscored_attainment is not None else Fraction(0)
    weight_sum = sum(exact(s.requirement.weight) for s in counted)
    attainment = (sum(exact(s.requirement.weight) * (min(s.decision / s.requirement.required, Fraction(1))
                                                     if s.decision is not None else unscored)
                      for s in counted) / weight_sum if scored and weight_sum > 0 else None)
    critical = [s for s in scored if s.requirement.is_critical]
    largest = max((max(Fraction(0), s.requirement.required - s.decision) for s in critical), default=None)
    thresholds = tuple(float(b.min_weighted_attainment) for b in rules.bands if b.min_weighted_attainment is not None)
    return Evidence(role_name, tuple(comps), tuple(scores), dict(counted_raters), dict(uncounted_raters), attainment,
                    largest, thresholds, rules.unscored_attainment is not None)


def _status(ok: bool) -> str:
    return PASSED if ok else FAILED


def evidence_rules(rules: ReadinessRules, ev: Evidence, threshold: int) -> list[RuleResult]:
    """The three rules without which no band is given (insufficient evidence)."""
    detail = ev.counted()
    if ev.uncounted_peers:
        detail += " " + _("%(n)s peer sheet(s) not counted: peers count from %(threshold)s submitted, to keep them "
                          "anonymous.", n=ev.uncounted_peers, threshold=threshold)
    if ev.uncounted_raters.get(DIRECT_REPORT):
        detail += " " + _("%(n)s direct report sheet(s) not counted: direct reports count from %(threshold)s "
                          "submitted, to keep them anonymous.", n=ev.uncounted_raters[DIRECT_REPORT],
                          threshold=anonymity_threshold(rules, DIRECT_REPORT))
    text = (_("At least %(n)s rater sheet(s) counted (managers, peers, direct reports, the assessors’ consensus).",
              n=rules.min_nonself_raters) if ev.is_extended else
            _("At least %(n)s manager or peer sheet(s) counted.", n=rules.min_nonself_raters))
    out = [RuleResult("min_nonself_raters", text, _status(ev.raters >= rules.min_nonself_raters), detail)]
    unscored = tuple(c.competency_id for c in ev.comps if c.decision_score is None)
    total = len(ev.comps)
    share = Fraction(len(unscored), total) if total else Fraction(0)
    max_share = exact(rules.max_not_observed_share)
    ok = share <= max_share
    out.append(RuleResult(
        "max_not_observed_share",
        _("At most %(share)s of the %(role)s competencies without a score from the raters.", share=pct(max_share),
          role=ev.role_name) if ev.is_extended else
        _("At most %(share)s of the %(role)s competencies without a manager or peer score.", share=pct(max_share),
          role=ev.role_name),
        _status(ok),
        _("%(n)s of %(total)s (%(share)s) without a score: %(names)s.", n=len(unscored), total=total,
          share=pct(share), names=ev.names(unscored)) if unscored else
        _("%(n)s of %(total)s (%(share)s) without a score.", n=len(unscored), total=total, share=pct(share)),
        () if ok else unscored,
    ))
    critical = [c for c in ev.comps if c.is_critical]
    missing = tuple(c.competency_id for c in critical if c.decision_score is None)
    text = ngettext("Every critical competency was rated by a manager or by at least %(num)d peer.",
                    "Every critical competency was rated by a manager or by at least %(num)d peers.", threshold)
    if rules.peers_below_threshold == "count":
        text = _("Every critical competency was rated by a manager or a peer.")
    if ev.is_extended:
        text = _("Every critical competency was rated by at least one rater (a manager, a peer, a direct report or "
                 "the assessors’ consensus).")
    if not critical:
        out.append(RuleResult("critical_observed", text, NOT_APPLICABLE, _("The role has no critical competency.")))
    elif missing:
        out.append(RuleResult("critical_observed", text, FAILED,
                              _("%(names)s not observed.", names=ev.names(missing)), missing))
    else:
        out.append(RuleResult("critical_observed", text, PASSED,
                              _("%(n)s of %(total)s observed.", n=len(critical), total=len(critical))))
    return out


def band_checks(band: Band, ev: Evidence) -> list[RuleResult]:
    """The band's conditions as applied, in a fixed order: evidence first, then scores."""
    checks = []
    if band.min_raters is not None:
        checks.append(RuleResult(
            f"{band.id}.min_raters",
            _("%(band)s: at least %(n)s rater sheets counted (managers, peers, direct reports, the assessors’ "
              "consensus), so the verdict never rests on one rater.", band=band.label, n=band.min_raters)
            if ev.is_extended else
            _("%(band)s: at least %(n)s manager or peer sheets counted, so the verdict never rests on one rater.",
              band=band.label, n=band.min_raters),
            _status(ev.raters >= band.min_raters),
            ev.counted(),
        ))
    if band.min_managers is not None:
        checks.append(RuleResult(
            f"{band.id}.min_managers",
            ngettext("%(band)s: at least %(num)d manager’s sheet among them.",
                     "%(band)s: at least %(num)d managers’s sheet among them.", band.min_managers, band=band.label),
            _status(ev.managers >= band.min_managers),
            ngettext("%(num)d manager counted.", "%(num)d managers counted.", ev.managers),
        ))
    if band.max_unscored_others is not None:
        checks.append(_unscored_check(band, ev))
    if band.min_critical_raters is not None or band.min_critical_managers is not None:
        checks.append(critical_evidence_check(band, ev))
    if band.max_any_gap is not None:
        checks.append(_gap_check(band, band.max_any_gap, ev, critical_only=False))
    if band.max_critical_gap is not None:
        checks.append(_gap_check(band, band.max_critical_gap, ev, critical_only=True))
    if band.max_short_others is not None:
        checks.append(short_others_check(band, ev))
    if band.max_group_gap is not None:
        checks.append(group_floor_check(band, ev))
    if band.min_weighted_attainment is not None:
        limit = exact(band.min_weighted_attainment)
        checks.append(RuleResult(
            f"{band.id}.min_weighted_attainment",
            _("%(band)s: weighted attainment at least %(share)s.", band=band.label, share=pct(limit)),
            _status(ev.attainment is not None and ev.attainment >= limit),
            _attainment_detail(ev) if ev.attainment is not None else _("No scores."),
        ))
    return checks


def _attainment_detail(ev: Evidence) -> str:
    scored = sum(s.decision is not None for s in ev.scores)
    share = pct(ev.attainment, ev.thresholds)
    if scored == len(ev.scores):
        return _("Weighted attainment %(share)s.", share=share)
    if ev.unscored_at_zero:
        # Over all competencies, the unscored counted as zero: not "of the 11 of 15 scored" (attainment_text).
        return _("Weighted attainment %(share)s.", share=ngettext(
            "%(value)s over all %(total)s, %(num)d unscored counted as zero",
            "%(value)s over all %(total)s, %(num)d unscored counted as zero",
            len(ev.scores) - scored, value=share, total=len(ev.scores)))
    return _("Weighted attainment %(share)s of the %(scored)s of %(total)s scored.", share=share, scored=scored,
             total=len(ev.scores))


def _unscored_check(band: Band, ev: Evidence) -> RuleResult:
    limit = band.max_unscored_others
    critical = tuple(c.competency_id for c in ev.comps if c.is_critical and c.decision_score is None)
    others = tuple(c.competency_id for c in ev.comps if not c.is_critical and c.decision_score is None)
    ok = not critical and len(others) <= limit
    failing = critical + (others if len(others) > limit else ())
    if others:
        detail = _("%(n)s other(s) unscored: %(names)s.", n=len(others), names=ev.names(others))
    else:
        detail = _("%(n)s other(s) unscored.", n=len(others))
    if critical:
        detail = (_("Critical unscored: %(critical)s; %(n)s other(s) unscored: %(names)s.", critical=ev.names(critical),
                    n=len(others), names=ev.names(others)) if others else
                  _("Critical unscored: %(critical)s; %(n)s other(s) unscored.", critical=ev.names(critical),
                    n=len(others)))
    return RuleResult(
        f"{band.id}.max_unscored_others",
        _("%(band)s: every competency scored (“not observed” is no hiding place).", band=band.label) if not limit else
        ngettext("%(band)s: every critical competency scored and at most %(num)d other left unscored (“not "
                 "observed” is no hiding place).",
                 "%(band)s: every critical competency scored and at most %(num)d others left unscored (“not "
                 "observed” is no hiding place).", limit, band=band.label),
        _status(ok),
        detail,
        tuple(c.competency_id for c in ev.comps if c.competency_id in failing),
    )


def _gap_check(band: Band, limit_value, ev: Evidence, *, critical_only: bool) -> RuleResult:
    limit = exact(limit_value)
    n = 1 if limit == 1 else 2
    short = ev.shortfalls(critical_only=critical_only)
    over = [(c, s) for c, s in short if s > limit]
    if critical_only:
        rid = f"{band.id}.max_critical_gap"
        text = (ngettext("%(band)s: no critical competency more than %(limit)s level below the required level.",
                         "%(band)s: no critical competency more than %(limit)s levels below the required level.",
                         n, band=band.label, limit=fmt(limit)) if limit else
                _("%(band)s: no critical competency below the required level.", band=band.label))
        largest = ev.largest_critical
        if largest is None:
            return RuleResult(rid, text, NOT_APPLICABLE, _("The role has no critical competency with a score."))
    else:
        rid = f"{band.id}.max_any_gap"
        text = (ngettext("%(band)s: every competency within %(limit)s level of its required level (a competency "
                         "further short caps the verdict below %(band)s).",
                         "%(band)s: every competency within %(limit)s levels of its required level (a competency "
                         "further short caps the verdict below %(band)s).", n, band=band.label, limit=fmt(limit))
                if limit else _("%(band)s: every competency at or above its required level.", band=band.label))
        largest = short[0][1] if short else Fraction(0)
    if over:
        detail = _("Over the limit: %(items)s.", items=", ".join(
            _("%(name)s (%(shortfall)s)", name=c.name, shortfall=c.shortfall_text) for c, s in over))
    elif critical_only:
        detail = _("Largest critical shortfall %(shortfall)s.", shortfall=_largest_text(ev, largest, critical_only))
    else:
        detail = _("Largest shortfall %(shortfall)s.", shortfall=_largest_text(ev, largest, critical_only))
    failing = {c.competency_id for c, _ in over}
    return RuleResult(rid, text, _status(not over), detail,
                      tuple(c.competency_id for c in ev.comps if c.competency_id in failing))


def _largest_text(ev: Evidence, largest: Fraction, critical_only: bool) -> str:
    """The largest shortfall as every other print of it reads (``display_shortfall``); "0" without one."""
    for comp, shortfall in ev.shortfalls(critical_only=critical_only):
        if shortfall == largest:
            return display_shortfall(comp.decision_score, comp.required)
    return fmt(largest)


def fallback_check(band: Band, holds: bool) -> RuleResult:
    """The last band without conditions: it holds when it is the verdict, and does not apply otherwise."""
    return RuleResult(f"{band.id}.fallback", _("%(band)s: when no band above holds.", band=band.label),
                      PASSED if holds else NOT_APPLICABLE,
                      "" if holds else _("A band above holds, or no band is given."))


def not_applicable(check: RuleResult, why: str) -> RuleResult:
    return RuleResult(check.id, check.text, NOT_APPLICABLE, why, ())


def choose_band(bands: Sequence[Band], ev: Evidence, sufficient: bool) -> tuple[int | None, list[RuleResult]]:
    """The first band whose conditions all pass (None when the evidence is insufficient), and every check."""
    chosen, results = None, []
    for index, band in enumerate(bands):
        checks = band_checks(band, ev)
        if not sufficient:
            why = _("No band is given: the evidence is insufficient.")
            checks = [not_applicable(c, why) for c in checks]
        elif chosen is None and all(c.status != FAILED for c in checks):
            chosen = index
        if not checks:
            checks = [fallback_check(band, sufficient and chosen == index)]
        results.extend(checks)
    return chosen, results
