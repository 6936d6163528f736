"""The readiness engine in German and English: the same verdict, only the words and the number format differ.

German text comes from ``rubrics/translations/de/LC_MESSAGES/readiness.po`` through ``rubrics.i18n``; numbers go
through ``rubrics.language`` ("3,9", "89,9 %") after the engine's rounding, which never crosses a threshold.
The rubric's own labels (bands, competency names) are the rubric's business and stay as the framework gives them.
"""

import dataclasses
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics import DEFAULT_RUBRIC, language
from rubrics.readiness import (
    FAILED,
    GROUP_LABELS,
    NOT_APPLICABLE,
    PANEL_REVIEW,
    PASSED,
    RaterGroupCount,
    assess_readiness,
    candidate_panel_reason,
    candidate_view,
    display_gap,
    display_percent,
    display_score,
    rules_in_words,
    withheld_note,
)
from rubrics.readiness_numbers import fmt
from rubrics.readiness_quality import FLAG_LABELS, LENIENT, STRAIGHT_LINING, rater_quality
from rubrics.readiness_words import evidence_summary
from tests.test_rater_quality import RULES, WEIGHTS, panel
from tests.test_rater_quality import sheet as cycle_sheet
from tests.test_readiness_evidence import IDS, NEW, NO, OTHERS, TARGET, V2026_12_2, X, framework, rule, sheet
from tests.test_readiness_properties import FW, OLD_FW, assessments

NBSP = "\xa0"
PO = Path(__file__).parent.parent / "rubrics" / "translations" / "de" / "LC_MESSAGES" / "readiness.po"
BEST, MIDDLE = (b.label for b in NEW.readiness.bands[:2])


def de(function, *args, **kwargs):
    with language.use("de"):
        return function(*args, **kwargs)


# --- numbers -----------------------------------------------------------------------------------------------------


def test_german_numbers_have_a_decimal_comma_and_stay_on_their_side_of_the_threshold():
    """3.967 of 4 prints 3,9 / -0,1 in German, 89.96% against 90% prints 89,9 %; English is unchanged."""
    with language.use("de"):
        assert display_score(3.967, 4) == "3,9" and display_gap(3.967, 4) == "-0,1"
        assert display_score(4.01, 4) == "4,1" and display_gap(4.01, 4) == "+0,1"
        assert display_gap(4.0, 4) == "0,0" and display_score(None) == "–"
        assert display_percent(0.8996, [0.9]) == f"89,9{NBSP}%" and display_percent(1.0) == f"100{NBSP}%"
        assert fmt(Fraction(11, 3)) == "3,67" and fmt(Fraction(3)) == "3" and fmt(Fraction(-1, 1000)) == "0"
    # English is as it always was.
    assert (display_score(3.967, 4), display_gap(3.967, 4), display_percent(0.8996, [0.9])) == ("3.9", "-0.1", "89.9%")
    assert fmt(Fraction(11, 3)) == "3.67"


# --- rules: passed, failed, not applicable -----------------------------------------------------------------------


def test_rules_in_german_when_one_manager_rates_alone():
    """Passed and failed rules, their details and the evidence summary, in German."""
    result = de(assess_readiness, NEW, TARGET, [sheet("manager", default=5)])
    assert result.band_id == "ready_1_2_years"
    raters = rule(result, "ready_now.min_raters")
    assert raters.status == FAILED
    assert raters.text == (f"{BEST}: mindestens 2 gezählte Bögen von Führungskräften oder Peers, damit die "
                           "Einstufung nie auf einer einzigen bewertenden Person beruht.")
    assert raters.detail == "Gezählt: 1 (1 Führungskraft, 0 Peers)."
    managers = rule(result, "ready_now.min_managers")
    assert managers.status == PASSED and managers.detail == "1 Führungskraft gezählt."
    assert managers.text == f"{BEST}: darunter mindestens 1 Bogen einer Führungskraft."
    evidence = rule(result, "min_nonself_raters")
    assert evidence.status == PASSED and evidence.text == "Gezählte Bögen von Führungskräften oder Peers: mindestens 1."
    assert rule(result, "critical_observed").detail == "4 von 4 beobachtet."
    assert result.evidence_summary == "Stützt sich auf den Bogen einer Führungskraft."


