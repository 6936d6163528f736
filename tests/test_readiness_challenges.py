"""The methodology page's short answers to a challenge (docs/validity.md at length) name only the rules the
pinned rubric has."""

import json
from pathlib import Path

from reports.pdf import render_report
from reports.sample import sample_report
from rubrics import framework_from_snapshot, load_framework
from rubrics.readiness import challenges_in_words
from tests.test_reports import needs_poppler, pdf_text

SNAPSHOT_2026_12_2 = Path(__file__).parent / "data" / "rubric_2026_12_2_snapshot.json"


def test_todays_rubric_answers_each_challenge():
    lines = challenges_in_words(load_framework().readiness)
    text = " ".join(lines)
    for words in ("a sheet counts as a rater only", "shortfalls are counted", "critical competency seen by enough",
                  "measurement error", "from 3 of them", "reason code"):
        assert words in text, words


def test_an_older_rubric_is_never_promised_a_rule_it_did_not_have():
    """A cycle pinned to 2026.12.2 applied none of the 2026.12.3 rules: its report names none of them."""
    old = framework_from_snapshot(json.loads(SNAPSHOT_2026_12_2.read_text(encoding="utf-8")))
    text = " ".join(challenges_in_words(old.readiness))
    assert "raters who contradict each other" in text
    for words in ("a sheet counts as a rater only", "shortfalls are counted", "measurement error", "reason code"):
        assert words not in text, words


@needs_poppler
def test_the_methodology_page_says_it_in_both_languages(tmp_path):
    for lang, heading, words in (("en", "When a verdict is challenged", "shortfalls are counted"),
                                 ("de", "Wenn eine Einstufung angefochten wird", "Lücken werden gezählt")):
        text = " ".join(pdf_text(render_report(sample_report(lang=lang)), tmp_path).split())
        assert heading in text and words in text, lang
