"""Issue 17 on the pages: sheets that do not count, thin evidence, borderline and the standard error, shown to HR
on the results page, the cycle overview and the PDF; nothing of it in the candidate's copy."""

import html as html_lib
import re
import shutil

import pytest

from assessment.framework import current_framework
from assessment.services.readiness import assess
from tests.results_helpers import NOT_OBSERVED, move_cycle, sheet, submit_sheet
from tests.results_helpers import report_pdf_text as _pdf

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
GERMAN = {"Accept-Language": "de"}
#: What only HR may read: the sheet's reason, the sections and tags, the standard error.
#: (The rules' text may say "thin evidence": it is the rule, not a mark.)
HR_ONLY = ("Sheets that do not count", "rated 4 of 15", "sheet not counted", "Thin evidence on", "borderline ±",
           "Borderline ±", "Standard error")


def _text(client, url, headers=None) -> str:
    html = client.get(url, headers=headers or {}).get_data(as_text=True)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())



def _assessment(make, cycle, peers, manager=4, candidate=None):
    """An assessment with one manager and these peers' levels (a level, or a dict), self 4, all submitted."""
    assessment = make.assessment(cycle=cycle, managers=1, peers=len(peers), candidate=candidate)
    submit_sheet(sheet(assessment, "manager"), manager)
    for index, levels in enumerate(peers):
        submit_sheet(sheet(assessment, "peer", index), levels)
    submit_sheet(sheet(assessment, "self"), 4)
    return assessment


def _four_of_fifteen():
    return {c.id: (4 if i < 4 else NOT_OBSERVED) for i, c in enumerate(current_framework().competencies)}


@pytest.fixture
def closed(make):
    """Peers 4, 4 and 3 who count and a fourth who rated only 4 of 15 competencies (critical ones borderline:
    3.89 against 4); and a second candidate whose manager did not observe people leadership (thin evidence)."""
    cycle = make.cycle(name="Winter round")
    uncounted = _assessment(make, cycle, (4, 4, 3, _four_of_fifteen()), candidate=make.user(name="Una Counted"))
    manager = {c.id: (NOT_OBSERVED if c.id == "people_leadership" else 4) for c in current_framework().competencies}
    thin = _assessment(make, cycle, (4, 4, 4), manager=manager, candidate=make.user(name="Theo Thin"))
    move_cycle(cycle, "closed")
    return cycle, uncounted, thin


def test_the_engine_gives_what_the_pages_show(app, closed):
    """The premise: one sheet that does not count, borderline competencies with a standard error, thin evidence."""
    _, uncounted, thin = closed
    result = assess(uncounted).result
    assert [(u.group, u.reason) for u in result.uncounted_sheets] == [("peer", "rated 4 of 15 competencies")]
    assert any(c.is_borderline and c.standard_error for c in result.competencies)
    assert [c.competency_id for c in assess(thin).result.competencies if c.is_thin_evidence] == ["people_leadership"]


def test_hr_page_lists_the_sheet_that_does_not_count_and_marks_borderline_and_thin(client, auth, make, closed):
    """HR reads "Peer: rated 4 of 15 competencies" under "Sheets that do not count", the standard error beside
    the decision score, "borderline ± 0.3" on the critical competencies, "thin evidence" where no manager rated."""
    _, uncounted, thin = closed
    auth.login(make.user("hr"))
    text = _text(client, f"/assessments/{uncounted.id}/results")
    assert "Sheets that do not count" in text and "Peer: rated 4 of 15 competencies" in text
    assert "3.9 ± 0.3" in text and "borderline ± 0.3" in text
    assert 'class="tag thin"' not in client.get(f"/assessments/{uncounted.id}/results").get_data(as_text=True)
    html = client.get(f"/assessments/{thin.id}/results").get_data(as_text=True)
    assert html.count('class="tag thin"') == 1 and "uncounted-sheets" not in html
    other = _text(client, f"/assessments/{thin.id}/results")
    assert re.search(r"People leadership critical \S+ ± [\d.]+ 4 .*? thin evidence", other)


def test_hr_page_in_german(client, auth, make, closed):
    """The section, the group, the reason and the tags in German, numbers with a decimal comma."""
    _, uncounted, thin = closed
    auth.login(make.user("hr"))
    text = _text(client, f"/assessments/{uncounted.id}/results", GERMAN)
    assert "Bögen, die nicht zählen" in text and "Peer: " in text
    assert "3,9 ± 0,3" in text and "Grenzfall ± 0,3" in text and "Sheets that do not count" not in text
    assert "dünne Datengrundlage" in _text(client, f"/assessments/{thin.id}/results", GERMAN)


def test_the_candidate_page_shows_none_of_it(client, auth, closed):
    """After release the candidates see their results, but no sheet that does not count, no tag, no error."""
    cycle, uncounted, thin = closed
    move_cycle(cycle, "released")
    for assessment in (uncounted, thin):
        auth.login(assessment.candidate)
        html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
        text = _text(client, f"/assessments/{assessment.id}/results")
        assert "Your readiness results" in text
        for words in HR_ONLY + ("± 0.3", "4 of 15"):
            assert words not in text, words
        for markup in ('class="tag thin"', 'class="tag borderline"', 'class="std-error"', "uncounted-sheets"):
            assert markup not in html, markup
        auth.logout()


def test_overview_counts_sheets_not_counted_and_thin_evidence(client, auth, make, closed):
    """HR's overview row says "1 sheet not counted" with the reason, and thin evidence with the competency."""
    cycle, *_ = closed
    auth.login(make.user("hr"))
    html = client.get(f"/cycles/{cycle.id}/overview").get_data(as_text=True)
    rows = {name: row for name, row in re.findall(r'<tr>\s*<th scope="row"><a[^>]*>([^<]+)</a>(.*?)</tr>', html, re.S)}
    una, theo = rows["Una Counted"], rows["Theo Thin"]
    assert "1 sheet not counted" in una and "Peer: rated 4 of 15 competencies" in una
    assert "not counted" not in theo and "Thin evidence" not in una
    assert 'title="People leadership">Thin evidence on 1 critical competency' in theo
    german = client.get(f"/cycles/{cycle.id}/overview", headers=GERMAN).get_data(as_text=True)
    assert "1 Bogen nicht gezählt" in german and "Dünne Datengrundlage bei 1 kritischen Kompetenz" in german


@needs_poppler
def test_hr_pdf_lists_the_sheet_and_marks_borderline_and_thin_the_candidates_does_not(client, auth, make, closed,
                                                                                       tmp_path):
    cycle, uncounted, thin = closed
    auth.login(make.user("hr"))
    text = _pdf(client, uncounted, tmp_path)
    assert "Sheets that do not count" in text and "Peer: rated 4 of 15 competencies" in text
    assert "Borderline ± 0.3" in text
    assert "Thin evidence" in _pdf(client, thin, tmp_path)
    move_cycle(cycle, "released")
    auth.logout()
    for assessment in (uncounted, thin):
        auth.login(assessment.candidate)
        text = _pdf(client, assessment, tmp_path)
        assert "Candidate copy" in text
        text = re.sub(r"Page \d+ of \d+", "", text)  # "Page 4 of 15" is no coverage
        for words in HR_ONLY + ("4 of 15",):
            assert words not in text, words
        auth.logout()
