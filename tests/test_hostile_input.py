"""Hostile and careless input to every form and list filter, on SQLite and PostgreSQL: a 4xx with a message
saying what and where, nothing stored, never a 500. Right-to-left text and emoji are ordinary text.

(File imports have their own suite: tests/test_hostile_imports.py.)
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from assessment.extensions import db
from assessment.forms import CleanForm
from assessment.models import Cycle, User
from assessment.services.cycles import change_state
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.factories import Factory
from tests.sheets import complete_answers, form_data, sheet_of, with_evidence

#: (payload, what the message must say)
BAD_TEXT = [
    ("Before\x00After", "NUL byte"),
    ("Bell\x07here", "control character U+0007"),
    ("C1\x85char", "control character U+0085"),
    ("x" * 10_001, "characters"),
]
GOOD_TEXT = ["דנה לוי", "ليلى حداد", "Ana 👍🚀 Ruiz", "Zoë Müller-Šimić"]


def table_counts() -> dict[str, int]:
    """Rows in every table but the stored results and rater quality (a page view may fill them): what 'nothing
    stored' is checked against."""
    with db.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables if t.name not in ("stored_results", "stored_rater_quality")}


class World:
    """An open cycle with one candidate (a manager's sheet submitted), and a released cycle to calibrate."""

    def __init__(self, make: Factory):
        framework = make.framework
        self.hr = make.user("hr")
        self.open_assessment = make.assessment()
        self.sheet = sheet_of(self.open_assessment, "manager")
        self.manager = self.sheet.rater
        released = make.assessment()
        self.submitted = sheet_of(self.open_assessment, "self")
        for sheet in (self.submitted, sheet_of(released, "manager")):
            save_sheet(sheet, with_evidence(sheet, [RatingInput(c.id, 3) for c in framework.competencies]), actor=sheet.rater,
                       framework=framework, expected_version=sheet.version_id, submit=True)
        change_state(released.cycle, "closed", actor=self.hr)
        change_state(released.cycle, "released", actor=self.hr)
        db.session.commit()
        self.released = released
        self.band = framework.readiness.bands[0].id


def _form_cases(w: World, make: Factory):
    """(case id, who posts, path, the other fields as sent, the field under test)."""
    cycle = w.open_assessment.cycle
    candidate = {"email": "new.person@example.com", "current_role": "operations_manager",
                 "target_role": "head_of_operations", "manager_emails": w.manager.email, "peer_emails": "",
                 "name": "New Person"}
    sheet = form_data(w.sheet, complete_answers(make.framework))
    first = make.framework.competencies[0].id
    return [
        ("login.email", None, "/login", {"email": "a@example.com", "password": "x" * 12}, "email"),
        ("cycle.name", w.hr, "/hr/cycles/new", {"name": "Spring", "instructions": ""}, "name"),
        ("cycle.instructions", w.hr, "/hr/cycles/new", {"name": "Spring", "instructions": ""}, "instructions"),
        ("cycle_edit.name", w.hr, f"/hr/cycles/{cycle.id}/edit",
         {"name": "Spring", "instructions": "", "version": str(cycle.version_id)}, "name"),
        ("cycle_edit.version", w.hr, f"/hr/cycles/{cycle.id}/edit",
         {"name": "Spring", "instructions": "", "version": str(cycle.version_id)}, "version"),
        *[(f"candidate.{f}", w.hr, f"/hr/cycles/{cycle.id}/candidates/new", candidate, f)
          for f in ("name", "email", "manager_emails", "peer_emails")],
        ("rater.email", w.hr, f"/hr/assessments/{w.open_assessment.id}", {"email": "", "rater_group": "peer"},
         "email"),
        ("reopen.reason", w.hr, f"/hr/assignments/{w.submitted.id}/reopen", {"reason": "More evidence"}, "reason"),
        ("person.name", w.hr, "/hr/people/new", {"name": "P", "email": "p.new@example.com", "role": "manager"},
         "name"),
        ("person.email", w.hr, "/hr/people/new", {"name": "P", "email": "p.new@example.com", "role": "manager"},
         "email"),
        ("role.role", w.hr, f"/hr/people/{w.manager.id}/role", {"role": "hr", "confirmed": "yes"}, "role"),
        ("sheet.evidence", w.manager, f"/ratings/{w.sheet.id}", sheet, f"evidence_{first}"),
        ("sheet.version", w.manager, f"/ratings/{w.sheet.id}", sheet, "version"),
        ("calibration.rationale", w.hr, f"/assessments/{w.released.id}/calibration",
         {"band_id": w.band, "rationale": "The panel weighed the northern restructuring."}, "rationale"),
    ]


CASE_IDS = ["login.email", "cycle.name", "cycle.instructions", "cycle_edit.name", "cycle_edit.version",
            "candidate.name", "candidate.email", "candidate.manager_emails", "candidate.peer_emails", "rater.email",
            "reopen.reason", "person.name", "person.email", "role.role", "sheet.evidence", "sheet.version",
            "calibration.rationale"]