def test_a_failed_floor_names_the_competency_with_a_german_number():
    """A failed floor names the competency and its shortfall with a decimal comma."""
    sheets = [sheet("manager", **{X: 2}), sheet("peer", **{X: 3})]
    result = de(assess_readiness, NEW, TARGET, sheets)
    floor = rule(result, "ready_now.max_any_gap")
    assert floor.status == FAILED and floor.competencies == (X,)
    assert floor.detail == f"Über der Grenze: {NEW.competency(X).name} (1,7)."
    assert floor.text.startswith(f"{BEST}: jede Kompetenz höchstens 1 Stufe unter ihrer geforderten Stufe")
    assert rule(result, "ready_1_2_years.max_critical_gap").detail == "Größte Lücke bei kritischen Kompetenzen: 0."


def test_rules_that_do_not_apply_say_why_in_german():
    """Not applicable rules (no critical competency, the fallback, insufficient evidence) say why in German."""
    plain = framework(DEFAULT_RUBRIC, {i: {"required": 4, "weight": 1, "critical": False} for i in IDS})
    result = de(assess_readiness, plain, TARGET, [sheet("manager"), sheet("peer")])
    assert result.band_id == "ready_now"
    assert rule(result, "critical_observed").status == NOT_APPLICABLE
    assert rule(result, "critical_observed").detail == "Die Rolle hat keine kritische Kompetenz."
    assert rule(result, "ready_now.max_critical_gap").detail == "Die Rolle hat keine bewertete kritische Kompetenz."
    fallback = rule(result, "not_yet_ready.fallback")
    assert fallback.status == NOT_APPLICABLE
    assert fallback.detail == "Eine höhere Kategorie trifft zu, oder es wird keine Kategorie vergeben."
    assert fallback.text.endswith(": wenn keine höhere Kategorie zutrifft.")
    none = de(assess_readiness, NEW, TARGET, [sheet("self")])
    band_rules = [r for r in none.rules if "." in r.id and not r.id.endswith(".fallback")]
    assert {r.detail for r in band_rules} == {"Keine Kategorie vergeben: Die Datengrundlage reicht nicht aus."}
    assert rule(none, "min_nonself_raters").status == FAILED
    assert none.summary.startswith(f"{NEW.readiness.insufficient_evidence_label}: Gezählt: 0 (0 Führungskräfte, "
                                   "0 Peers). 12 von 12 (100\xa0%) ohne Bewertung: ")
    assert none.evidence_summary == ("Es liegt kein Bogen einer Führungskraft oder eines Peers vor: Eine "
                                     "Selbsteinschätzung allein führt nie zu einer Kategorie.")


def test_unscored_competencies_and_attainment_in_german():
    """Unscored competencies, the attainment with its coverage and the summary, in German."""
    hidden = {i: NO for i in OTHERS[:2]}
    result = de(assess_readiness, V2026_12_2, TARGET, [sheet("manager", **hidden), sheet("peer", **hidden)])
    # Text properties speak the language current when they are read.
    assert de(lambda: result.attainment_text) == f"100{NBSP}% (bezogen auf 10 von 12 bewerteten Kompetenzen)"
    assert result.attainment_text == "100% of the 10 of 12 scored"
    names = ", ".join(NEW.competency(i).name for i in OTHERS[:2])
    assert rule(result, "ready_now.max_unscored_others").detail == f"2 weitere ohne Bewertung: {names}."
    assert rule(result, "max_not_observed_share").detail == f"2 von 12 (16,7{NBSP}%) ohne Bewertung: {names}."
    assert rule(result, "ready_now.min_weighted_attainment").detail == (
        f"Gewichteter Erfüllungsgrad 100{NBSP}% (bezogen auf 10 von 12 bewerteten Kompetenzen).")
    # 2026.12.3: the unscored count with zero attainment, said so.
    now = de(assess_readiness, NEW, TARGET, [sheet("manager", **hidden), sheet("peer", **hidden)])
    assert de(lambda: now.attainment_text) == f"83,3{NBSP}% über alle 12, 2 ohne Bewertung mit null gezählt"
    full = de(assess_readiness, NEW, TARGET, [sheet("manager"), sheet("peer")])
    assert de(lambda: full.attainment_text) == f"100{NBSP}% (alle 12 bewertet)"
    assert full.summary == (f"{BEST} für {full.target_role_name}: gewichteter Erfüllungsgrad 100{NBSP}%; jede "
                            "kritische Kompetenz auf oder über der geforderten Stufe.")


