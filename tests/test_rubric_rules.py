"""The rubric's written rules, held by machine (docs/rubric.md): anchors are behaviour, the scale names no role,
raters pick the best fit, and every profile follows one rule for its levels, critical flags and weights.

Each check also runs on the 2026.12.1 snapshot cycles pinned, to show it catches what it is meant to catch.
"""

import json
import re
from pathlib import Path

import pytest

from rubrics import framework_from_snapshot, load_framework
from rubrics.readiness import RaterSheet, assess_readiness

SNAPSHOT_2026_12_1 = Path(__file__).parent / "data" / "rubric_2026_12_1_snapshot.json"

#: Traits, knowledge and outcomes, which a rater cannot see someone do ("knows", "keeps their trust", "secures
#: service quality", "so that operations run smoothly"), and level-5 demands that only years in the role or a
#: multinational firm could meet.
NOT_BEHAVIOUR = {
    "en": re.compile(r"\b(knows?|knowing|knowledge|understands|is aware|aware of|familiar with|trust|secures?|"
                     r"ensures?|guarantees?|smoothly|stays in use|keeps the gains|over years|for years|"
                     r"multinational|across countries)\b", re.I),
    "de": re.compile(r"\b(kennt|weiß|versteht|bewusst|vertraut mit|Vertrauen|sichert|gewährleistet|reibungslos|"
                     r"über Jahre|länderübergreifend\w*)\b", re.I),
}

#: Behaviours that belong to one competency: no other competency's anchor may count them (at any level).
OWNED_BEHAVIOURS = {
    r"service (level|standard)s?": "service_quality",
    r"escalated (customer|issues|cases)": "service_quality",
    r"interdisciplinary project teams|steers the (\w+ )*teams": "planning_and_organising",
    r"risks and opportunities": "risk_and_compliance",
    r"continuous (process )?improvement": "process_optimisation",
    r"department (goals|kpis)": "performance_metrics",
    r"\bfinances\b|\bbudgets?\b": "budget_authority",
    r"neighbouring departments|other departments": "cross_functional_collaboration",
    r"ceo's goals": "cross_functional_collaboration",
}

#: A sentence states a requirement of the person in words of obligation ...
OBLIGATION = re.compile(r"\b(must|needs|muss)\b|wesentliche Anforderung", re.I)
#: ... unless the obligation itself is hedged ("may need", "should").
HEDGED_OBLIGATION = re.compile(r"\b(may|might|usually|often|typically|generally|more likely)\s+(\w+\s+)?"
                               r"(must|needs?)\b", re.I)


@pytest.fixture(scope="module")
def fw():
    return load_framework()


@pytest.fixture(scope="module")
def old():
    return framework_from_snapshot(json.loads(SNAPSHOT_2026_12_1.read_text(encoding="utf-8")))


def not_behaviour(framework) -> list[tuple]:
    found = []
    for language in ("en", "de"):
        for comp in framework.in_language(language).competencies:
            for level, anchor in enumerate(comp.anchors, 1):
                found += [(language, comp.id, level, m.group(0)) for m in NOT_BEHAVIOUR[language].finditer(anchor)]
    return found


def counted_twice(framework) -> list[tuple]:
    found = []
    for comp in framework.competencies:
        for level, anchor in enumerate(comp.anchors, 1):
            found += [(comp.id, level, owner) for pattern, owner in OWNED_BEHAVIOURS.items()
                      if owner != comp.id and re.search(pattern, anchor, re.I)]
    return found


def role_level(framework, role) -> int:
    """The scope level a role works at: 3 for the ladder's first rung, one more per rung."""
    return 3 + [r.id for r in framework.ladder].index(role.id)


def is_obligation(quote: str) -> bool:
    return bool(OBLIGATION.search(quote)) and not HEDGED_OBLIGATION.search(quote)


def ladder_jumps(framework) -> list[tuple]:
    """Critical requirements more than one level above the role below's on the same competency."""
    jumps = []
    for below, role in zip(framework.ladder, framework.ladder[1:]):
        for req in role.requirements:
            lower = below.requirement(req.competency_id).required
            if req.is_critical and req.required > lower + 1:
                jumps.append((role.id, req.competency_id, lower, req.required))
    return jumps


# -- anchors --------------------------------------------------------------------------------------------------

def test_anchors_describe_behaviour_not_traits_knowledge_or_outcomes(fw, old):
    """No anchor, English or German, says "knows", "keeps their trust", "secures", "over years" and the like."""
    assert not_behaviour(fw) == []
    assert len(not_behaviour(old)) >= 10  # what 2026.12.1 said, caught


