"""The shipped rubric's content: anchors a rater can apply, citations that fit, the sources covered, profiles."""

import re

import pytest

from rubrics import default_sources_dir, load_framework

SOURCES = default_sources_dir()
needs_sources = pytest.mark.skipif(SOURCES is None, reason="source documents (../shared/seeds) not present")

#: Wording that grants a power a person below the role cannot hold, rather than describing what they do.
POWER_WORDS = re.compile(
    r"\b(owns|owning|oversees|overseeing|authority|responsible for|in charge|reporting (in|to)|directs?|approves|"
    r"decision rights|holds \w+( \w+)? to account)\b", re.I)


#: The same in German: powers ("verantwortet", "Befugnis", "zuständig für", "unterstellt", "genehmigt").
POWER_WORDS_DE = re.compile(r"\b(verantworte\w*|\w*befugnis\w*|zuständig\w*|unterstellt\w*|genehmigt|leitet \w+ an|"
                            r"weisungsbefugt)\b", re.I)


@pytest.fixture(scope="module")
def fw():
    return load_framework()


def source_text(file: str) -> str:
    return " ".join((SOURCES / file).read_text(encoding="utf-8").split())


def placed_citations(fw):
    """(competency id, level or None for the competency, citation) for every quote of the rubric."""
    for comp in fw.competencies:
        yield from ((comp.id, None, c) for c in comp.citations)
        for level in (1, 2, 3, 4, 5):
            yield from ((comp.id, level, c) for c in comp.anchor_citations(level))


def test_power_words_are_caught():
    """The check below catches the wording it is meant to catch, and passes behaviour."""
    assert POWER_WORDS.search("Owns the operational budget across several departments")
    assert POWER_WORDS.search("Has the authority to make high-level decisions")
    assert POWER_WORDS.search("Oversees risk and compliance across the operations division")
    assert POWER_WORDS.search("holds Operations Managers to account")
    assert not POWER_WORDS.search("When given a division-wide budget to plan, allocates it between departments")
    assert POWER_WORDS_DE.search("Verantwortet das operative Budget mehrerer Abteilungen")
    assert POWER_WORDS_DE.search("Hat die Entscheidungsbefugnis für den gesamten Bereich")
    assert not POWER_WORDS_DE.search("Wenn die Person ein Budget über mehrere Abteilungen planen soll, verteilt sie es")


def test_level_4_and_5_anchors_describe_behaviour_in_the_current_role(fw):
    """Every level 4 and 5 anchor starts from a situation ("When ...") and grants no power the person lacks."""
    for comp in fw.competencies:
        for level in (4, 5):
            anchor = comp.anchor(level)
            assert anchor.startswith("When "), (comp.id, level, anchor)
            assert not POWER_WORDS.search(anchor), (comp.id, level, POWER_WORDS.search(anchor).group(0))


def test_german_level_4_and_5_anchors_start_from_the_situation_too(fw):
    """In German every level 4 and 5 anchor starts with "Wenn ..." and grants no power either."""
    for comp in fw.in_language("de").competencies:
        for level in (4, 5):
            anchor = comp.anchor(level)
            assert anchor.startswith("Wenn "), (comp.id, level, anchor)
            assert not POWER_WORDS_DE.search(anchor), (comp.id, level, POWER_WORDS_DE.search(anchor).group(0))


def test_german_text_is_written_not_copied(fw):
    """No German competency text is the English one left in place (role titles stay English by design)."""
    for de, en in zip(fw.in_language("de").competencies, fw.competencies):
        assert de.name != en.name and de.definition != en.definition, de.id
        assert all(d != e for d, e in zip(de.anchors, en.anchors)), de.id
    de = fw.in_language("de")
    assert all(d.label != e.label and d.summary != e.summary for d, e in zip(de.scale.levels, fw.scale.levels))
    assert de.name != fw.name and de.scale.not_observed_summary != fw.scale.not_observed_summary