def _sign_in(client, user):
    client.post("/logout")
    if user is not None:
        assert client.post("/login", data={"email": user.email, "password": Factory.PASSWORD}).status_code == 302


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_bad_text_in_a_form_gets_a_field_message_and_stores_nothing(app, make, case_id):
    """NUL, other control characters and over-long text: 4xx, a message naming the problem, no row changed."""
    world = World(make)
    cases = {c[0]: c[1:] for c in _form_cases(world, make)}
    assert set(cases) == set(CASE_IDS)
    user, path, data, field = cases[case_id]
    client = app.test_client()
    _sign_in(client, user)
    for payload, expected in BAD_TEXT:
        before = table_counts()
        response = client.post(path, data={**data, field: payload})
        body = response.get_data(as_text=True)
        assert 400 <= response.status_code < 500, f"{case_id} with {payload[:12]!r}: {response.status_code}"
        if field not in ("role", "version"):  # a choice or a version is refused as such, not for its text
            assert expected in body or "Not a valid" in body, f"{case_id}: no message for {payload[:12]!r}"
        db.session.rollback()
        assert table_counts() == before, f"{case_id} with {payload[:12]!r} stored something"
        # Everything else typed is kept on the page.
        for other, value in data.items():
            if other != field and isinstance(value, str) and len(value) > 3 and "password" not in other:
                assert value in body or other == "version", f"{case_id}: {other} was not kept"


def test_every_form_of_the_app_cleans_its_input(app):
    """Every form class derives from CleanForm (the one cleaning layer), so no form can skip it."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import assessment.auth.forms  # noqa: F401 - make sure every area's forms are imported
    import assessment.hr.forms  # noqa: F401
    import assessment.rating.forms  # noqa: F401
    import assessment.results.forms  # noqa: F401

    outside = [f"{cls.__module__}.{cls.__name__}" for cls in subclasses(FlaskForm)
               if cls.__module__.startswith("assessment.") and not issubclass(cls, CleanForm)]
    assert outside == []


def test_tab_and_line_breaks_are_kept_in_multiline_text_only(client, auth, make):
    """A text area may hold tabs and line breaks; a one-line name may not."""
    auth.login(make.user("hr"))
    ok = client.post("/hr/cycles/new", data={"name": "Tabs", "instructions": "Line one\r\n\tindented"})
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(Cycle.instructions).where(Cycle.name == "Tabs")) == "Line one\r\n\tindented"
    refused = client.post("/hr/cycles/new", data={"name": "Two\nlines"})
    assert refused.status_code == 400 and "one line of text" in refused.get_data(as_text=True)


@pytest.mark.parametrize("name", GOOD_TEXT)
def test_right_to_left_text_and_emoji_are_ordinary_text(client, auth, make, name):
    """Hebrew, Arabic, emoji and accents are stored exactly as typed and shown back."""
    auth.login(make.user("hr"))
    response = client.post("/hr/people/new", data={"name": name, "email": "rtl.person@example.com",
                                                   "role": "candidate"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.name).where(User.email == "rtl.person@example.com")) == name
    assert name in client.get("/hr/people").get_data(as_text=True)


def _filter_urls(world: World) -> list[tuple[object, str]]:
    cycle = world.open_assessment.cycle
    return [
        (world.hr, "/hr/people?q={}"), (world.hr, "/hr/people?role={}"),
        (world.hr, f"/hr/cycles/{cycle.id}?q={{}}"), (world.hr, f"/hr/cycles/{cycle.id}?status={{}}"),
        (world.hr, f"/hr/cycles/{cycle.id}?target_role={{}}"), (world.hr, "/hr/audit?kind={}"),
        (world.hr, "/hr/audit?cycle_id={}"), (world.hr, f"/cycles/{world.released.cycle_id}/overview?role={{}}"),
        (world.hr, f"/cycles/{world.released.cycle_id}/overview?sort={{}}"), (world.manager, "/ratings/?status={}"),
        (world.manager, "/ratings/?sort={}&dir=desc"), (world.hr, "/hr/people?page={}"),
    ]


@pytest.mark.parametrize("encoded, expected", [("a%00b", "NUL byte"), ("a%07b", "U+0007"), ("%C2%85", "U+0085")])
def test_bad_text_in_a_list_filter_gets_400_with_a_message(app, make, encoded, expected):
    """Every list filter and query argument: 400 saying which argument and what is wrong, never a 500."""
    world = World(make)
    client = app.test_client()
    for user, url in _filter_urls(world):
        _sign_in(client, user)
        response = client.get(url.format(encoded))
        body = response.get_data(as_text=True)
        assert response.status_code == 400, f"{url}: {response.status_code}"
        assert expected in body and "Bad request" in body, url


def test_over_long_search_text_is_refused_with_a_message(client, auth, make):
    """A search over 200 characters is refused (it was cut silently before)."""
    auth.login(make.user("hr"))
    response = client.get("/hr/people?q=" + "x" * 201)
    assert response.status_code == 400 and "at most 200" in response.get_data(as_text=True)
    assert client.get("/hr/people?q=" + "דנה").status_code == 200


def test_the_command_line_refuses_bad_text_too(runner, monkeypatch):
    """`opsladder users create` with a NUL in the name or e-mail: a clear error, no account (the services check)."""
    monkeypatch.setenv("OPSLADDER_PASSWORD", "a-long-enough-password")
    before = table_counts()
    for args in (["--name", "Ann\x00Lee", "--email", "ann@example.com"], ["--email", "an\x00n@example.com"]):
        result = runner.invoke(args=["users", "create", "--role", "hr", *args])
        assert result.exit_code != 0 and "NUL byte" in result.output
    assert table_counts() == before


def test_the_sheets_background_save_refuses_bad_text_with_a_json_message(app, make):
    """The autosave (JSON) gets 400 with the field's problem in words, and nothing is saved."""
    world = World(make)
    client = app.test_client()
    _sign_in(client, world.manager)
    first = make.framework.competencies[0].id
    data = form_data(world.sheet, complete_answers(make.framework))
    before = table_counts()
    response = client.post(f"/ratings/{world.sheet.id}", data={**data, f"evidence_{first}": "Good\x00work"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.is_json
    assert response.json["saved"] is False and "NUL byte" in response.json["message"]
    db.session.rollback()
    assert table_counts() == before
