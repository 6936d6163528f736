"""The rubric in several languages: every text in each, precise errors, one framework per language, old snapshots."""

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from rubrics import DEFAULT_RUBRIC, RubricError, framework_from_snapshot, language, load_framework
from rubrics.loader import parse_framework
from rubrics.loader_language import single_language
from rubrics.readiness import RaterSheet, assess_readiness

DATA = Path(__file__).parent / "data"
#: What cycles opened with rubric 2026.12 pinned: English only, texts as plain strings.
SNAPSHOT_2026_12 = DATA / "rubric_2026_12_snapshot.json"
SNAPSHOT_2026_12_HASH = "0bd5d5ee4dc36f104708f9d557f8f11b46ec859c60b9348e8a150c0bdb43f79c"
FIXTURE_2026_11 = Path(__file__).parent / "fixtures" / "framework_2026_11.yaml"
#: What cycles opened with rubric 2026.12.1 pinned: English and German.
SNAPSHOT_2026_12_1 = DATA / "rubric_2026_12_1_snapshot.json"
SNAPSHOT_2026_12_1_HASH = "0abfeb38e4700e9fcae323d35d0f256005c875ff7cb0efa8394a897241673dac"


def shipped() -> dict:
    return yaml.safe_load(DEFAULT_RUBRIC.read_text(encoding="utf-8"))


def problems_of(data) -> list[str]:
    with pytest.raises(RubricError) as info:
        parse_framework(data, origin="framework.yaml")
    return info.value.problems


def text_fields(fw) -> dict:
    """Every field of the framework except what differs by construction (hash, data, languages)."""
    skip = {"content_hash", "data", "languages", "language"}
    return {f.name: getattr(fw, f.name) for f in dataclasses.fields(fw) if f.name not in skip}


@pytest.fixture(scope="module")
def fw():
    return load_framework()


def test_shipped_rubric_names_english_and_german(fw):
    assert fw.languages == ("en", "de") and fw.language == "en"
    assert fw.in_language("de").language == "de"


def test_missing_languages_are_all_reported_with_key_path_and_language():
    """Each text without a language is named with its key path and the language, all in one pass."""
    data = shipped()
    del data["competencies"][0]["levels"][4]["anchor"]["de"]
    del data["competencies"][0]["levels"][1]["de"]
    del data["competencies"][2]["name"]["de"]
    del data["roles"][1]["summary"]["en"]
    del data["readiness"]["bands"][0]["label"]["de"]
    del data["readiness"]["panel_review"]["label"]["de"]
    data["scale"]["not_observed"]["label"] = "Not observed"
    assert problems_of(data) == [
        "framework.yaml: scale.not_observed.label: must give its text in each of the rubric's languages (en, de) "
        "as {en: ..., de: ...}, not a text",
        'framework.yaml: competencies[strategic_planning].levels.1: no "de" text',
        'framework.yaml: competencies[strategic_planning].levels.4.anchor: no "de" text',
        'framework.yaml: competencies[crisis_management].name: no "de" text',
        'framework.yaml: roles[head_of_operations].summary: no "en" text',
        'framework.yaml: readiness.bands[0].label: no "de" text',
        'framework.yaml: readiness.panel_review.label: no "de" text',
    ]


def test_unknown_language_key_and_empty_text_are_refused():
    """A text in a language the rubric does not name is refused, as is an empty text in one it does."""
    data = shipped()
    data["competencies"][1]["definition"]["fr"] = "Travailler avec les autres fonctions."
    data["competencies"][1]["levels"][5]["anchor"]["de"] = "  "
    data["readiness"]["insufficient_evidence_label"]["En"] = "Insufficient evidence"
    assert problems_of(data) == [
        "framework.yaml: competencies[cross_functional_collaboration].levels.5.anchor.de: must be a non-empty text",
        "framework.yaml: competencies[cross_functional_collaboration].definition.fr: unknown language (the "
        "rubric's languages are en, de)",
        "framework.yaml: readiness.insufficient_evidence_label.En: unknown language (the rubric's languages are en, "
        "de)",
    ]


