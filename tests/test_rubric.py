"""The competency framework: the shipped file is valid and traceable, and bad files fail precisely."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.app import main as opsladder
from rubrics import DEFAULT_RUBRIC, NOT_OBSERVED, RubricError, default_sources_dir, load_framework
from rubrics.loader import parse_framework

SOURCES = default_sources_dir()
needs_sources = pytest.mark.skipif(SOURCES is None, reason="source documents (../shared/seeds) not present")
BRIEF_COMPETENCIES = {"strategic_planning", "cross_functional_collaboration", "crisis_management", "budget_authority"}


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_RUBRIC.read_text(encoding="utf-8"))


def problems_of(data, tmp_path=None, sources=None) -> list[str]:
    with pytest.raises(RubricError) as info:
        parse_framework(data, origin="framework.yaml", sources_dir=sources)
    return info.value.problems


def test_shipped_framework_is_valid_and_complete():
    """The shipped rubric loads, has 10+ competencies with five anchors each, and the brief's four."""
    fw = load_framework()
    assert len(fw.competencies) >= 10
    assert BRIEF_COMPETENCIES <= {c.id for c in fw.competencies}
    assert [r.id for r in fw.ladder] == ["operations_manager", "head_of_operations", "coo"]
    for comp in fw.competencies:
        assert len(comp.anchors) == 5 and all(len(a.split()) >= 8 for a in comp.anchors), comp.id
        assert comp.all_citations, comp.id
    for role in fw.roles:
        assert {r.competency_id for r in role.requirements} == {c.id for c in fw.competencies}
    # Every role a candidate can be assessed for has a critical competency (the first rung is never a target).
    for role in fw.ladder[1:]:
        assert any(r.is_critical for r in role.requirements), role.id


@needs_sources
def test_every_shipped_citation_is_found_word_for_word():
    """Every quote of the shipped rubric occurs verbatim in its source document."""
    fw = load_framework(sources_dir=SOURCES)
    for comp in fw.competencies:
        for cite in comp.all_citations:
            text = " ".join((SOURCES / cite.source).read_text(encoding="utf-8").split())
            assert cite.quote in text, (comp.id, cite.quote)
    assert {c.source for comp in fw.competencies for c in comp.all_citations} == {s.file for s in fw.sources}


def test_roles_require_more_up_the_ladder():
    """No competency requires less of a higher role than of the one below it."""
    fw = load_framework()
    om, hoo, coo = fw.ladder
    for comp in fw.competencies:
        assert om.requirement(comp.id).required <= hoo.requirement(comp.id).required <= coo.requirement(comp.id).required


def test_content_hash_is_stable_and_changes_with_content():
    """The hash is the same for the same content and differs after any edit."""
    data = shipped()
    a, b = parse_framework(data), parse_framework(shipped())
    assert a.content_hash == b.content_hash
    data["competencies"][0]["levels"][1]["en"] += " Changed."
    assert parse_framework(data).content_hash != a.content_hash


def test_misspelt_key_is_named_with_its_path():
    """A misspelt key is reported as unknown, and the right key as missing, at its place."""
    data = shipped()
    comp = data["competencies"][2]
    comp["defintion"] = comp.pop("definition")
    problems = problems_of(data)
    assert f"framework.yaml: competencies[{comp['id']}].defintion: unknown key" in "\n".join(problems)
    assert f"framework.yaml: competencies[{comp['id']}].definition: missing" in problems


def test_missing_level_is_reported():
    """A competency with four levels fails, naming the competency and the missing level."""
    data = shipped()
    comp = data["competencies"][0]
    del comp["levels"][4]
    problems = problems_of(data)
    assert problems == [f"framework.yaml: competencies[{comp['id']}].levels: must have exactly 5 levels; "
                        "missing level(s) 4"]


def test_level_outside_scale_and_bad_weight_are_reported():
    """A sixth level, a required level of 7 and a zero weight are each reported at their place."""
    data = shipped()
    comp_id = data["competencies"][1]["id"]
    data["competencies"][1]["levels"][6] = "Beyond the scale."
    data["roles"][0]["requirements"][comp_id]["required"] = 7
    data["roles"][1]["requirements"][comp_id]["weight"] = 0
    text = "\n".join(problems_of(data))
    assert f"competencies[{comp_id}].levels.6: level 6 is outside the scale 1..5" in text
    assert f"roles[{data['roles'][0]['id']}].requirements.{comp_id}.required: level 7 is outside the scale" in text
    assert f"roles[{data['roles'][1]['id']}].requirements.{comp_id}.weight: must be greater than 0" in text