@needs_sources
def test_every_quote_is_a_whole_sentence(fw):
    """No quote is a fragment: each starts where a sentence of its source starts and ends with the sentence."""
    for comp_id, level, cite in placed_citations(fw):
        text = source_text(cite.source)
        at = text.index(cite.quote)
        before = text[:at].rstrip()
        assert cite.quote[0].isupper() and (not before or before[-1] in ".?!:"), (comp_id, level, cite.quote)
        assert cite.quote[-1] in ".?!", (comp_id, level, cite.quote)


@needs_sources
def test_what_the_source_says_both_roles_share_separates_no_levels(fw):
    """Sentences 000 says hold for both roles ("Both roles", "either position" paragraph) sit on the competency."""
    raw = (SOURCES / "000_beec6685ed34dcfb.txt").read_text(encoding="utf-8")
    either = next(par for par in raw.split("\n") if par.startswith("In order to be successful in either position"))
    shared = {s for s in re.split(r"(?<=\.) ", " ".join(either.split()))}
    shared |= {s for s in re.split(r"(?<=\.) ", source_text("000_beec6685ed34dcfb.txt")) if "Both roles" in s}
    assert len(shared) >= 5
    used = set()
    for comp_id, level, cite in placed_citations(fw):
        if cite.quote in shared:
            assert level is None, (comp_id, level, cite.quote)
            used.add(cite.quote)
    assert used, "the shared requirements (communication, being organised, keeping up) are cited"


@needs_sources
def test_level_quotes_speak_of_the_role_their_level_stands_for(fw):
    """An English quote under level 3 is about Operations Managers, under 4 the Head of Operations, under 5 the COO."""
    role_words = {3: "Operations Manager", 4: "Head of Operations", 5: "COO"}
    for comp_id, level, cite in placed_citations(fw):
        if level is None or cite.source.startswith("002"):
            continue  # the German text speaks of the COO throughout, by name or as "er"
        text = source_text(cite.source)
        at = text.index(cite.quote)
        # "They" / "This" refer back to the paragraph: look at it, up to the quote.
        paragraph = text[max(0, at - 700):at + len(cite.quote)]
        about = cite.quote if any(w in cite.quote for w in role_words.values()) else paragraph
        assert role_words[level].lower() in about.lower(), (comp_id, level, cite.quote)


def test_the_sources_requirements_are_covered(fw):
    """Communication, customer service / service quality and planning-organising are competencies, with quotes."""
    quotes = {c.id: " ".join(x.quote for x in c.all_citations) for c in fw.competencies}
    assert "hohe Kommunikationsfähigkeit" in quotes["communication"]
    assert "communication and interpersonal skills" in quotes["communication"]
    assert "Sicherung der Servicequalität" in quotes["service_quality"]
    assert "strategies for cost reduction, efficiency improvement, and customer service" in quotes["service_quality"]
    assert "the ability to plan, organize, and coordinate tasks" in quotes["planning_and_organising"]
    assert "highly organized" in quotes["planning_and_organising"]


def test_head_of_operations_profile_centres_on_leading_operations_managers(fw):
    """For a Head of Operations, people leadership is critical and carries the highest weight."""
    hoo = fw.role("head_of_operations")
    people = hoo.requirement("people_leadership")
    assert people.is_critical and people.required == 4
    assert people.weight == max(r.weight for r in hoo.requirements)


def test_coo_profile_centres_on_strategy_and_the_executive_team(fw):
    """For a COO, strategic planning and cross-functional (executive team) work are critical at the top weight;
    level 5 is asked wherever 000 or 002 describes the COO (tests/test_rubric_rules.py holds the rule)."""
    coo = fw.role("coo")
    top = max(r.weight for r in coo.requirements)
    for cid in ("strategic_planning", "cross_functional_collaboration"):
        assert coo.requirement(cid).is_critical and coo.requirement(cid).weight == top, cid
    assert sorted(r.competency_id for r in coo.requirements if r.weight == top) == [
        "cross_functional_collaboration", "strategic_planning"]
