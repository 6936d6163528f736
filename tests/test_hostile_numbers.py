"""Hostile numbers in URLs, query arguments and forms, on SQLite and PostgreSQL: a 404 or a message, never a 500
(issue 15, finding 8). Ids of 2^31 overflow PostgreSQL's integer, 2^63 SQLite's; "²" passes ``str.isdigit`` but
not ``int``; "١٢" (Arabic-Indic digits) is 12 to ``int`` and must not name record 12.
"""

from __future__ import annotations

import re

import pytest

from assessment.cleaning import MAX_WHOLE_NUMBER, WholeNumberConverter, whole_number
from assessment.extensions import db
from assessment.services.cycles import change_state
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import sheet_of, with_evidence

HOSTILE = [str(2**31), str(2**63), str(2**64), "9" * 40, "²", "١٢", "0"]
ARGUMENTS = ("page", "rpage", "cycle_id", "user_id", "sort", "dir", "status", "kind", "role", "lang")


def int_rules(app):
    """Every route with an integer in its path, with the values to fill its other parts."""
    for rule in app.url_map.iter_rules():
        ints = [name for name in rule.arguments if f"<int:{name}>" in rule.rule]
        if ints:
            yield rule, ints


def fill(rule, ints: list[str], value: str) -> str:
    path = rule.rule
    for name in ints:
        path = path.replace(f"<int:{name}>", value)
    return re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", path)


@pytest.fixture
def released(make):
    """A released cycle with one candidate whose manager's sheet is in; HR signed in by the test."""
    hr = make.user("hr")
    assessment = make.assessment()
    sheet = sheet_of(assessment, "manager")
    save_sheet(sheet, with_evidence(sheet, [RatingInput(c.id, 3) for c in make.framework.competencies]), actor=sheet.rater,
               framework=make.framework, expected_version=sheet.version_id, submit=True)
    change_state(assessment.cycle, "closed", actor=hr)
    change_state(assessment.cycle, "released", actor=hr)
    db.session.commit()
    return hr, assessment


def test_whole_number_takes_ascii_digits_in_range_only():
    assert whole_number("12") == 12 and whole_number(" 7 ") == 7
    assert whole_number(str(MAX_WHOLE_NUMBER)) == MAX_WHOLE_NUMBER
    for bad in ["", None, "-1", "1.5", "²", "١٢", "１２", str(MAX_WHOLE_NUMBER + 1), str(2**63), "12a"]:
        assert whole_number(bad) is None, bad
    assert whole_number("0", minimum=1) is None


def test_every_integer_route_uses_the_bounded_converter(app):
    rules = list(int_rules(app))
    assert len(rules) > 20
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if "<int:" in rule.rule and f"<int:{name}>" in rule.rule:
                assert isinstance(converter, WholeNumberConverter), rule.rule


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_ids_in_every_url_are_404(app, client, auth, make, value):
    hr = make.user("hr")
    db.session.commit()
    auth.login(hr)
    for rule, ints in int_rules(app):
        path = fill(rule, ints, value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={})
            assert response.status_code == 404, (method, path, response.status_code)


def test_arabic_digits_never_name_a_record(client, auth, released):
    hr, assessment = released
    auth.login(hr)
    local = "".join(chr(0x660 + int(d)) for d in str(assessment.id))
    assert client.get(f"/assessments/{assessment.id}/results").status_code == 200
    assert client.get(f"/assessments/{local}/results").status_code == 404


@pytest.mark.parametrize("value", HOSTILE + ["c:\"", "c:$[", "c:", "c:'); --"])
def test_hostile_query_arguments_on_every_list_are_never_a_500(app, client, auth, released, value):
    hr, assessment = released
    auth.login(hr)
    query = "&".join(f"{name}={value}" for name in ARGUMENTS)
    paths = [rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")]
    paths += [f"/cycles/{assessment.cycle_id}/overview", f"/hr/cycles/{assessment.cycle_id}",
              f"/assessments/{assessment.id}/results"]
    for path in paths:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, value, response.status_code)


@pytest.mark.parametrize("sort", ["c:\"", "c:$[", "c:a.b", "c:x\"]"])
def test_overview_sort_by_an_unknown_competency_falls_back_to_name(client, auth, released, sort):
    hr, assessment = released
    auth.login(hr)
    response = client.get(f"/cycles/{assessment.cycle_id}/overview", query_string={"sort": sort})
    assert response.status_code == 200
    assert assessment.candidate.name in response.get_data(as_text=True)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_ids_in_forms_get_a_message(client, auth, make, released, value):
    hr, assessment = released
    auth.login(hr)
    response = client.post(f"/assessments/{assessment.id}/calibration/approval", data={"calibration_id": value})
    assert response.status_code == 422
    closed = make.assessment(cycle=make.cycle(state="open"))
    change_state(closed.cycle, "closed", actor=hr)
    db.session.commit()
    response = client.post(f"/hr/cycles/{closed.cycle_id}/state?to=released",
                           data={"withhold": value, "acknowledge": "y"})
    assert response.status_code in (200, 400, 422), response.status_code
    db.session.expire_all()
    assert closed.cycle.state == "closed"
    response = client.post(f"/hr/cycles/{closed.cycle_id}/bulk", data={"sheet": value, "rater": value,
                                                                        "action": "remind"})
    assert response.status_code < 500