def test_profile_missing_a_competency_is_reported():
    """A role profile that leaves out a competency fails, naming the role and the competency."""
    data = shipped()
    del data["roles"][2]["requirements"]["crisis_management"]
    assert problems_of(data) == [
        f"framework.yaml: roles[{data['roles'][2]['id']}].requirements.crisis_management: "
        "missing: every role profile must give every competency"
    ]


def test_duplicate_competency_id_is_reported():
    """Two competencies with one id fail."""
    data = shipped()
    data["competencies"][1]["id"] = data["competencies"][0]["id"]
    assert any("duplicate competency id" in p for p in problems_of(data))


@needs_sources
def test_quote_not_in_document_is_reported():
    """A citation whose quote is not in its document fails, naming the citation."""
    data = shipped()
    comp = next(c for c in data["competencies"] if c.get("citations"))
    comp["citations"][0]["quote"] = "Operations leaders should juggle flaming torches"
    problems = problems_of(data, sources=SOURCES)
    assert len(problems) == 1
    assert problems[0].startswith(f"framework.yaml: competencies[{comp['id']}].citations[0].quote: "
                                  f"not found word for word in {comp['citations'][0]['source']}")


def test_citation_of_an_undeclared_source_is_reported():
    """A citation must name one of the declared sources."""
    data = shipped()
    next(c for c in data["competencies"] if c.get("citations"))["citations"][0]["source"] = "999_unknown.txt"
    assert any("'999_unknown.txt' is not one of the declared sources" in p for p in problems_of(data))


def test_every_problem_is_reported_at_once():
    """Several problems in one file are all reported, not just the first."""
    data = shipped()
    data["name"] = ""
    data["readiness"]["bands"][-1]["min_weighted_attainment"] = 0.5
    data["scale"]["levels"] = data["scale"]["levels"][:4]
    assert len(problems_of(data)) >= 3


def test_invalid_yaml_names_file_and_line(tmp_path):
    """A file that is not YAML fails with its name and the line."""
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\ncompetencies: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_framework(bad)
    assert info.value.problems[0].startswith(f"{bad}: line ")
    assert "not valid YAML" in info.value.problems[0]


def test_app_refuses_to_start_on_an_invalid_rubric(tmp_path):
    """create_app raises with the file, the key path and the problem."""
    from assessment import create_app

    data = shipped()
    data["competencies"][0]["levles"] = data["competencies"][0].pop("levels")
    bad = tmp_path / "framework.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        create_app({"RUBRIC_PATH": str(bad), "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "BASE_URL": "http://localhost/"})
    assert f"{bad}: competencies[{data['competencies'][0]['id']}].levles: unknown key" in str(info.value)


def test_rubric_check_command_summarises_or_fails(tmp_path):
    """`opsladder rubric check` prints the summary and hash, or every problem with a non-zero exit."""
    ok = CliRunner().invoke(opsladder, ["rubric", "check"])
    assert ok.exit_code == 0, ok.output
    assert load_framework().content_hash in ok.output and "strategic_planning" in ok.output
    assert "languages: en, de (the rubric's own: en)" in ok.output
    data = shipped()
    data["roles"][0]["requirements"]["budget_authority"]["weight"] = -1
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    failed = CliRunner().invoke(opsladder, ["rubric", "check", "--file", str(bad)])
    assert failed.exit_code == 1
    assert f"{bad}: roles[operations_manager].requirements.budget_authority.weight: must be greater than 0" in failed.output


def test_not_observed_is_its_own_value():
    """'Not observed' is a value of its own with its label, never a level on the scale."""
    fw = load_framework()
    assert NOT_OBSERVED not in (1, 2, 3, 4, 5)
    assert fw.scale.label(NOT_OBSERVED) == "Not observed"
    assert fw.readiness.needs_evidence(NOT_OBSERVED)