def test_bad_languages_list_is_reported():
    data = shipped()
    data["languages"] = ["en", "en", "German"]
    text = "\n".join(problems_of(data))
    assert "framework.yaml: languages[1]: 'en' is listed twice" in text
    assert "framework.yaml: languages[2]: 'German' is not a language code" in text


def test_old_english_only_snapshots_load_unchanged_in_every_language():
    """2026.11 and 2026.12 snapshots (no ``languages``) keep their hash, and give English whatever is asked."""
    old = load_framework(FIXTURE_2026_11)
    assert old.languages == ("en",) and old.version == "2026.11"
    assert old.in_language("de") is old and old.in_language("en") is old
    data = json.loads(SNAPSHOT_2026_12.read_text(encoding="utf-8"))
    pinned = framework_from_snapshot(data)
    assert pinned.content_hash == SNAPSHOT_2026_12_HASH and pinned.version == "2026.12"
    assert pinned.in_language("de") is pinned
    assert pinned.competency("strategic_planning").name == "Strategic planning"
    assert pinned.readiness.bands[0].label == "Ready now"


def test_2026_12_1_in_english_is_the_2026_12_rubric_field_by_field():
    """The bilingual 2026.12.1 rubric, as cycles pinned it, loads unchanged (same hash) and in English is the
    2026.12 rubric field by field but the version: adding German changed no English text, rule or weight.
    (2026.12.2 changes the content; old cycles keep their pinned snapshot, compared here file against file.)"""
    data = json.loads(SNAPSHOT_2026_12_1.read_text(encoding="utf-8"))
    bilingual = framework_from_snapshot(data)
    assert bilingual.content_hash == SNAPSHOT_2026_12_1_HASH and bilingual.languages == ("en", "de")
    pinned = framework_from_snapshot(json.loads(SNAPSHOT_2026_12.read_text(encoding="utf-8")))
    english = bilingual.in_language("en")
    assert english is bilingual
    ours, theirs = text_fields(english), text_fields(pinned)
    assert ours.pop("version") == "2026.12.1" and theirs.pop("version") == "2026.12"
    for name in ours:
        assert ours[name] == theirs[name], name
    # The same as the bilingual data with the German taken out, and the same verdicts on the same sheets.
    plain = parse_framework(single_language(bilingual.data, "en"))
    assert text_fields(plain) == text_fields(english)
    ratings = {c.id: 4 for c in bilingual.competencies} | {"budget_authority": 3, "crisis_management": 5}
    sheets = [RaterSheet("m1", "manager", ratings), RaterSheet("p1", "peer", ratings | {"budget_authority": 4}),
              RaterSheet("s1", "self", {"budget_authority": 5})]
    for role in ("head_of_operations", "coo"):
        a, b = assess_readiness(pinned, role, sheets), assess_readiness(english, role, sheets)
        assert (a.band_id, a.weighted_attainment, a.summary) == (b.band_id, b.weighted_attainment, b.summary)


def test_shipped_rubric_in_english_is_the_german_ones_twin(fw):
    """Today's rubric: the English and German frameworks share every id, rule and weight, and the English is what
    the bilingual data gives with the German taken out."""
    assert fw.version == "2026.12.4" and fw.in_language("en") is fw
    plain = parse_framework(single_language(fw.data, "en"))
    assert text_fields(plain) == text_fields(fw)


def test_german_gives_the_german_text_and_the_same_rules(fw):
    """In German every text is German; ids, requirements, rules, citations and hash are those of the English."""
    de = fw.in_language("de")
    assert de.content_hash == fw.content_hash and de.data is fw.data and de.version == fw.version
    assert de.in_language("en") is fw and de.in_language("de") is de
    assert de.competency("strategic_planning").name == "Strategische Planung"
    assert de.competency("budget_authority").anchor(4).startswith("Wenn die Person ein Budget")
    assert de.scale.label(3) == "Kompetent" and de.scale.label("not_observed") == "Nicht beobachtet"
    assert [b.label for b in de.readiness.bands] == ["Jetzt bereit", "Bereit nach Entwicklung", "Noch nicht bereit"]
    assert de.readiness.insufficient_evidence_label == "Unzureichende Datengrundlage"
    assert de.readiness.panel_review.label == "Prüfung im Gremium"
    assert [r.name for r in de.ladder] == ["Operations Manager", "Head of Operations", "Chief Operating Officer (COO)"]
    assert all(d.summary != e.summary for d, e in zip(de.roles, fw.roles))
    for d, e in zip(de.competencies, fw.competencies):
        assert (d.id, d.citations, d.level_citations) == (e.id, e.citations, e.level_citations)
    assert de.roles[0].requirements == fw.roles[0].requirements and de.sources == fw.sources
    rules = lambda r: dataclasses.replace(r, bands=tuple(dataclasses.replace(b, label="") for b in r.bands),
                                          insufficient_evidence_label="", panel_review=None,
                                          calibration_reasons=tuple(c.id for c in r.calibration_reasons))
    assert rules(de.readiness) == rules(fw.readiness)
    assert dataclasses.replace(de.readiness.panel_review, label="") == dataclasses.replace(
        fw.readiness.panel_review, label="")


