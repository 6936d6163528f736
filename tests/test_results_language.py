"""The results area in German and English: the results page (HR and the released candidate), the overview (stored
results per language, the same sorting, paging and counts in both), the scores CSV's headers, the export pages."""

import csv
import io
import re

import pytest

from rubrics import language

from assessment.extensions import db
from assessment.models import StoredResult
from assessment.services.exports import SCORE_COLUMNS
from assessment.services.rater_flags import _labels
from tests.results_helpers import move_cycle, rated_assessment


@pytest.fixture(autouse=True)
def _verdicts_while_open(app):
    """These tests read results of open cycles: with HIDE_VERDICTS_WHILE_OPEN off, as before the setting
    (tests/test_governance_hidden_verdicts.py tests it on)."""
    app.config["HIDE_VERDICTS_WHILE_OPEN"] = False

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _names(html):
    return re.findall(r'<th scope="row"><a href="/assessments/\d+/results">([^<]+)</a>', html)


def _page(response):
    """A page's HTML without the radar chart (its SVG coordinates are full of decimal points)."""
    return re.sub(r"<svg.*?</svg>", "", response.get_data(as_text=True), flags=re.S)


def _counts(html):
    return [int(n) for n in re.findall(r'<li class="band-[a-z_0-9]+"><strong>(\d+)</strong>', html)]


@pytest.fixture
def released(make):
    """A released assessment whose peers are shown (three of them), so group means have decimals (3.67)."""
    cycle = make.cycle(name="Frühjahrsrunde")
    assessment = rated_assessment(make, cycle=cycle, manager=4, self_level=5, peers=(3, 4, 4))
    move_cycle(cycle, "closed", "released")
    return assessment


@pytest.fixture
def overview_cycle(make):
    cycle = make.cycle(name="Herbstrunde")
    for name, level in (("Ada Strong", 5), ("Ben Middling", 3), ("Cleo Weak", 1), ("Dora Mittel", 4)):
        rated_assessment(make, cycle=cycle, manager=level, peers=(level,), candidate=make.user(name=name))
    return cycle


def test_results_page_in_german_for_hr(client, auth, make, released):
    """HR reads German headings, a decimal comma in the table and German column names; English stays the default."""
    auth.login(make.user("hr"))
    html = _page(client.get(f"/assessments/{released.id}/results", headers=GERMAN))
    for words in ("Berechnete Einstufung", "Kalibrierte Einstufung (HR-Gremium)", "Wer bewertet hat",
                  "Warum diese Einstufung", "Kompetenzen", "Entscheidungswert", "Abstand", "Entwicklungsschwerpunkte",
                  "Bericht als PDF herunterladen", "Einstufung kalibrieren", "Gewichteter Erfüllungsgrad:",
                  "Frühjahrsrunde: Ergebnisübersicht"):
        assert words in html, words
    assert '<html lang="de"' in html
    # Peers 3, 4, 4: their mean 3.67 is written the German way.
    assert "3,67" in html and "3.67" not in html
    for english in ("Computed verdict", "Who rated", "Why this verdict", "Decision score", "Download PDF report",
                    "Calibrate the verdict"):
        assert english not in html, english
    english_html = _page(client.get(f"/assessments/{released.id}/results", headers=ENGLISH))
    assert "Computed verdict" in english_html and "3.67" in english_html and "3,67" not in english_html


def test_results_page_in_german_for_the_released_candidate(client, auth, released):
    """The candidate reads their own results in German, numbers with a decimal comma, and no HR-only parts."""
    auth.login(released.candidate)
    page = client.get(f"/assessments/{released.id}/results", headers=GERMAN)
    assert page.status_code == 200
    html = _page(page)
    for words in ("Ihre Ergebnisse zur Beförderungsreife", "Berechnete Einstufung", "Wer bewertet hat", "Kompetenzen",
                  "Stärken", "Blinde Flecken"):
        assert words in html, words
    assert re.search(r">\d,\d+<", html), "a number with a decimal comma"
    assert "Einstufung kalibrieren" not in html and "Qualität der Bewertungen (nur HR)" not in html


def test_not_released_page_in_german(client, auth, make):
    """Before release the candidate's page says so in German, with no data."""
    assessment = rated_assessment(make, manager=4, self_level=3)
    auth.login(assessment.candidate)
    html = client.get(f"/assessments/{assessment.id}/results", headers=GERMAN).get_data(as_text=True)
    assert "Ihre Ergebnisse sind noch nicht freigegeben" in html and "Berechnete Einstufung" not in html


def test_overview_in_german_and_english_each_show_their_own_text(client, auth, make, overview_cycle):
    """The overview is stored once per language: each language reads its own text, sorting, paging and counts are
    the same in both."""
    auth.login(make.user("hr"))
    url = f"/cycles/{overview_cycle.id}/overview"
    german = client.get(url, headers=GERMAN).get_data(as_text=True)
    english = client.get(url, headers=ENGLISH).get_data(as_text=True)
    assert "Herbstrunde: Ergebnisübersicht" in german and "Einstufungen" in german
    assert "Geforderte Stufe erreicht oder übertroffen" in german and "At or above the required level" not in german
    assert "4 Kandidat:innen" in german and "4 candidates" in english
    assert "Herbstrunde: overview" in english and "Einstufungen" not in english
    stored = {lang for (lang,) in db.session.execute(db.select(StoredResult.language)).all()}
    assert stored == {"de", "en"}
    assert _names(german) == _names(english) == ["Ada Strong", "Ben Middling", "Cleo Weak", "Dora Mittel"]
    assert _counts(german) == _counts(english) and sum(_counts(german)) == 4
    for query in ("?sort=attainment&dir=desc", "?sort=c:strategic_planning", "?sort=verdict&dir=desc"):
        assert (_names(client.get(url + query, headers=GERMAN).get_data(as_text=True))
                == _names(client.get(url + query, headers=ENGLISH).get_data(as_text=True))), query


