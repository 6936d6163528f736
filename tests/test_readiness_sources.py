"""The methodology's "Sources of evidence and their weights" (rubric 2026.12.4) and the challenges they answer: said
for the shipped rubric, in English and German, and never for a rubric pinned before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rubrics import language, load_framework
from rubrics.loader import framework_from_snapshot
from rubrics.readiness import challenges_in_words
from rubrics.readiness_sources import sources_in_words

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def shipped():
    return load_framework()


def test_the_shipped_rubric_names_every_source_its_weights_and_the_agreement_index(shipped):
    text = " ".join(sources_in_words(shipped))
    assert "Four sources of evidence count" in text
    assert "People leadership weighs its sources differently: managers 2, peers 1, direct reports 2, assessors 2." \
        in text
    assert "Direct reports rate only what they can see:" in text and "Budget authority" not in \
        text.split("Direct reports rate only what they can see:")[1].split(".")[0]
    assert "Board presentation (60 minutes:" in text and "wash-up" in text
    assert "2 or more levels apart" in text
    assert "From 0.7 raters agree, from 0.5 they partly agree" in text and "at least 3 raters" in text
    assert "below 0.5" in text  # Panel review on a critical competency
    assert "where it was seen (In the role / While acting up / On a project / In an exercise)" in text
    assert "fewer than 3 months is marked for HR" in text
    assert "Eligibility for Head of Operations: at least 60 months in leadership roles and 12 months in the current " \
           "role." in text
    assert "Eligibility for Chief Operating Officer (COO): at least 96 months in leadership roles and 24 months" in text


def test_the_challenges_answer_with_the_new_sources(shipped):
    text = " ".join(challenges_in_words(shipped.readiness))
    assert "“My managers never see how I lead my team”" in text
    assert "“I was never given the scope to show level 4”" in text
    assert "low agreement on a critical competency sends the verdict to the panel" in text
    assert "“That rater hardly knows me”" in text


def test_in_german(shipped):
    with language.use("de"):
        text = " ".join(sources_in_words(load_framework()))
    assert "Vier Quellen von Nachweisen zählen" in text and "Übereinstimmungsindex rwg" in text
    assert "Zulassung für" in text and "Monate in Führungsrollen" in text


@pytest.mark.parametrize("snapshot", ["rubric_2026_12_3_snapshot.json", "rubric_2026_12_2_snapshot.json",
                                      "rubric_2026_11_snapshot.json"])
def test_an_older_rubric_says_none_of_it(snapshot):
    framework = framework_from_snapshot(json.loads((DATA / snapshot).read_text()))
    assert sources_in_words(framework) == ()
    text = " ".join(challenges_in_words(framework.readiness))
    assert "direct reports" not in text and "scope to show level 4" not in text and "agreement index" not in text