# --- what the verdict rests on -----------------------------------------------------------------------------------


@pytest.mark.parametrize("managers, peers, uncounted, german", [
    (0, 0, 0, "Es liegt kein Bogen einer Führungskraft oder eines Peers vor: Eine Selbsteinschätzung allein führt nie "
              "zu einer Kategorie."),
    (1, 0, 0, "Stützt sich auf den Bogen einer Führungskraft."),
    (0, 1, 0, "Stützt sich auf den Bogen eines Peers."),
    (2, 0, 0, "Stützt sich auf die Bögen von zwei Führungskräften, auf keinen Bogen eines Peers."),
    (0, 3, 0, "Stützt sich auf die Bögen von drei Peers, auf keinen Bogen einer Führungskraft."),
    (1, 1, 0, "Stützt sich auf zwei Bögen: einen von einer Führungskraft und einen von einem Peer."),
    (1, 3, 0, "Stützt sich auf vier Bögen: einen von einer Führungskraft und drei von Peers."),
    (2, 1, 0, "Stützt sich auf drei Bögen: zwei von Führungskräften und einen von einem Peer."),
    (2, 10, 0, "Stützt sich auf 12 Bögen: zwei von Führungskräften und 10 von Peers."),
    (1, 0, 1, "Stützt sich auf den Bogen einer Führungskraft. 1 Peer-Bogen wird nicht gezählt, damit die Peers "
              "anonym bleiben."),
    (1, 0, 2, "Stützt sich auf den Bogen einer Führungskraft. 2 Peer-Bögen werden nicht gezählt, damit die Peers "
              "anonym bleiben."),
])
def test_the_evidence_summary_in_german(managers, peers, uncounted, german):
    """What the verdict rests on, for 0, 1, 2 and more sheets, in whole German sentences."""
    assert de(evidence_summary, {"manager": managers, "peer": peers}, {"peer": uncounted}, ()) == german


def test_the_evidence_summary_in_english_is_unchanged():
    """The English summary is as before; what was asked but not given follows in the same language."""
    assert evidence_summary({"manager": 1, "peer": 3}, {}, ()) == \
        "Rests on four sheets: one from a manager and three from peers."
    assert evidence_summary({"manager": 1, "peer": 0}, {"peer": 2}, ()) == \
        "Rests on one manager’s sheet. 2 peer sheets not counted, to keep peers anonymous."
    asked = (RaterGroupCount("manager", 1, 1), RaterGroupCount("peer", 2, 0))
    assert evidence_summary({"manager": 1, "peer": 0}, {}, asked) == \
        "Rests on one manager’s sheet. 2 peers were asked; none submitted."
    assert de(evidence_summary, {"manager": 1, "peer": 0}, {}, asked) == \
        "Stützt sich auf den Bogen einer Führungskraft. 2 Peers angefragt; kein Bogen abgegeben."


