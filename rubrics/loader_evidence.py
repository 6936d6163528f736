"""Validation of the rubric's sources of evidence (2026.12.4): the assessment-centre exercises and their exercise x
competency matrix, a role's eligibility (track record), and the readiness keys on rater groups, agreement,
situations, rater relationships and the assessors' wash-up.

Every key is optional: a snapshot pinned without them (2026.12.3 and older) loads with the defaults of
``ReadinessRules``, no exercises and no eligibility, and so gives exactly the results it gave before.
"""

from __future__ import annotations

from .competency_checks import item_where
from .model import (
    SHORT_FLAG,
    SHORT_LEAVE_OUT,
    AgreementRules,
    Eligibility,
    Exercise,
    RaterRelationshipRules,
)

EXERCISE_KEYS = {"id", "name", "instructions", "duration_minutes", "shows"}
ELIGIBILITY_KEYS = {"min_leadership_months", "min_current_role_months", "citations"}
ELIGIBILITY_MONTHS = ("min_leadership_months", "min_current_role_months")
#: Rater groups that can carry a weight, in the order the weights are kept; self is never mixed into the decision.
GROUP_ORDER = ("manager", "peer", "direct_report", "assessor")
WEIGHTED_GROUPS = set(GROUP_ORDER)
#: Groups whose competencies the rubric can restrict; assessors judge what the exercise matrix shows.
LISTED_GROUPS = {"manager", "peer", "direct_report"}
#: Anonymous groups with their own threshold; peers keep ``peer_anonymity_threshold``.
THRESHOLD_GROUPS = {"direct_report"}
EVIDENCE_READINESS_KEYS = {"group_competencies", "competency_group_weights", "anonymity_thresholds", "agreement",
                           "situations", "rater_relationship", "wash_up"}
AGREEMENT_KEYS = {"min_raters", "agree", "moderate"}
SITUATION_KEYS = {"required_at_requirement"}
RELATIONSHIP_KEYS = {"min_months", "short_acquaintance"}
WASH_UP_KEYS = {"resolve_apart"}
#: The longest track record or acquaintance the rubric can ask for: 60 years, in months.
MAX_MONTHS = 720