def test_the_check_knows_its_words():
    assert NOT_BEHAVIOUR["en"].search("Knows the procedures of own tasks")
    assert NOT_BEHAVIOUR["en"].search("keeps their trust in difficult conversations")
    assert NOT_BEHAVIOUR["de"].search("Kennt die Prozesse im Bereich des eigenen Teams")
    assert NOT_BEHAVIOUR["de"].search("Die Person weiß, was Kunden brauchen")
    assert not NOT_BEHAVIOUR["en"].search("Explains the processes of own team's area when colleagues ask")
    assert not NOT_BEHAVIOUR["de"].search("erklärt operative Themen so, dass andere Funktionen sie verstehen")


def test_no_behaviour_is_counted_under_two_competencies(fw, old):
    """Service standards, escalated customer issues, steering project teams, risks and opportunities, budgets ...
    each belong to one competency's anchors only."""
    assert counted_twice(fw) == []
    assert len(counted_twice(old)) >= 5


def test_level_5_asks_for_no_tenure_and_no_multinational_firm(fw):
    for comp in fw.competencies:
        assert not re.search(r"years|multinational|across countries|international locations", comp.anchor(5)), comp.id


# -- the scale ------------------------------------------------------------------------------------------------

def test_scale_describes_scope_and_names_no_role(fw, old):
    """No scale label or summary names a role, in either language ("what a Head of Operations shows")."""
    titles = re.compile(r"Operations Manager|Head of Operations|COO|Chief Operating Officer")

    def named(framework):
        return [(lang, lv.level) for lang in ("en", "de") for lv in framework.in_language(lang).scale.levels
                if titles.search(lv.label) or titles.search(lv.summary)]
    assert named(fw) == []
    assert len(named(old)) == 6


def test_best_fit_rule_is_part_of_the_scale_in_both_languages(fw, old):
    en, de = fw.scale.best_fit, fw.in_language("de").scale.best_fit
    assert all(word in en for word in ("highest level", "repeatedly", "most of them, not necessarily all"))
    assert all(word in de for word in ("höchste Stufe", "wiederholt", "die meisten davon, nicht zwingend alle"))
    assert old.scale.best_fit == ""  # a pinned rubric without the rule shows none


# -- the profiles ---------------------------------------------------------------------------------------------

def test_required_level_is_the_roles_scope_where_a_source_describes_the_role_and_one_less_elsewhere(fw):
    for role in fw.ladder:
        own = role_level(fw, role)
        for req in role.requirements:
            described = bool(fw.competency(req.competency_id).anchor_citations(own))
            assert req.required == (own if described else own - 1), (role.id, req.competency_id)


def test_critical_follows_the_one_written_rule_for_every_role(fw):
    """Critical where a quote at the role's level states an unhedged obligation, unless the ladder rule forbids."""
    for below, role in zip((None,) + fw.ladder, fw.ladder):
        for req in role.requirements:
            quotes = [c.quote for c in fw.competency(req.competency_id).anchor_citations(role_level(fw, role))]
            obliged = any(is_obligation(q) for q in quotes)
            within = below is None or req.required <= below.requirement(req.competency_id).required + 1
            assert req.is_critical == (obliged and within), (role.id, req.competency_id, quotes)
            if req.is_critical:
                assert req.weight in (1.5, 2.0), (role.id, req.competency_id)
            elif obliged:
                assert req.weight == 1.5, (role.id, req.competency_id)  # kept from critical by the ladder rule
            else:
                assert req.weight == (1.0 if quotes else 0.5), (role.id, req.competency_id)


def test_hedged_and_obliging_sentences_are_told_apart():
    assert is_obligation("The Head of Operations must also have strong communication and interpersonal skills, "
                         "as they are often the face of the organization to customers, vendors, and other stakeholders.")
    assert is_obligation("Eine ausgeprägte analytische Kompetenz, hohe Kommunikationsfähigkeit und tiefes "
                         "Prozessverständnis sind daher wesentliche Anforderungen an die Position.")
    assert not is_obligation("The Head of Operations is more likely to interact with external stakeholders, such as "
                             "investors, board members, and key clients, representing the operational aspects of the company.")
    assert not is_obligation("Operations Managers usually have the authority to make decisions within their area of "
                             "responsibility but may need approval for larger, more impactful decisions.")
    assert not is_obligation("The Head of Operations is usually responsible for a much larger budget.")


