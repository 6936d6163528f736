"""Validation of the framework's ``readiness`` section (the loader's other sections are in loader.py).

Keys new in rubric 2026.12 are optional: a snapshot pinned without them keeps the 2026.11 behaviour.
"""

from __future__ import annotations

from .loader_evidence import EVIDENCE_READINESS_KEYS, GROUP_ORDER, WEIGHTED_GROUPS
from .model import (
    NOT_OBSERVED,
    PEERS_COUNT,
    PEERS_LEAVE_OUT,
    Band,
    CalibrationReason,
    PanelReviewRules,
    RaterQualityRules,
    ReadinessRules,
)

READINESS_KEYS = {
    "evidence_required_for",
    "rater_group_weights",
    "min_nonself_raters",
    "max_not_observed_share",
    "peer_anonymity_threshold",
    "blind_spot_threshold",
    "disagreement_threshold",
    "bands",
    "insufficient_evidence_label",
    # Optional, from rubric 2026.12 (absent: the 2026.11 behaviour, so pinned snapshots keep their verdicts).
    "peers_below_threshold",
    "panel_review",
    "rater_quality",
    # Optional, from rubric 2026.12.3: which sheets count as raters, and when written evidence is required.
    "min_rated_share",
    "evidence_at_critical_requirement",
    "evidence_from_own_mean",
    "unscored_attainment",
    # Optional: the calibration reason codes (absent: a calibration asks for none).
    "calibration_reasons",
} | EVIDENCE_READINESS_KEYS  # Optional, from rubric 2026.12.4 (loader_evidence.py).
BAND_KEYS = {"id", "label"}
BAND_CRITERIA = {"max_critical_gap", "min_weighted_attainment", "min_raters", "min_managers", "max_any_gap",
                 "max_unscored_others", "min_critical_raters", "min_critical_managers", "max_short_others",
                 "max_group_gap"}
OPTIONAL_READINESS_KEYS = {"peers_below_threshold", "panel_review", "rater_quality", "min_rated_share",
                           "evidence_at_critical_requirement", "evidence_from_own_mean",
                           "unscored_attainment", "calibration_reasons"} | EVIDENCE_READINESS_KEYS
PANEL_REVIEW_KEYS = {"label", "critical_disagreement", "overall_disagreement",
                     # Optional, from rubric 2026.12.3: agreement, measurement error and rater quality.
                     "any_disagreement", "group_below_critical", "borderline_standard_errors",
                     "borderline_min_tolerance", "flagged_weight_share",
                     # Optional, from rubric 2026.12.4: the raters' agreement index on a critical competency.
                     "min_critical_agreement"}
RATER_QUALITY_KEYS = {"min_ratings", "leniency", "min_spread", "straight_line_min_levels", "rests_on_share",
                      # Optional, from rubric 2026.12.3.
                      "straight_line_share", "same_group", "cycle_spread_share"}
#: Groups every rubric weighs; direct reports and assessors are optional (2026.12.4, ``WEIGHTED_GROUPS``).
RATER_GROUPS = {"manager", "peer"}