class EvidenceChecks:
    """Mixed into the loader's validator, which provides ``mapping``, ``number``, ``level``, ``ltext``,
    ``unique_ident``, ``sequence``, ``flag``, ``citations`` and ``fail``."""

    # -- exercises -----------------------------------------------------------------------------------------------

    def exercises(self, value, competency_ids: list[str]) -> tuple[Exercise, ...]:
        """The top-level ``exercises`` list; absent: none (every rubric before 2026.12.4)."""
        if value is None:
            return ()
        result, seen = [], set()
        for i, item in enumerate(self.sequence(value, "exercises")):
            where = item_where("exercises", i, item)
            if self.mapping(item, where, EXERCISE_KEYS) is None:
                continue
            ident = self.unique_ident(item.get("id"), f"{where}.id", seen, "exercise")
            minutes = self.number(item.get("duration_minutes"), f"{where}.duration_minutes", minimum=5,
                                  maximum=480, integer=True)
            result.append(Exercise(ident, self.ltext(item.get("name"), f"{where}.name"),
                                   self.ltext(item.get("instructions"), f"{where}.instructions"), minutes,
                                   self.shows(item.get("shows"), f"{where}.shows", competency_ids)))
        return tuple(result)

    def shows(self, value, where: str, competency_ids: list[str]) -> dict[str, tuple[int, ...]]:
        """One row of the exercise x competency matrix: competency id -> the levels it can show, ascending."""
        if not isinstance(value, dict) or not value:
            self.fail(where, "must be a non-empty mapping of competency ids to the levels the exercise can show")
            return {}
        row = {}
        for cid in value:
            cwhere = f"{where}.{cid}"
            if cid not in competency_ids:
                self.fail(cwhere, "unknown competency id")
                continue
            levels = [self.level(lv, f"{cwhere}[{j}]") for j, lv in enumerate(self.sequence(value[cid], cwhere))]
            levels = [lv for lv in levels if lv is not None]
            if levels != sorted(set(levels)):
                self.fail(cwhere, f"must list each level once, in ascending order, not {value[cid]}")
            row[cid] = tuple(levels)
        return {cid: row[cid] for cid in competency_ids if cid in row}

    # -- eligibility ---------------------------------------------------------------------------------------------

    def eligibility(self, value, where: str, source_files: set) -> Eligibility | None:
        """A role's track record: months in leadership roles and in the current role, with their citations."""
        e = self.mapping(value, where, ELIGIBILITY_KEYS, required={"citations"})
        if e is None:
            return None
        months = {key: self.months(e[key], f"{where}.{key}") for key in ELIGIBILITY_MONTHS if key in e}
        if not any(key in e for key in ELIGIBILITY_MONTHS):
            self.fail(where, f"needs {' or '.join(ELIGIBILITY_MONTHS)}")
        citations = self.citations(e["citations"], f"{where}.citations", source_files) if "citations" in e else ()
        return Eligibility(citations=citations, **months)

    def months(self, value, where: str) -> int | None:
        return self.number(value, where, minimum=0, maximum=MAX_MONTHS, integer=True)

    # -- readiness: groups, agreement, situations, relationships, wash-up ------------------------------------------

    def evidence_rules(self, r: dict, where: str, weights: dict, competency_ids: list[str],
                       exercises: tuple[Exercise, ...]) -> dict:
        """The 2026.12.4 keys of ``readiness`` as ``ReadinessRules`` arguments (absent: the defaults, off)."""
        given = {}
        judged = self.group_competencies(r.get("group_competencies"), f"{where}.group_competencies",
                                         competency_ids)
        if judged is not None:
            given["group_competencies"] = judged
        can_judge = dict(judged or {})
        if exercises:  # a rubric without exercises has no assessors to restrict
            can_judge["assessor"] = tuple({cid for ex in exercises for cid in ex.shows})
        if "competency_group_weights" in r:
            given["competency_group_weights"] = self.competency_group_weights(
                r["competency_group_weights"], f"{where}.competency_group_weights", weights, competency_ids,
                can_judge)
        if "anonymity_thresholds" in r:
            given["anonymity_thresholds"] = self.anonymity_thresholds(r["anonymity_thresholds"],
                                                                      f"{where}.anonymity_thresholds")
        if "agreement" in r:
            given["agreement"] = self.agreement_rules(r["agreement"], f"{where}.agreement")
        if "situations" in r:
            s = self.mapping(r["situations"], f"{where}.situations", SITUATION_KEYS) or {}
            if "required_at_requirement" in s:
                given["situations_required_at_requirement"] = self.flag(
                    s["required_at_requirement"], f"{where}.situations.required_at_requirement")
        if "rater_relationship" in r:
            given["rater_relationship"] = self.rater_relationship(r["rater_relationship"],
                                                                  f"{where}.rater_relationship")
        if "wash_up" in r:
            w = self.mapping(r["wash_up"], f"{where}.wash_up", WASH_UP_KEYS) or {}
            if "resolve_apart" in w:
                given["wash_up_resolve_apart"] = self.number(w["resolve_apart"], f"{where}.wash_up.resolve_apart",
                                                             minimum=1, maximum=4, integer=True)
        return {k: v for k, v in given.items() if v is not None}

    def group_competencies(self, value, where: str, competency_ids: list[str]) -> dict | None:
        if value is None:
            return None
        value = self.refuse_key(value, where, "assessor", "assessors judge what the exercises show (exercises[].shows)")
        groups = self.mapping(value, where, LISTED_GROUPS, required=set())
        if groups is None:
            return None
        result = {}
        for group in sorted(LISTED_GROUPS & set(groups)):
            gwhere = f"{where}.{group}"
            ids = self.sequence(groups[group], gwhere)
            for j, cid in enumerate(ids):
                if cid not in competency_ids:
                    self.fail(f"{gwhere}[{j}]", f"{cid!r} is not a competency id")
                elif ids.index(cid) != j:
                    self.fail(f"{gwhere}[{j}]", f"{cid!r} is listed twice")
            result[group] = tuple(cid for cid in competency_ids if cid in ids)
        return result

    def refuse_key(self, value, where: str, key: str, problem: str):
        """``value`` without ``key``, which is reported with why it does not belong here."""
        if isinstance(value, dict) and key in value:
            self.fail(f"{where}.{key}", problem)
            return {k: v for k, v in value.items() if k != key}
        return value

    def competency_group_weights(self, value, where: str, weights: dict, competency_ids: list[str],
                                 can_judge: dict) -> dict:
        """Per competency, every group of ``rater_group_weights`` with its weight there (so that an override
        never leaves a group's weight to guess)."""
        if not isinstance(value, dict) or not value:
            self.fail(where, "must be a non-empty mapping of competency ids to {group: weight}")
            return {}
        result = {}
        for cid, row in value.items():
            cwhere = f"{where}.{cid}"
            if cid not in competency_ids:
                self.fail(cwhere, "unknown competency id")
                continue
            if self.mapping(row, cwhere, WEIGHTED_GROUPS, required=set(weights)) is None:
                continue
            for group in sorted(set(row) & WEIGHTED_GROUPS):
                if group not in weights:
                    self.fail(f"{cwhere}.{group}", "not a group of rater_group_weights")
                elif group in can_judge and cid not in can_judge[group]:
                    self.fail(f"{cwhere}.{group}", f"{group} does not judge {cid} (group_competencies, "
                                                   "exercises[].shows)")
            result[cid] = {group: self.number(row[group], f"{cwhere}.{group}", positive=True)
                           for group in GROUP_ORDER if group in row}
        return result

    def anonymity_thresholds(self, value, where: str) -> dict:
        value = self.refuse_key(value, where, "peer", "peers keep readiness.peer_anonymity_threshold")
        t = self.mapping(value, where, THRESHOLD_GROUPS, required=set())
        if t is None:
            return {}
        return {group: self.number(t[group], f"{where}.{group}", minimum=2, maximum=100, integer=True)
                for group in sorted(THRESHOLD_GROUPS & set(t))}

    def agreement_rules(self, value, where: str) -> AgreementRules | None:
        a = self.mapping(value, where, AGREEMENT_KEYS)
        if a is None:
            return None
        limits = {"min_raters": dict(minimum=2, maximum=100, integer=True), "agree": dict(minimum=0, maximum=1),
                  "moderate": dict(minimum=0, maximum=1)}
        given = {key: self.number(a[key], f"{where}.{key}", **limits[key]) for key in limits if key in a}
        if None in given.values() or len(given) < len(limits):
            return None  # reported
        if given["moderate"] > given["agree"]:
            self.fail(f"{where}.moderate", f"{given['moderate']} is above agree ({given['agree']})")
        return AgreementRules(**given)

    def rater_relationship(self, value, where: str) -> RaterRelationshipRules | None:
        r = self.mapping(value, where, RELATIONSHIP_KEYS)
        if r is None:
            return None
        months = self.months(r["min_months"], f"{where}.min_months") if "min_months" in r else None
        short = r.get("short_acquaintance")
        if "short_acquaintance" in r and short not in (SHORT_FLAG, SHORT_LEAVE_OUT):
            self.fail(f"{where}.short_acquaintance", f"must be {SHORT_FLAG} or {SHORT_LEAVE_OUT}, not {short!r}")
            return None
        return RaterRelationshipRules(months, short) if months is not None and short else None