@pytest.mark.parametrize("group, assigned, submitted, german", [
    ("peer", None, 0, "0 Peers haben abgegeben."),
    ("manager", None, 1, "1 Führungskraft hat abgegeben."),
    ("self", None, 1, "1 Selbsteinschätzung abgegeben."),
    ("peer", 0, 0, "Keine Peers angefragt."),
    ("manager", 0, 0, "Keine Führungskraft angefragt."),
    ("manager", 1, 0, "1 Führungskraft angefragt; kein Bogen abgegeben."),
    ("manager", 1, 1, "1 Führungskraft angefragt; 1 Bogen abgegeben."),
    ("peer", 3, 3, "3 Peers angefragt; alle haben abgegeben."),
    ("peer", 3, 1, "3 Peers angefragt; abgegeben: 1."),
    ("self", 1, 0, "1 Selbsteinschätzung angefordert; keine abgegeben."),
])
def test_who_was_asked_in_german(group, assigned, submitted, german):
    """Sheets asked for and submitted per group, in German."""
    assert de(lambda: RaterGroupCount(group, assigned, submitted).text) == german


# --- Panel review, notes, labels ---------------------------------------------------------------------------------


def test_panel_review_reasons_in_german_and_the_candidates_sentence():
    """Panel review reasons for HR and the candidate's neutral sentence, in German."""
    sheets = [sheet("manager", default=5)] + [sheet("peer", n, default=1) for n in (1, 2, 3)]
    result = de(assess_readiness, NEW, TARGET, sheets)
    assert result.band_id == PANEL_REVIEW
    assert result.panel_review_reasons[0] == \
        "Strategic planning (kritisch): Führungskräfte und Peers liegen 4 Stufen auseinander."
    assert result.panel_review_reasons[4] == ("Insgesamt: Führungskräfte und Peers liegen im Mittel über die 12 "
                                               "von beiden bewerteten Kompetenzen 4 Stufen auseinander.")
    assert result.summary.startswith(f"{result.band_label} (nach den Regeln: {MIDDLE}) für ")
    view = de(candidate_view, result)
    assert view.panel_review_reasons == ("Die Bewertungen widersprechen sich; das Gremium prüft die Datengrundlage, "
                                         "bevor eine Kategorie vergeben wird.",)
    assert view.panel_review_reasons == (de(candidate_panel_reason),)
    two = [sheet("manager", 1, default=5), sheet("manager", 2, **{IDS[0]: 3})]
    apart = de(assess_readiness, NEW, TARGET, two)
    assert "Strategic planning (kritisch): Zwei Führungskräfte liegen 2 Stufen auseinander." in \
        apart.panel_review_reasons


def test_the_candidates_copy_withholds_with_a_german_note():
    """The candidate's copy says in German that numbers were withheld."""
    sheets = [sheet("manager"), sheet("peer", 1, **{X: 2}), sheet("peer", 2, **{X: 2})]
    view = de(lambda: candidate_view(assess_readiness(NEW, TARGET, sheets)))
    note = de(withheld_note)
    assert note.startswith("Die einzelnen Bewertungen Ihrer Peers bleiben anonym")
    assert view.summary.endswith("Einige Werte werden nicht gezeigt, damit Ihre Bewertenden anonym bleiben.")
    assert " für " in view.summary
    assert rule(view, "ready_now.max_any_gap").detail == note


def test_development_notes_in_german():
    """Blind-spot and at-requirement notes, coverage and group labels, in German."""
    sheets = [sheet("self", default=5), sheet("manager"), sheet("peer")]
    result = de(assess_readiness, NEW, TARGET, sheets)
    kinds = {n.kind for n in result.development_notes}
    assert kinds == {"blind_spot", "at_requirement"}
    blind = next(n for n in result.development_notes if n.kind == "blind_spot")
    assert blind.text == (f"{blind.name}: Die Selbsteinschätzung liegt 1 Stufe über der Sicht der anderen; fragen "
                          "Sie nach Beispielen für das, was sie beobachten.")
    at = next(n for n in result.development_notes if n.kind == "at_requirement")
    assert at.text.startswith(f"{at.name}: genau auf der geforderten Stufe, ohne Reserve; die nächsthöhere Stufe "
                              "zeigt, was aufzubauen ist: ")
    comp = result.competency(IDS[0])
    assert de(lambda: comp.coverage) == "bewertet: 1 von 1"
    assert [g.label for g in comp.groups] == ["Selbst", "Führungskräfte"]


