"""Where raters and readers meet the scale: the rating sheet and the report's methodology show what each level
means (scope, never a role) and the best-fit rule, in English and German; a rubric pinned without the rule
shows none."""

import html
import json
import re
from dataclasses import replace
from pathlib import Path

from reports.pdf import render_report
from reports.sample import sample_report
from rubrics import load_framework
from tests.sheets import sheet_of
from tests.test_reports import needs_poppler, pdf_text

SNAPSHOT_2026_12 = Path(__file__).parent / "data" / "rubric_2026_12_snapshot.json"
BEST_FIT = {"en": "choose the highest level whose behaviours have been seen repeatedly",
            "de": "Gewählt wird die höchste Stufe, deren Verhaltensweisen wiederholt beobachtet wurden"}


def flat(text: str) -> str:
    """Text as one line, words hyphenated at a line end joined again."""
    return re.sub(r"(\w)- (\w)", r"\1\2", " ".join(html.unescape(text).replace("\xa0", " ").split()))


def scale_guide(page: str) -> str:
    start = page.index('<div class="scale-guide">')
    return page[start:page.index("</div>", start)]


def test_rating_sheet_shows_the_scale_and_the_best_fit_rule_in_both_languages(make, auth, client):
    assignment = sheet_of(make.assessment(), "manager")
    auth.login(assignment.rater)
    fw = load_framework()
    for lang, header in (("en", "en"), ("de", "de-DE,de;q=0.9")):
        page = client.get(f"/ratings/{assignment.id}", headers={"Accept-Language": header}).get_data(as_text=True)
        guide = flat(scale_guide(page))
        assert BEST_FIT[lang] in guide, lang
        for level in fw.in_language(lang).scale.levels:
            assert flat(level.summary) in guide and level.label in guide, (lang, level.level)
        assert not re.search(r"Operations Manager|Head of Operations|COO", guide), lang
    assert "The rating scale: what each level means" in client.get(
        f"/ratings/{assignment.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_sheet_on_a_rubric_without_the_rule_shows_the_scale_alone(make, auth, client):
    """A cycle pinned on 2026.12 (no best-fit rule) shows its own scale and no rule it never had."""
    from assessment.extensions import db
    from assessment.models import RubricVersion

    assessment = make.assessment()
    data = json.loads(SNAPSHOT_2026_12.read_text(encoding="utf-8"))
    assessment.cycle.rubric_version = RubricVersion(
        content_hash="0bd5d5ee4dc36f104708f9d557f8f11b46ec859c60b9348e8a150c0bdb43f79c", name=data["name"],
        version="2026.12", snapshot=data)
    db.session.commit()
    assignment = sheet_of(assessment, "manager")
    auth.login(assignment.rater)
    guide = flat(scale_guide(client.get(f"/ratings/{assignment.id}").get_data(as_text=True)))
    assert "Best fit" not in guide and 'class="best-fit"' not in guide
    assert "what an Operations Manager shows" in guide  # the old wording, as that cycle's raters saw it


@needs_poppler
def test_report_methodology_states_the_best_fit_rule_in_both_languages(tmp_path):
    for lang in ("en", "de"):
        text = flat(pdf_text(render_report(sample_report(1, lang=lang)), tmp_path, layout=False))
        assert BEST_FIT[lang] in text, lang
        assert "So arbeitet ein" not in text and "what a Head of Operations shows" not in text
    old = replace(sample_report(1), best_fit="")
    assert "Best fit" not in flat(pdf_text(render_report(old), tmp_path, layout=False))
