"""The methodology of a rubric with direct reports or assessors (2026.12.4) speaks of rater groups, not of managers
and peers; an older rubric keeps its words exactly (docs/readiness.md, "Rater groups")."""

import json
from pathlib import Path

import pytest

from rubrics import framework_from_snapshot, language, load_framework
from rubrics.readiness import rules_in_words

SNAPSHOT_2026_12_3 = Path(__file__).parent / "data" / "rubric_2026_12_3_snapshot.json"

#: Words that name only managers and peers, and their group-neutral 2026.12.4 counterparts.
OLD_WORDS = {
    "en": ("manager or peer sheet", "managers and peers", "managers or peers", "the managers’ or the shown peers’",
           "neither the managers’ nor the peers’", "manager and peer levels", "(self, managers, peers)"),
    "de": ("Führungskräften oder Peers", "Führungskräfte und Peers", "Führungskraft oder eines Peers",
           "der Führungskräfte oder der gezeigten Peers", "Stufen von Führungskräften und Peers"),
}
NEW_WORDS = {
    "en": ("at least 2 rater sheets counted", "any two rater groups", "any shown group’s mean",
           "rated by at least 2 raters other than self", "no shown group’s mean", "rater sheet(s) other than self",
           "A rater sheet other than self counts only", "peers and direct reports kept anonymous",
           "or two shown direct reports", "the counted levels of raters other than self"),
    "de": ("mindestens 2 gezählte Bögen von Bewertenden", "zwei beliebige Gruppen von Bewertenden",
           "Mittelwert einer gezeigten Gruppe", "Mittelwert keiner gezeigten Gruppe",
           "Anonym gehaltene Peers und Mitarbeitende (direkt unterstellt)"),
}


def methodology(framework, lang):
    with language.use(lang):
        return "\n".join(rules_in_words(framework.in_language(lang).readiness))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_rubric_with_direct_reports_and_assessors_speaks_of_rater_groups(lang):
    text = methodology(load_framework(), lang)
    assert [w for w in OLD_WORDS[lang] if w in text] == []
    assert [w for w in NEW_WORDS[lang] if w not in text] == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_2026_12_3_rubric_keeps_its_managers_and_peers(lang):
    old = framework_from_snapshot(json.loads(SNAPSHOT_2026_12_3.read_text(encoding="utf-8")))
    text = methodology(old, lang)
    assert [w for w in NEW_WORDS[lang] if w in text] == []
    assert [w for w in OLD_WORDS[lang] if w not in text] == []