def test_labels_are_translated_when_looked_up_not_at_import():
    """GROUP_LABELS and FLAG_LABELS follow the current language on each lookup."""
    assert GROUP_LABELS["manager"] == "Managers" and FLAG_LABELS[LENIENT] == "Lenient"
    with language.use("de"):
        assert dict(GROUP_LABELS) == {"self": "Selbst", "manager": "Führungskräfte", "peer": "Peers",
                                      "direct_report": "Direkt unterstellte Mitarbeitende", "assessor": "Assessoren"}
        assert FLAG_LABELS[LENIENT] == "Milde Bewertung" and FLAG_LABELS[STRAIGHT_LINING] == "Einheitsbewertung"
    assert GROUP_LABELS["peer"] == "Peers"
    assert list(GROUP_LABELS) == ["self", "manager", "peer", "direct_report", "assessor"]


def test_rater_quality_flags_in_german():
    """Lenient, straight-lining and central-tendency flags: German labels and explanations."""
    ratings = panel("a", cycle_sheet("L", "a", [5, 5, 4, 5, 5, 4]))
    ratings += panel("b", cycle_sheet("L", "b", [5, 4, 5, 5, 4, 5]))
    lenient = de(rater_quality, ratings, RULES, WEIGHTS).rater("L").flags[0]
    assert lenient.label == "Milde Bewertung"
    assert lenient.explanation == ("Bewertet im Mittel 1,67 Stufen höher als die anderen Bewertenden derselben "
                                   "Kandidat:innen (über 12 vergleichbare Bewertungen): Die Einstufungen können zu "
                                   "günstig ausfallen.")
    ratings = panel("a", cycle_sheet("F", "a", 4)) + panel("b", cycle_sheet("F", "b", [2, 3, 2, 3, 2, 3]))
    ratings += panel("c", cycle_sheet("C", "c", [3, 3, 3, 3, 4, 3]))
    ratings += panel("d", cycle_sheet("C", "d", [3, 3, 3, 3, 3, 4]))
    report = de(rater_quality, ratings, RULES, WEIGHTS)
    flat = report.rater("F").flags[0]
    assert (flat.label, flat.explanation) == ("Einheitsbewertung", (
        "Vergibt auf 1 von 2 Bögen für jede Kompetenz dieselbe Stufe: Ein solcher Bogen unterscheidet nicht "
        "zwischen Stärken und Lücken."))
    central = report.rater("C").flags[0]
    assert central.label == "Tendenz zur Mitte"
    assert central.explanation.startswith("Die Stufen schwanken kaum (Standardabweichung 0,37 über 12 Bewertungen, "
                                          "nur Stufe 3–4, nie 1 oder 5)")


def test_the_methodology_in_german():
    """rules_in_words in German: weights, gap, the bands' conditions, no English sentence left."""
    lines = de(rules_in_words, FW.readiness)
    assert len(lines) == len(rules_in_words(FW.readiness))
    assert "(Gewichte: Führungskräfte 2, Peers 1, direkt unterstellte Mitarbeitende 1, Assessoren 2; " in lines[1]
    assert "Abstand = Entscheidungswert − geforderte Stufe der Zielrolle." in lines
    best = next(line for line in lines if line.startswith("1. "))
    assert "darunter mindestens 1 Führungskraft" in best and f"mindestens 90{NBSP}%." in best and " und " in best
    assert lines[-1].startswith("Blinder Fleck: Selbsteinschätzung mindestens 1 Stufe über dem Entscheidungswert")
    assert not english_in(lines, FW)


def test_stored_results_are_invalidated_by_a_change_of_the_engines_text(monkeypatch):
    """engine_version hashes rubrics/i18n.py and the readiness catalogue, so new wording recomputes results."""
    from assessment.services import results_store

    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    results_store.engine_version.__wrapped__()
    assert {"i18n.py", "readiness.po", "readiness_words.py", "readiness_numbers.py", "language.py"} <= set(read)