def test_quotes_stay_in_their_sources_language_in_both(fw):
    """The German source's quotes are German in the English framework and in the German one; English ones English."""
    de = fw.in_language("de")
    quote = "Im Zusammenspiel mit dem CFO werden Budgets, Kostenstrukturen und Investitionen optimiert."
    for framework in (fw, de):
        cites = framework.competency("budget_authority").anchor_citations(5)
        assert (cites[0].source, cites[0].quote) == ("002_ae4026f02ee5b338.txt", quote)
        assert cites[1].quote.startswith("Additionally, the COO is responsible for overseeing the budget")
        assert framework.source("002_ae4026f02ee5b338.txt").title == "Der Chief Operating Officer (COO)"
        assert framework.competency("budget_authority").anchor_citations(3)[0].quote.startswith(
            "Operations Managers often have budgetary responsibilities")


def test_unknown_language_falls_back_to_the_rubrics_own(fw):
    assert fw.in_language("fr") is fw and fw.in_language(None) is fw
    assert fw.in_language("de").in_language("fr") is fw


def test_app_gives_the_framework_in_the_current_language(make):
    """current_framework() and pinned_framework() follow rubrics.language; an English-only pin stays English."""
    from assessment.extensions import db
    from assessment.framework import current_framework, pinned_framework
    from assessment.models import RubricVersion

    cycle = make.cycle()
    with language.use("de"):
        assert current_framework().competency("crisis_management").name == "Krisenmanagement"
        assert pinned_framework(cycle).readiness.bands[0].label == "Jetzt bereit"
        assert pinned_framework(cycle) is pinned_framework(cycle)
    assert pinned_framework(cycle).readiness.bands[0].label == "Ready now"
    assert pinned_framework(cycle).content_hash == current_framework().content_hash
    data = json.loads(SNAPSHOT_2026_12.read_text(encoding="utf-8"))
    old = make.cycle()
    old.rubric_version = RubricVersion(content_hash=SNAPSHOT_2026_12_HASH, name=data["name"], version="2026.12",
                                       snapshot=data)
    db.session.commit()
    with language.use("de"):
        assert pinned_framework(old).competency("crisis_management").name == "Crisis management"


def test_german_rating_sheet_shows_the_german_rubric_and_the_sources_own_quotes(make, auth, client):
    """A rater reading German gets German names and anchors; quotes stay in their source's language."""
    from tests.sheets import sheet_of

    assignment = sheet_of(make.assessment(), "manager")
    auth.login(assignment.rater)
    page = client.get(f"/ratings/{assignment.id}", headers={"Accept-Language": "de-DE,de;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="de"' in html
    assert "Strategische Planung" in html and "Krisenmanagement" in html
    assert "Wenn die Person ein Budget über mehrere Abteilungen" in html
    assert "Strategic planning" not in html
    # The German source's quote in German, an English source's quote in English.
    assert "Im Zusammenspiel mit dem CFO werden Budgets, Kostenstrukturen und Investitionen optimiert." in html
    assert "Operations Managers often have budgetary responsibilities limited to their department" in html
    english = client.get(f"/ratings/{assignment.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Strategic planning" in english and "Strategische Planung" not in english
    assert "Im Zusammenspiel mit dem CFO werden Budgets, Kostenstrukturen und Investitionen optimiert." in english
