"""The talent review per target role (issue 20, 1): columns by verdict from the stored results, calibrated verdicts,
filters, sorting, paging, the slate, bench strength, the panel pack job, access and hostile query parameters."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import subprocess

from assessment import jobs
from assessment.extensions import db
from assessment.models import Calibration, ExportJob, StoredResult
from assessment.services.talent_review import ReviewQuery, build_review
from assessment.services.withdrawals import withdraw_candidate
from tests.results_helpers import move_cycle, rated_assessment

ROLE = "head_of_operations"


def varied(make, level: int) -> dict:
    """``level`` on every competency, one level more on every other one (a sheet that is not straight-lined)."""
    return {c.id: min(5, level + i % 2) for i, c in enumerate(make.framework.competencies)}


def _people(make, cycle, levels, unit=None):
    made = []
    for name, level in levels:
        candidate = make.user("candidate", name=name)
        candidate.unit = unit
        sheet = varied(make, level)
        made.append(rated_assessment(make, cycle=cycle, manager=sheet, peers=(sheet, sheet), candidate=candidate))
    db.session.commit()
    return made


@pytest.fixture
def review_cycle(make):
    cycle = make.cycle("Spring 2026")
    people = _people(make, cycle, [("Ada Strong", 5), ("Ben Middle", 3), ("Cy Weak", 1)], unit="Hamburg")
    people += _people(make, cycle, [("Dora Strong", 5)], unit="Berlin")
    move_cycle(cycle, "closed", "released")
    return cycle, people


def _columns(review):
    return {c.verdict_id: [card.assessment.candidate.name for card in c.cards] for c in review.columns}


def test_cards_sit_in_columns_by_verdict(app, review_cycle):
    """Every candidate is a card under their verdict; the counts come from the stored results."""
    cycle, people = review_cycle
    review = build_review(ReviewQuery(ROLE))
    columns = _columns(review)
    assert sorted(sum(columns.values(), [])) == ["Ada Strong", "Ben Middle", "Cy Weak", "Dora Strong"]
    assert "Cy Weak" in columns["not_yet_ready"]
    assert {"Ada Strong", "Dora Strong"} <= set(columns["ready_now"])
    assert review.total == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredResult)) >= 4



def _calibrate(make, assessment, band_id, status="approved"):
    hr = make.user("hr")
    db.session.add(Calibration(assessment_id=assessment.id, band_id=band_id, computed_band_id="not_yet_ready",
                               rationale="The panel saw more evidence in the acting-up assignment last spring.",
                               created_by_id=hr.id, status=status))
    db.session.commit()


def test_a_calibrated_verdict_moves_the_card_and_a_proposal_does_not(app, make, review_cycle):
    """The card sits under the calibration in force (saying what was computed); a pending proposal changes nothing."""
    _cycle, people = review_cycle
    weak = people[2]
    _calibrate(make, weak, "ready_now", status="proposed")
    assert "Cy Weak" in _columns(build_review(ReviewQuery(ROLE)))["not_yet_ready"]
    _calibrate(make, weak, "ready_1_2_years")
    review = build_review(ReviewQuery(ROLE))
    column = next(c for c in review.columns if c.verdict_id == "ready_1_2_years")
    card = next(card for card in column.cards if card.assessment.id == weak.id)
    assert card.verdict_id == "ready_1_2_years" and card.computed == "Not yet ready"
    assert dict((b, n) for b, _label, n in review.slate_bands) == {"ready_now": 2, "ready_1_2_years": 2}


def test_withdrawn_candidates_are_left_out(app, make):
    """A withdrawn candidate has no results anywhere, so no card and no place on the slate."""
    cycle = make.cycle("Spring 2026")
    people = _people(make, cycle, [("Ada Strong", 5), ("Ben Middle", 3)])
    withdraw_candidate(people[0], "Left the company in the middle of the cycle.", actor=make.user("hr"))
    db.session.commit()
    move_cycle(cycle, "closed", "released")
    review = build_review(ReviewQuery(ROLE))
    assert "Ada Strong" not in sum(_columns(review).values(), []) and review.total == 1
    assert "Ada Strong" not in [entry.name for entry in review.slate]


def test_unit_filter_sorting_and_paging_per_column(app, review_cycle):
    """Filter by unit; sort a column by score or name either way; each column pages on its own, clamped."""
    review = build_review(ReviewQuery(ROLE, unit="Berlin"))
    assert sum(_columns(review).values(), []) == ["Dora Strong"] and review.units == ["Berlin", "Hamburg"]
    assert build_review(ReviewQuery(ROLE, unit="Nowhere\x00")).total == 4  # an unknown unit filters nothing
    by_name = build_review(ReviewQuery(ROLE, sort="name", descending=True), column_size=1)
    ready = next(c for c in by_name.columns if c.verdict_id == "ready_now")
    assert [card.assessment.candidate.name for card in ready.cards] == ["Dora Strong"]
    assert ready.total == 2 and ready.per_page == 1
    last = build_review(ReviewQuery(ROLE, pages={"ready_now": 10**12}), column_size=1)
    ready = next(c for c in last.columns if c.verdict_id == "ready_now")
    assert ready.number == 2 and [c.assessment.candidate.name for c in ready.cards] == ["Dora Strong"]
    by_score = build_review(ReviewQuery(ROLE, sort="score", descending=True))
    names = [card.assessment.candidate.name for column in by_score.columns for card in column.cards]
    assert set(names) == {"Ada Strong", "Ben Middle", "Cy Weak", "Dora Strong"}


def test_slate_and_bench_strength_across_cycles(app, make, review_cycle):
    """The slate names each person once (their latest cycle); bench strength counts per cycle, oldest first."""
    first, _people_then = review_cycle
    second = make.cycle("Autumn 2026")
    again = make.user("candidate", name="Cy Weak again")
    rated_assessment(make, cycle=second, manager=varied(make, 5), peers=(varied(make, 5),) * 2, candidate=again)
    move_cycle(second, "closed", "released")
    review = build_review(ReviewQuery(ROLE, cycle_ids=(first.id, second.id)))
    assert {c.name for c in review.chosen} == {"Spring 2026", "Autumn 2026"} and review.total == 5
    assert [(b.cycle, b.ready_now, b.after_development) for b in review.bench][-1][1:] == (1, 0)
    assert {b.cycle for b in review.bench} == {"Spring 2026", "Autumn 2026"}
    names = [entry.name for entry in review.slate]
    assert names[:3] == ["Ada Strong", "Cy Weak again", "Dora Strong"] and names[3] == "Ben Middle"
    # By default only the latest cycle is shown.
    assert [c.name for c in build_review(ReviewQuery(ROLE)).chosen] == ["Autumn 2026"]


def test_the_page_for_hr(client, auth, make, review_cycle):
    """HR's page: every card links to the results page and to the calibration form; slate and chart are there."""
    _cycle, people = review_cycle
    auth.login(make.user("hr"))
    page = client.get(f"/hr/talent/{ROLE}").get_data(as_text=True)
    assert "Talent review: Head of Operations" in page
    for a in people:
        assert f'href="/assessments/{a.id}/results"' in page
        assert f'href="/assessments/{a.id}/results#calibration"' in page
    assert "Propose a different verdict" in page and 'id="slate-names"' in page and "<svg" in page
    assert 'class="bench-table"' in page
    roles = client.get("/hr/talent").get_data(as_text=True)
    assert f'href="/hr/talent/{ROLE}"' in roles
    assert 'href="/hr/talent"' in client.get("/hr/cycles").get_data(as_text=True)