# --- the property: only the words differ -------------------------------------------------------------------------

#: String fields that are ids or statuses, the same in every language.
ID_FIELDS = {"band_id", "provisional_band_id", "target_role_id", "competency_id", "id", "status", "group", "kind",
             "peer_mode", "competencies"}
#: Text people typed (comments): never translated, not the engine's words.
TYPED_FIELDS = {"texts"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def split(value, field=""):
    """(skeleton, texts): the result with every engine text replaced by a marker, and those texts."""
    if dataclasses.is_dataclass(value):
        parts = [(f.name, split(getattr(value, f.name), f.name)) for f in dataclasses.fields(value)]
        return tuple((n, s) for n, (s, _) in parts), [t for _, (_, ts) in parts for t in ts]
    if isinstance(value, Mapping):
        return split(tuple(sorted(value.items())), field)
    if isinstance(value, (tuple, list)):
        parts = [split(v, field) for v in value]
        return tuple(s for s, _ in parts), [t for _, ts in parts for t in ts]
    if isinstance(value, str) and field not in ID_FIELDS | TYPED_FIELDS:
        return "<text>", [value]
    return value, []


def english_chunks() -> set[str]:
    """The English pieces of every catalogue sentence (between placeholders, of several words) that its German
    translation does not contain."""
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    chunks = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        german = " ".join(message.string if isinstance(message.string, tuple) else (message.string,))
        for text in ids:
            chunks |= {c.strip() for c in PLACEHOLDER.split(text)
                       if len(c.strip()) >= 10 and " " in c.strip() and c.strip() not in german}
    return chunks


CHUNKS = english_chunks()


def rubric_texts(fw) -> list[str]:
    """The rubric's own words (names, anchors, labels): the rubric's business, longest first."""
    texts = [c.name for c in fw.competencies] + [c.anchor(level) for c in fw.competencies for level in range(1, 6)]
    texts += [r.name for r in fw.roles] + [b.label for b in fw.readiness.bands]
    texts += [fw.readiness.insufficient_evidence_label, fw.scale.label(1), fw.scale.label(5)]
    texts += [fw.readiness.panel_review.label] if fw.readiness.panel_review else []
    texts += [fw.scale.label(level) for level in range(2, 5)]
    return sorted({t for t in texts if t}, key=len, reverse=True)


def english_in(texts, fw) -> list[tuple[str, str]]:
    found = []
    own = rubric_texts(fw)
    for text in texts:
        for words in own:
            text = text.replace(words, "§")
        found += [(chunk, text) for chunk in CHUNKS if chunk in text]
    return found


def test_the_english_check_finds_english():
    """The check used by the property finds an English catalogue sentence and passes German."""
    assert english_in(["Rests on one manager’s sheet."], FW)
    assert not english_in(["Stützt sich auf den Bogen einer Führungskraft."], FW)


@settings(max_examples=80, deadline=None)
@given(assessments(), st.sampled_from([FW, OLD_FW]))
def test_only_the_words_differ_between_english_and_german(case, rubric):
    """Same ids, bands, scores and rule statuses in both languages (the shipped rubric and the 2026.11 snapshot,
    full result and candidate's copy), and no German text holds an English sentence of the catalogue."""
    role, sheets = case
    fw = getattr(rubric, "in_language", lambda _: rubric)("de")
    english = assess_readiness(rubric, role, sheets)
    with language.use("de"):
        german = assess_readiness(fw, role, sheets)
        german_view = candidate_view(german)
    for en, de_ in ((english, german), (candidate_view(english), german_view)):
        en_skeleton, en_texts = split(en)
        de_skeleton, de_texts = split(de_)
        assert en_skeleton == de_skeleton
        assert len(en_texts) == len(de_texts)
        assert not english_in(de_texts, fw)