class ReadinessValidator:
    """Mixed into the loader's validator, which provides ``mapping``, ``number``, ``level``, ``text``, ``ltext`` (a
    label in each of the rubric's languages), ``ident``, ``sequence`` and ``fail``."""

    def readiness(self, value, competency_ids: list[str] = (), exercises: tuple = ()) -> ReadinessRules | None:
        r = self.mapping(value, "readiness", READINESS_KEYS, required=READINESS_KEYS - OPTIONAL_READINESS_KEYS)
        if r is None:
            return None
        where = "readiness"
        evidence = set()
        for i, item in enumerate(r.get("evidence_required_for") or []):
            if item == NOT_OBSERVED:
                evidence.add(NOT_OBSERVED)
            elif (lv := self.level(item, f"{where}.evidence_required_for[{i}]")) is not None:
                evidence.add(lv)
        weights = {}
        gw = self.mapping(r.get("rater_group_weights"), f"{where}.rater_group_weights", WEIGHTED_GROUPS,
                          required=RATER_GROUPS)
        for group in (g for g in GROUP_ORDER if g in (gw or {})):
            weights[group] = self.number(gw[group], f"{where}.rater_group_weights.{group}", positive=True)
        bands = []
        items = self.sequence(r.get("bands"), f"{where}.bands")
        for i, item in enumerate(items):
            band = self.band(item, f"{where}.bands[{i}]", last=i == len(items) - 1)
            if band is not None:
                bands.append(band)
        peers = r.get("peers_below_threshold", PEERS_LEAVE_OUT)
        if peers not in (PEERS_LEAVE_OUT, PEERS_COUNT):
            self.fail(f"{where}.peers_below_threshold", f"must be {PEERS_LEAVE_OUT} or {PEERS_COUNT}, not {peers!r}")
        return ReadinessRules(
            evidence_required_for=frozenset(evidence),
            rater_group_weights=weights,
            min_nonself_raters=self.number(r.get("min_nonself_raters"), f"{where}.min_nonself_raters", minimum=1, maximum=100, integer=True),
            max_not_observed_share=self.number(r.get("max_not_observed_share"), f"{where}.max_not_observed_share", minimum=0, maximum=1),
            peer_anonymity_threshold=self.number(r.get("peer_anonymity_threshold"), f"{where}.peer_anonymity_threshold", minimum=2, maximum=100, integer=True),
            blind_spot_threshold=self.number(r.get("blind_spot_threshold"), f"{where}.blind_spot_threshold", positive=True),
            disagreement_threshold=self.number(r.get("disagreement_threshold"), f"{where}.disagreement_threshold", positive=True),
            bands=tuple(bands),
            insufficient_evidence_label=self.ltext(r.get("insufficient_evidence_label"), f"{where}.insufficient_evidence_label"),
            peers_below_threshold=peers,
            panel_review=self.panel_review(r["panel_review"], f"{where}.panel_review") if "panel_review" in r else None,
            rater_quality=self.rater_quality(r.get("rater_quality", {}), f"{where}.rater_quality"),
            **self.written_evidence(r, where),
            calibration_reasons=self.calibration_reasons(r.get("calibration_reasons"), f"{where}.calibration_reasons"),
            **self.evidence_rules(r, where, weights, list(competency_ids), exercises),
        )

    def written_evidence(self, r, where: str) -> dict:
        """The 2026.12.3 keys on which sheets count and when a level needs written evidence (absent: off)."""
        given = {}
        if r.get("min_rated_share") is not None:
            given["min_rated_share"] = self.number(r["min_rated_share"], f"{where}.min_rated_share", minimum=0,
                                                   maximum=1)
        if "evidence_at_critical_requirement" in r:
            flag = r["evidence_at_critical_requirement"]
            if not isinstance(flag, bool):
                self.fail(f"{where}.evidence_at_critical_requirement", f"must be true or false, not {flag!r}")
            given["evidence_at_critical_requirement"] = flag is True
        if r.get("evidence_from_own_mean") is not None:
            given["evidence_from_own_mean"] = self.number(r["evidence_from_own_mean"],
                                                          f"{where}.evidence_from_own_mean", positive=True)
        if r.get("unscored_attainment") is not None:
            given["unscored_attainment"] = self.number(r["unscored_attainment"], f"{where}.unscored_attainment",
                                                       minimum=0, maximum=1)
        return given

    def band(self, item, where: str, *, last: bool) -> Band | None:
        band = self.mapping(item, where, BAND_KEYS | BAND_CRITERIA, required=BAND_KEYS)
        if band is None:
            return None
        limits = {
            "max_critical_gap": dict(minimum=0, maximum=4),
            "min_weighted_attainment": dict(minimum=0, maximum=1),
            "min_raters": dict(minimum=1, maximum=100, integer=True),
            "min_managers": dict(minimum=0, maximum=100, integer=True),
            "max_any_gap": dict(minimum=0, maximum=4),
            "max_unscored_others": dict(minimum=0, maximum=100, integer=True),
            "min_critical_raters": dict(minimum=1, maximum=100, integer=True),
            "min_critical_managers": dict(minimum=0, maximum=100, integer=True),
            "max_short_others": dict(minimum=0, maximum=100, integer=True),
            "max_group_gap": dict(minimum=0, maximum=4),
        }
        criteria = {key: self.number(band[key], f"{where}.{key}", **limits[key])
                    for key in sorted(BAND_CRITERIA) if band.get(key) is not None}
        if last and criteria:
            self.fail(where, "the last band catches everything else and must have no conditions")
        if not last and not criteria:
            self.fail(where, f"needs one of {', '.join(sorted(BAND_CRITERIA))} (only the last band has none)")
        return Band(self.ident(band.get("id"), f"{where}.id"), self.ltext(band.get("label"), f"{where}.label"),
                    **criteria)

    def panel_review(self, value, where: str) -> PanelReviewRules | None:
        p = self.mapping(value, where, PANEL_REVIEW_KEYS,
                         required={"label", "critical_disagreement", "overall_disagreement"})
        if p is None:
            return None
        return PanelReviewRules(
            label=self.ltext(p.get("label"), f"{where}.label"),
            critical_disagreement=self.number(p.get("critical_disagreement"), f"{where}.critical_disagreement",
                                              positive=True),
            overall_disagreement=self.number(p.get("overall_disagreement"), f"{where}.overall_disagreement",
                                             positive=True),
            **self.agreement(p, where),
        )

    def flag(self, value, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, f"must be true or false, not {value!r}")
        return value is True

    def agreement(self, p, where: str) -> dict:
        """The 2026.12.3 keys of ``panel_review`` (absent: off, the 2026.12 behaviour)."""
        limits = {"any_disagreement": dict(positive=True), "borderline_standard_errors": dict(positive=True),
                  "borderline_min_tolerance": dict(minimum=0, maximum=4),
                  "flagged_weight_share": dict(minimum=0, maximum=1),
                  "min_critical_agreement": dict(minimum=0, maximum=1)}
        given = {key: self.number(p[key], f"{where}.{key}", **limits[key]) for key in sorted(limits)
                 if p.get(key) is not None}
        if "group_below_critical" in p:
            given["group_below_critical"] = self.flag(p["group_below_critical"], f"{where}.group_below_critical")
        return {k: v for k, v in given.items() if v is not None}

    def rater_quality(self, value, where: str) -> RaterQualityRules:
        q = self.mapping(value, where, RATER_QUALITY_KEYS, required=set())
        if not q:
            return RaterQualityRules()
        limits = {
            "min_ratings": dict(minimum=1, maximum=1000, integer=True),
            "leniency": dict(positive=True),
            "min_spread": dict(positive=True),
            "straight_line_min_levels": dict(minimum=2, maximum=100, integer=True),
            "rests_on_share": dict(minimum=0, maximum=1),
            "straight_line_share": dict(minimum=0.5, maximum=1),
            "cycle_spread_share": dict(positive=True),
        }
        given = {key: self.number(q[key], f"{where}.{key}", **limits[key]) for key in sorted(q) if key in limits}
        if "same_group" in q:
            given["same_group"] = self.flag(q["same_group"], f"{where}.same_group")
        return RaterQualityRules(**{k: v for k, v in given.items() if v is not None})


    # --- calibration reason codes (issue 17, 4) ---------------------------------------------------------------

    def calibration_reasons(self, value, where: str) -> tuple[CalibrationReason, ...]:
        """The reason codes a calibration chooses from: a list of {id, label}, ids unique; absent: none."""
        if value is None:
            return ()
        reasons, seen = [], set()
        for i, item in enumerate(self.sequence(value, where)):
            reason = self.mapping(item, f"{where}[{i}]", {"id", "label"}, required={"id", "label"})
            if reason is None:
                continue
            ident = self.unique_ident(reason.get("id"), f"{where}[{i}].id", seen, "calibration reason")
            reasons.append(CalibrationReason(ident, self.ltext(reason.get("label"), f"{where}[{i}].label")))
        return tuple(reasons)