def test_overview_pages_the_same_in_both_languages(client, auth, make, app, overview_cycle):
    """Two rows a page: the same rows on each page, and the German pager."""
    app.config["PAGE_SIZE"] = 2
    auth.login(make.user("hr"))
    url = f"/cycles/{overview_cycle.id}/overview?sort=attainment&dir=desc"
    for page in (1, 2):
        german = client.get(f"{url}&page={page}", headers=GERMAN).get_data(as_text=True)
        english = client.get(f"{url}&page={page}", headers=ENGLISH).get_data(as_text=True)
        assert len(_names(german)) == 2 and _names(german) == _names(english)
        assert _counts(german) == _counts(english)


def test_scores_csv_has_german_headers_and_keeps_the_ids(client, auth, make, released):
    """The exporter's language names the columns; competency ids and rater groups stay ids in both languages."""
    auth.login(make.user("hr"))
    url = f"/cycles/{released.cycle_id}/scores.csv"
    german = list(csv.reader(io.StringIO(client.get(url, headers=GERMAN).get_data(as_text=True).lstrip("\ufeff"))))
    english = list(csv.reader(io.StringIO(client.get(url, headers=ENGLISH).get_data(as_text=True).lstrip("\ufeff"))))
    assert english[0] == list(SCORE_COLUMNS)
    assert german[0][:7] == ["Beurteilungsrunde", "Kandidat:in", "Aktuelle Rolle", "Zielrolle", "Kompetenz-ID",
                             "Kompetenz", "Gruppe (ID)"]
    assert "Entscheidungswert" in german[0] and "Berechnete Einstufung" in german[0]
    assert len(german) == len(english)
    ids = SCORE_COLUMNS.index("competency_id"), SCORE_COLUMNS.index("rater_group")
    assert [[row[i] for i in ids] for row in german[1:]] == [[row[i] for i in ids] for row in english[1:]]
    scored = german[1][SCORE_COLUMNS.index("scored")]
    assert re.fullmatch(r"\d+ von \d+", scored)


def test_export_pages_in_german(client, auth, make, released):
    """The export confirmation and the progress page speak German; the script's sentences come as data- attributes."""
    auth.login(make.user("hr"))
    confirm = client.get(f"/cycles/{released.cycle_id}/exports", headers=GERMAN).get_data(as_text=True)
    assert "Alle Berichte von Frühjahrsrunde exportieren" in confirm and "Export starten" in confirm
    from assessment.models import ExportJob

    job = ExportJob(cycle_id=released.cycle_id, requested_by_id=make.user("hr").id, kind="cycle_reports",
                    state="running", progress_done=1, progress_total=3)
    db.session.add(job)
    db.session.commit()
    html = client.get(f"/exports/{job.id}", headers=GERMAN).get_data(as_text=True)
    assert "Die Berichte werden erstellt: 1 von 3 Dateien." in html
    assert 'data-running-text="Die Berichte werden erstellt: {done} von {total} Dateien."' in html
    assert 'data-queued-text="Warten auf einen Worker' in html


def test_rater_flag_labels_join_in_the_current_language():
    """Two flags read "lenient and straight-lining" / "... und ..."; German keeps the labels' capitals."""

    class Flag:
        def __init__(self, label):
            self.label = label

    class Rater:
        flags = (Flag("Lenient"), Flag("Straight-lining"))

    assert _labels(Rater()) == "lenient and straight-lining"
    with language.use("de"):
        assert _labels(Rater()) == "Lenient und Straight-lining"


def test_a_scores_job_started_in_german_writes_german_headers(client, auth, make, released, app, tmp_path):
    """A background job writes in the language of the person who started it (the thread has no request)."""
    from openpyxl import load_workbook

    from assessment import jobs
    from assessment.models import ExportJob

    app.config.update(SCORES_XLSX_INLINE_MAX=0, EXPORTS_DIR=str(tmp_path))
    hr = make.user("hr")
    hr.language = "de"  # the account's language (services.exports runs the job in it)
    db.session.commit()
    auth.login(hr)
    confirm = client.get(f"/cycles/{released.cycle_id}/exports/scores", headers=GERMAN).get_data(as_text=True)
    assert "Werte von Frühjahrsrunde als XLSX exportieren" in confirm and "1 Kandidat:in</strong>" in confirm
    client.post(f"/cycles/{released.cycle_id}/exports/scores", headers=GERMAN)
    jobs.wait_for_threads()
    job = db.session.scalar(db.select(ExportJob))
    db.session.refresh(job)
    assert job.state == "done"
    assert "XLSX herunterladen" in client.get(f"/exports/{job.id}", headers=GERMAN).get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get(f"/exports/{job.id}/download").data))
    assert workbook.sheetnames == ["Werte"]
    header = next(workbook.active.iter_rows(values_only=True))
    assert header[:2] == ("Beurteilungsrunde", "Kandidat:in") and header[4] == "Kompetenz-ID"