def test_the_page_in_german(client, auth, make, review_cycle):
    """The page speaks German for a German reader."""
    hr = make.user("hr")
    hr.language = "de"
    db.session.commit()
    auth.login(hr)
    page = client.get(f"/hr/talent/{ROLE}").get_data(as_text=True)
    assert "Nachfolgeplanung" in page and "Jetzt bereit" in page
    assert 'selected value="de"' in page  # the panel pack in the reader's language, unless they choose another


@pytest.mark.parametrize("role", ["manager", "candidate"])
def test_only_hr_sees_the_review(client, auth, make, review_cycle, role):
    """Managers and candidates get 403 on every talent URL, GET and POST."""
    auth.login(make.user(role))
    assert client.get("/hr/talent").status_code == 403
    assert client.get(f"/hr/talent/{ROLE}").status_code == 403
    assert client.post(f"/hr/talent/{ROLE}/pack").status_code in (400, 403)


@pytest.mark.parametrize("url", [
    f"/hr/talent/{ROLE}?p-ready_now=99999999999999999999999", f"/hr/talent/{ROLE}?p-ready_now=-3",
    f"/hr/talent/{ROLE}?unit=%00", f"/hr/talent/{ROLE}?cycle=%00&cycle=99999999999999999999&cycle=abc",
    f"/hr/talent/{ROLE}?sort=%00&dir=%00", f"/hr/talent/{ROLE}?p-%00=2", f"/hr/talent/{ROLE}?unit=" + "x" * 5000,
])
def test_hostile_query_parameters_never_fail(client, auth, make, review_cycle, url):
    """Huge or negative page numbers, unknown and overlong filters: the page; NUL anywhere or an overlong query: the app's clear 400;
    never a 500."""
    auth.login(make.user("hr"))
    assert client.get(url).status_code == (400 if "%00" in url or len(url) > 4000 else 200)


@pytest.mark.parametrize("role", ["coo", "nobody", "%00", "head_of_operations%00", "x" * 300, "COO"])
def test_unknown_roles_are_not_found(client, auth, make, review_cycle, role):
    """A role nobody is a candidate for, or no role at all: 404."""
    auth.login(make.user("hr"))
    assert client.get(f"/hr/talent/{role}").status_code == 404
    assert client.post(f"/hr/talent/{role}/pack", data={"pack-language": "en"}).status_code in (400, 404)