def test_no_critical_requirement_jumps_more_than_one_level_up_the_ladder(fw, old):
    """A fully competent holder of the role below is never two levels short on a critical competency."""
    assert ladder_jumps(fw) == []
    # 2026.12.1 had two: the Operations Manager asked 2 on strategic planning, which its level-3 anchor quotes 001
    # describing, and the COO's critical risk and compliance jumped from 3 to 5.
    assert ladder_jumps(old) == [("head_of_operations", "strategic_planning", 2, 4), ("coo", "risk_and_compliance", 3, 5)]


def test_coo_profile_asks_what_000_and_002_say_of_the_coo(fw):
    """Level 5 wherever the sources describe the COO; 002's three "wesentliche Anforderungen" and people
    leadership are critical."""
    coo = fw.role("coo")
    assert [r.competency_id for r in coo.requirements if r.required < 5] == ["crisis_management"]
    for cid in ("decision_making", "communication", "operational_expertise", "people_leadership"):
        assert coo.requirement(cid).is_critical and coo.requirement(cid).required == 5, cid
    essentials = "Eine ausgeprägte analytische Kompetenz, hohe Kommunikationsfähigkeit und tiefes Prozessverständnis"
    for cid in ("decision_making", "communication", "operational_expertise"):
        assert any(c.quote.startswith(essentials) for c in fw.competency(cid).anchor_citations(5)), cid


def test_target_roles_have_critical_competencies_and_the_first_rung_none(fw):
    """The Operations Manager, whom 001 describes in hedged words only, has no critical competency; no role leads
    to it, so no verdict is ever given against its profile."""
    assert not any(r.is_critical for r in fw.role("operations_manager").requirements)
    assert "operations_manager" not in {r.next_role for r in fw.roles}
    for role in fw.ladder[1:]:
        assert sum(r.is_critical for r in role.requirements) >= 3, role.id


# -- the two cases of issue 17 that are the rubric's -----------------------------------------------------------

def sheets_at(levels: dict) -> list[RaterSheet]:
    """Two managers and three peers who agree, each level with a line of evidence."""
    comments = {cid: f"Seen in the last two quarters: {cid} at level {lv}." for cid, lv in levels.items()}
    return [RaterSheet(key, group, dict(levels), comments)
            for key, group in (("m1", "manager"), ("m2", "manager"), ("p1", "peer"), ("p2", "peer"), ("p3", "peer"))]


def band_index(result, band_id: str) -> int:
    return [b for b, _ in result.band_order].index(band_id)


def test_coo_candidate_leading_and_communicating_at_department_scope_is_not_ready_now(fw):
    """Everything at the COO's requirement but people leadership and communication at level 3 (an Operations
    Manager's): 2026.12.1 gave Ready now; both are critical now (002: "wesentliche Anforderung", "muss ...
    Mitarbeiterführung ... meistern"), and two levels short on them is Not yet ready."""
    coo = fw.role("coo")
    levels = {r.competency_id: r.required for r in coo.requirements} | {"people_leadership": 3, "communication": 3}
    result = assess_readiness(fw, "coo", sheets_at(levels))
    assert result.verdict_rank > band_index(result, "ready_now")
    assert result.band_id == "not_yet_ready" or result.provisional_band_id == "not_yet_ready"
    assert {"people_leadership", "communication"} <= {s.competency_id for s in result.holding_back}


def test_head_of_operations_at_every_requirement_reaches_the_middle_band_for_coo(fw):
    """A Head of Operations rated exactly at every Head of Operations requirement: 2026.12.1 said Not yet ready
    for COO (critical risk and compliance, 3 -> 5); now at least Ready after development, and not Ready now."""
    hoo = fw.role("head_of_operations")
    result = assess_readiness(fw, "coo", sheets_at({r.competency_id: r.required for r in hoo.requirements}))
    assert result.is_sufficient
    assert band_index(result, "ready_now") < result.verdict_rank <= band_index(result, "ready_1_2_years")


def test_both_cases_gave_the_old_verdicts_on_2026_12_1(old):
    """The same sheets on the pinned 2026.12.1 rubric: Ready now, and Not yet ready (what issue 17 measured)."""
    coo = old.role("coo")
    levels = {r.competency_id: r.required for r in coo.requirements} | {"people_leadership": 3, "communication": 3}
    assert assess_readiness(old, "coo", sheets_at(levels)).band_id == "ready_now"
    hoo = old.role("head_of_operations")
    result = assess_readiness(old, "coo", sheets_at({r.competency_id: r.required for r in hoo.requirements}))
    assert result.band_id == "not_yet_ready"