def test_rubrics_package_stays_free_of_flask_and_sqlalchemy():
    """Importing and loading the framework pulls in neither Flask nor SQLAlchemy."""
    code = ("import sys, rubrics, rubrics.sheet; rubrics.load_framework(); "
            "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- citations per level ---------------------------------------------------------------------------------------

OLD_SNAPSHOT = Path(__file__).parent / "data" / "rubric_2026_11_snapshot.json"
#: The content hash cycles opened with rubric 2026.11 pinned (text levels, citations on competencies only).
OLD_SNAPSHOT_HASH = "e1b77a5e96854f6b02d4b5544cfe3b1830ac0eca9733a15269fa024e9ed503c8"


def test_level_citations_load_with_their_anchor():
    """A level written as {anchor, citations} gives the anchor and its quotes; a text level gives no quotes."""
    data = shipped()
    data["competencies"][0]["levels"][2] = {
        "anchor": {"en": "Plans own team's work for the coming weeks against targets handed down.",
                   "de": "Plant die Arbeit des eigenen Teams für die nächsten Wochen nach vorgegebenen Zielen."},
        "citations": [{"source": "001_518a61860484d925.txt",
                       "quote": "They focus on executing strategies rather than creating them."}],
    }
    comp = parse_framework(data).competencies[0]
    assert comp.anchor(2) == "Plans own team's work for the coming weeks against targets handed down."
    assert [(c.source, c.quote) for c in comp.anchor_citations(2)] == [
        ("001_518a61860484d925.txt", "They focus on executing strategies rather than creating them.")]
    assert comp.anchor_citations(1) == ()
    assert comp.anchor_citations(2)[0] in comp.all_citations


@needs_sources
def test_level_quote_not_in_document_is_reported_with_its_level():
    """A level's quote that is not verbatim in its document fails, naming competency, level and citation."""
    data = shipped()
    comp = data["competencies"][0]
    comp["levels"][4]["citations"][0]["quote"] = "The Head of Operations sets the strategy alone."
    problems = problems_of(data, sources=SOURCES)
    assert problems == [f"framework.yaml: competencies[{comp['id']}].levels.4.citations[0].quote: not found word "
                        f"for word in 001_518a61860484d925.txt: 'The Head of Operations sets the strategy alone.'"]


def test_level_citation_without_quote_or_anchor_is_reported():
    """A level citation missing its quote, and a level mapping missing its anchor, are each reported at their place."""
    data = shipped()
    comp = data["competencies"][0]
    del comp["levels"][4]["citations"][0]["quote"]
    del comp["levels"][5]["anchor"]
    problems = problems_of(data)
    assert f"framework.yaml: competencies[{comp['id']}].levels.4.citations[0].quote: missing" in problems
    assert f"framework.yaml: competencies[{comp['id']}].levels.5.anchor: missing" in problems


def test_bad_level_keys_are_reported():
    """A level outside the scale carrying citations, and a misspelt key inside a level, fail at their place."""
    data = shipped()
    comp = data["competencies"][0]
    comp["levels"][6] = {"anchor": "Beyond the scale.", "citations": comp["levels"][5]["citations"]}
    comp["levels"][4]["citation"] = comp["levels"][4].pop("citations")
    text = "\n".join(problems_of(data))
    assert f"competencies[{comp['id']}].levels.6: level 6 is outside the scale 1..5" in text
    assert f"competencies[{comp['id']}].levels.4.citation: unknown key (expected one of: anchor, citations)" in text


def test_competency_without_any_citation_is_reported():
    """A competency needs a quote somewhere: on itself or on one of its levels."""
    data = shipped()
    comp = data["competencies"][0]
    comp.pop("citations", None)
    comp["levels"] = {k: v.get("anchor", v) for k, v in comp["levels"].items()}
    assert problems_of(data) == [f"framework.yaml: competencies[{comp['id']}].citations: missing: cite the "
                                 "competency or at least one of its levels"]


def test_old_snapshot_without_level_citations_still_loads_and_scores_the_same():
    """A cycle pinned on 2026.11 (citations on competencies only) loads with its hash; level quotes change no score."""
    import json

    from rubrics import framework_from_snapshot
    from rubrics.readiness import RaterSheet, assess_readiness

    data = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    old = framework_from_snapshot(data)
    assert old.content_hash == OLD_SNAPSHOT_HASH and old.version == "2026.11"
    assert len(old.competencies) == 12
    assert all(c.citations and not any(c.level_citations) for c in old.competencies)
    assert all(c.anchor_citations(lv) == () for c in old.competencies for lv in (1, 2, 3, 4, 5))
    # The same rubric with a quote moved under a level: a new hash, the same verdict on the same sheets.
    cited = json.loads(json.dumps(data))
    comp = cited["competencies"][0]
    comp["levels"]["3"] = {"anchor": comp["levels"]["3"], "citations": [comp["citations"][0]]}
    moved = framework_from_snapshot(cited)
    assert moved.content_hash != old.content_hash and moved.competencies[0].anchor(3) == old.competencies[0].anchor(3)
    ratings = {c.id: 4 for c in old.competencies} | {"budget_authority": 3}
    sheets = [RaterSheet("manager-1", "manager", ratings), RaterSheet("self-1", "self", {"budget_authority": 5})]
    for role in ("head_of_operations", "coo"):
        a, b = assess_readiness(old, role, sheets), assess_readiness(moved, role, sheets)
        assert (a.band_id, a.weighted_attainment, a.summary) == (b.band_id, b.weighted_attainment, b.summary)
        assert [c.decision_score for c in a.competencies] == [c.decision_score for c in b.competencies]