def test_an_open_cycle_is_not_offered(client, auth, make):
    """While a cycle is open its verdicts are hidden: no review of it."""
    cycle = make.cycle("Open now")
    rated_assessment(make, cycle=cycle, manager=4)
    auth.login(make.user("hr"))
    assert client.get(f"/hr/talent/{ROLE}").status_code == 404
    assert f"/hr/talent/{ROLE}" not in client.get("/hr/talent").get_data(as_text=True)


@pytest.fixture
def exports_dir(app, tmp_path):
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return tmp_path / "exports"


@pytest.mark.parametrize("lang, words", [("en", ["Panel pack", "Succession slate", "Top development priorities"]),
                                         ("de", ["Gremienmappe", "Nachfolgeplanung", "Entwicklungsprioritäten"])])
def test_the_panel_pack_is_an_export_job(client, auth, make, review_cycle, exports_dir, tmp_path, lang, words):
    """Starting the pack queues a job (audited); it ends in a PDF with a cover and a page per candidate."""
    cycle, people = review_cycle
    auth.login(make.user("hr"))
    response = client.post(f"/hr/talent/{ROLE}/pack", data={"pack-cycles": str(cycle.id), "pack-unit": "Hamburg",
                                                              "pack-language": lang})
    assert response.status_code == 302
    job = db.session.scalar(sa.select(ExportJob))
    assert response.headers["Location"].endswith(f"/exports/{job.id}")
    assert job.kind == "panel_pack" and job.params["unit"] == "Hamburg" and job.params["lang"] == lang
    jobs.wait_for_threads()
    db.session.expire_all()
    assert job.state == "done", job.error
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Download the PDF" in page or "PDF herunterladen" in page
    download = client.get(f"/exports/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    path = tmp_path / "pack.pdf"
    path.write_bytes(download.data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    for word in words + ["Ada Strong", "Ben Middle", "Cy Weak"]:
        assert word in text
    assert "Dora Strong" not in text.split("\f", 1)[1]  # Berlin: not in the Hamburg pack's pages
    pages = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+4\b", pages)


def test_too_many_missing_results_go_to_a_job(client, auth, make, app, review_cycle):
    """Above RESULTS_INLINE_MAX missing results the review starts the results job and shows its progress page."""
    app.config["RESULTS_INLINE_MAX"] = 1
    db.session.execute(sa.delete(StoredResult))
    db.session.commit()
    auth.login(make.user("hr"))
    response = client.get(f"/hr/talent/{ROLE}")
    assert response.status_code == 302 and "/exports/" in response.headers["Location"]
    jobs.wait_for_threads()
    app.config["RESULTS_INLINE_MAX"] = 300
    assert client.get(f"/hr/talent/{ROLE}").status_code == 200


def test_a_page_costs_the_same_whatever_the_number_of_candidates(client, auth, make, review_cycle, monkeypatch):
    """Once results are stored, a review runs the same queries and decodes only the cards it shows, for a cycle of
    4 candidates or of 9."""
    from assessment.services import result_codec, talent_review
    from tests.querycount import counted_queries

    small_cycle, _people_now = review_cycle
    large_cycle = make.cycle("Autumn 2026")
    _people(make, large_cycle, [(f"{word} {n}", level) for n in range(3)
                                for word, level in (("Strong", 5), ("Middle", 3), ("Weak", 1))])
    move_cycle(large_cycle, "closed", "released")
    monkeypatch.setattr(talent_review, "COLUMN_SIZE", 1)
    auth.login(make.user("hr"))
    decoded = []
    loads = result_codec.loads
    monkeypatch.setattr(result_codec, "loads", lambda cls, text: decoded.append(1) or loads(cls, text))

    def cost(cycle):
        url = f"/hr/talent/{ROLE}?sort=agreement&cycle={cycle.id}"
        client.get(url)  # computes and stores what is missing
        decoded.clear()
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements), len(decoded)

    assert cost(small_cycle) == cost(large_cycle)
    assert cost(large_cycle)[1] == 3  # one card per column shown (three columns have people)


def test_the_panel_pack_carries_the_candidates_reply(app, review_cycle):
    """A candidate's reply (HR's record) is on their page of the pack; nobody else's page has a reply section."""
    from assessment.models import CandidateReply
    from assessment.services.talent_pack import panel_pack_data
    cycle, people = review_cycle
    ada = next(a for a in people if a.candidate.name == "Ada Strong")
    db.session.add(CandidateReply(assessment_id=ada.id, text="The Rotterdam launch is missing from my evidence.",
                                  version=1))
    db.session.commit()
    pack = panel_pack_data({"role": ROLE, "cycles": [cycle.id], "unit": ""})
    replies = {page.name: page.reply for page in pack.candidates}
    assert replies["Ada Strong"] == "The Rotterdam launch is missing from my evidence."
    assert replies["Ben Middle"] is None and replies["Cy Weak"] is None
