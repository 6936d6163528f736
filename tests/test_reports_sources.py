"""The methodology page lists what each anchor rests on: every quote of the rubric with its level and source."""

import json
from dataclasses import replace
from pathlib import Path

from reports.anchor_sources import anchor_source_groups, anchor_sources
from reports.pdf import render_report, report_story
from reports.sample import framework, sample_report
from rubrics import framework_from_snapshot
from tests.test_reports import needs_poppler, pdf_text, story_text

OLD_SNAPSHOT = Path(__file__).parent / "data" / "rubric_2026_11_snapshot.json"


def test_anchor_sources_follow_the_rubric_level_by_level():
    """One row per quote, competency by competency, the level first ("all" for the competency's own quotes)."""
    fw = framework()
    items = anchor_sources(fw)
    assert len(items) == sum(len(c.all_citations) for c in fw.competencies)
    groups = dict(anchor_source_groups(items))
    assert list(groups) == [c.name for c in fw.competencies]
    planning = groups["Strategic planning"]
    assert planning[0] == ["3", "“They focus on executing strategies rather than creating them.” (001)"]
    assert [row[0] for row in planning] == ["3", "4", "4", "5", "5", "5", "5"]
    # The crisis sentence contrasts both roles and sits under levels 3 and 4: listed once.
    crisis = groups["Crisis management"]
    assert crisis[0][0] == "3, 4" and crisis[0][1].startswith("“In times of crisis")
    assert groups["Communication and interpersonal skills"][0][0] == "all"


@needs_poppler
def test_methodology_page_prints_the_level_citations(tmp_path):
    """The rendered report's methodology lists each competency's quotes with levels, German ones intact."""
    data = sample_report(0)
    text = " ".join(pdf_text(render_report(data), tmp_path, layout=False).split())
    at = text.index("What each anchor rests on")
    assert at > text.index("Sources the rubric cites")
    listing = text[at:]
    # pdftotext may read a table's first level before or after the competency's name in its header row.
    quote = "“They focus on executing strategies rather than creating them.” (001)"
    assert (f"Level Strategic planning 3 {quote}" in listing or f"Level 3 Strategic planning {quote}" in listing)
    assert "„" not in listing and "“Im Zusammenspiel mit dem CFO werden Budgets, Kostenstrukturen und Investitionen " \
        "optimiert.” (002)" in listing
    assert "Sicherung der Servicequalität" in listing and "hohe Kommunikationsfähigkeit" in listing
    # Each competency heads its own table (the header repeats on a new page, where the running head may sit
    # between "Level" and the name in reading order).
    # At a page break pdftotext may read the header's "Level" before the running head and the row above, so
    # a table is also recognised by its competency's name followed by its first row's level and quote.
    groups = dict(anchor_source_groups(anchor_sources(framework())))
    for comp in framework().competencies:
        heads = ("", "CONFIDENTIAL ", "HR / PANEL COPY · CONFIDENTIAL ", "CANDIDATE COPY · CONFIDENTIAL ")
        first = f"{comp.name} {groups[comp.name][0][0]} “"
        assert any(f"Level {head}{comp.name}" in listing for head in heads) or first in listing, comp.name


def test_a_report_on_an_old_pinned_rubric_lists_its_competency_quotes():
    """A cycle pinned on 2026.11 (no level citations) still gets the listing, every quote marked "all"."""
    from reports.data import report_data

    old = framework_from_snapshot(json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8")))
    sample = sample_report(0)
    data = report_data(old, sample.result, candidate_name="A", current_role="operations_manager",
                       cycle_name="Spring", assessed_on=sample.assessed_on)
    assert {item.level for item in data.anchor_sources} == {None}
    assert len(data.anchor_sources) == sum(len(c.citations) for c in old.competencies)
    text = story_text(report_story(data))
    assert "What each anchor rests on" in text and "“manage and direct the operations team” (000)" in text
    assert "What each anchor rests on" not in story_text(report_story(replace(data, anchor_sources=())))
