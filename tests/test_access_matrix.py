"""Every route x every kind of user: sign-in, role and ownership, derived from each view's declaration.

Each view declares who may call it (``@public``, ``@signed_in`` or ``@role_required(...)`` set
``view.allowed_roles``); this test reads that declaration and the rule's URL parameters for EVERY rule of
``app.url_map`` (only ``static`` is skipped), so routes added later are covered without touching this file.
A view without a declaration, or a URL parameter this file does not know, makes it fail.

Expected outcomes, for GET (for POST-only rules: a POST with empty data):

- anonymous: redirect to /login, or not 403/404/5xx when the view is public;
- a signed-in user whose role is not allowed: 403;
- an allowed role with the user's OWN objects in every URL parameter: anything but 403/404/405/5xx;
- an allowed role with objects that are NOT the user's: 404 (or 403), never the data.

Who owns what (see docs/rating.md): HR owns everything. ``assignment_id`` is a rater's sheet, owned by its
rater only (the candidate owns their self-assessment sheet, not their raters' sheets); ``assessment_id`` is
owned by its candidate (raters reach an assessment only through their own sheet; the one exception, the wash-up
``/wash-up/<assessment_id>``, is closed to candidates by role and open to the candidate's assessors, whom
tests/test_wash_up_pages.py checks, with another candidate's and another assessor's); ``user_id`` by the user
themself; ``cycle_id``, ``job_id``, ``message_id`` (an outbox message) and ``token_id`` (an API token) by HR only. ``plan_id`` (a development
plan, issue 20) is owned by its candidate and their line manager (``User.manager``: here the candidate's rating
manager is made their line manager too, the other manager the other candidate's), ``action_id`` with its plan;
a peer owns none.

The JSON API's operations (``allowed_roles == "api_token"``) answer a token, never a session: they are checked
operation x scope x role of the token's creator in tests/test_api_matrix.py.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from flask import Blueprint

from assessment import create_app
from assessment.extensions import db
from assessment.models import ExportJob, OutboxMessage, Rating
from tests.plan_helpers import with_plan
from assessment.services.cycles import change_state
from assessment.services.api_tokens import create_token
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.conftest import app_config
from tests.factories import Factory
from tests.sheets import complete_answers, form_data, sheet_of, with_evidence

KNOWN_PARAMS = ("cycle_id", "assessment_id", "assignment_id", "user_id", "job_id", "message_id", "token_id",
                "plan_id", "action_id")
#: Parameters that choose a representation, not an object: one fixed value each; nobody owns them.
#: (``token`` is an e-mailed link's signed token: the public page answers a forged one with "this link does not work".)
#: (``role`` is a target role of the rubric: the talent review of a role is HR's, whoever the candidates are.)
FORMAT_PARAMS = {"fmt": "csv", "token": "not-a-valid-link", "role": "head_of_operations"}
PERSONAS = ("anonymous", "hr", "manager", "other_manager", "candidate", "other_candidate", "peer")

#: (endpoint, persona) -> a set of acceptable status codes, for a route whose rule differs from the model above.
#: Keep it empty unless a route has a documented reason to differ.
EXCEPTIONS: dict[tuple[str, str], set[int]] = {}


def rules_to_check(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def declaration_problems(app) -> list[str]:
    """Rules whose view declares no access, or whose URL has a parameter with no known owner."""
    problems = []
    for rule in rules_to_check(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "allowed_roles", None) is None:
            problems.append(f"{rule.rule} ({rule.endpoint}): no @public/@signed_in/@role_required declaration")
        for name in sorted(rule.arguments - set(KNOWN_PARAMS) - set(FORMAT_PARAMS)):
            problems.append(f"{rule.rule} ({rule.endpoint}): URL parameter {name!r} is not one of {KNOWN_PARAMS}")
    return problems


def test_every_route_declares_access_and_uses_known_parameters(app):
    """No route without an access declaration, no URL parameter without a known owner."""
    assert rules_to_check(app), "the URL map is empty?"
    assert declaration_problems(app) == []


def test_a_route_without_a_declaration_is_caught(database_url):
    """The check above fails for a new route nobody gave a rule, or one with an unknown parameter."""
    app = create_app(app_config(database_url))
    stray = Blueprint("stray", __name__)

    @stray.route("/stray")
    def show_stray():
        return "no declaration"

    @stray.route("/stray/<int:thing_id>")
    def show_thing(thing_id):
        return "unknown parameter"

    show_thing.allowed_roles = ("hr",)
    app.register_blueprint(stray)
    problems = declaration_problems(app)
    assert any("stray.show_stray" in p and "no @public" in p for p in problems)
    assert any("stray.show_thing" in p and "'thing_id'" in p for p in problems)


class World:
    """Two candidates in one released cycle, each with a manager; the first also with a peer. Plus an export job."""

    def __init__(self, make: Factory, tmp_path):
        framework = make.framework
        self.hr = make.user("hr")
        cycle = make.cycle()
        a = make.assessment(cycle=cycle, peers=1)
        b = make.assessment(cycle=cycle)
        for sheet in (sheet_of(a, "self"), sheet_of(a, "manager"), sheet_of(b, "manager")):
            inputs = with_evidence(sheet, [RatingInput(c.id, 3) for c in framework.competencies])
            save_sheet(sheet, inputs, actor=sheet.rater, framework=framework, expected_version=sheet.version_id,
                       submit=True)
        change_state(cycle, "closed", actor=self.hr)
        change_state(cycle, "released", actor=self.hr)
        a.candidate.manager_id, b.candidate.manager_id = sheet_of(a, "manager").rater_id, sheet_of(b, "manager").rater_id
        plan_a, action_a = with_plan(make, self.hr, a)
        plan_b, action_b = with_plan(make, self.hr, b)
        archive = tmp_path / "export.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("readme.txt", "test export")
        job = ExportJob(cycle_id=cycle.id, requested_by_id=self.hr.id, kind="reports_zip", state="done",
                        progress_done=2, progress_total=2, file_path=str(archive))
        db.session.add(job)
        message = OutboxMessage(kind="reminder", to_address="someone@example.com", subject="Reminder",
                                text_body="text", html_body="<p>html</p>", status="failed", attempts=8)
        db.session.add(message)
        token, _secret = create_token("Matrix", ["people:read"], 30, actor=self.hr)
        db.session.commit()
        self.users = {"hr": self.hr, "manager": sheet_of(a, "manager").rater, "other_manager": sheet_of(b, "manager").rater,
                      "candidate": a.candidate, "other_candidate": b.candidate, "peer": sheet_of(a, "peer").rater}
        side_a = {"cycle_id": cycle.id, "assessment_id": a.id, "job_id": job.id, "message_id": message.id,
                  "token_id": token.id, "plan_id": plan_a.id, "action_id": action_a.id}
        side_b = {"cycle_id": cycle.id, "assessment_id": b.id, "job_id": job.id, "message_id": message.id,
                  "token_id": token.id, "plan_id": plan_b.id, "action_id": action_b.id}
        plan_of = {"a": {"plan_id": plan_a.id, "action_id": action_a.id},
                   "b": {"plan_id": plan_b.id, "action_id": action_b.id}}
        #: What each persona owns, per URL parameter (missing: nothing of that kind is theirs).
        self.own = {
            "hr": {**side_a, "assignment_id": sheet_of(a, "manager").id, "user_id": a.candidate_id},
            "manager": {"assignment_id": sheet_of(a, "manager").id, **plan_of["a"]},
            "other_manager": {"assignment_id": sheet_of(b, "manager").id, **plan_of["b"]},
            "candidate": {"assignment_id": sheet_of(a, "self").id, "assessment_id": a.id, **plan_of["a"]},
            "other_candidate": {"assignment_id": sheet_of(b, "self").id, "assessment_id": b.id, **plan_of["b"]},
            "peer": {"assignment_id": sheet_of(a, "peer").id},
        }
        for persona, user in self.users.items():
            self.own[persona]["user_id"] = user.id if persona != "hr" else a.candidate_id
        #: Objects that belong to someone else: the other side's, for every parameter.
        self.foreign = {
            persona: {**(side_b if persona in ("manager", "candidate", "peer") else side_a),
                      "assignment_id": (sheet_of(b, "manager") if persona in ("manager", "candidate", "peer")
                                        else sheet_of(a, "manager")).id,
                      "user_id": (b.candidate_id if persona != "other_candidate" else a.candidate_id)}
            for persona in self.users
        }


def _request(client, rule, values):
    path = rule.build({**FORMAT_PARAMS, **values}, append_unknown=False)[1]
    if "GET" in rule.methods:
        return "GET", path, client.get(path)
    return "POST", path, client.post(path, data={})


def _login(client, user):
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": Factory.PASSWORD})
    assert response.status_code == 302, f"cannot sign in {user.email}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_by_role(app, make, tmp_path, persona):
    """Every rule answers this persona as its declaration and the object's owner say it should."""
    world = World(make, tmp_path)
    client = app.test_client()
    user = world.users.get(persona)
    if user is not None:
        _login(client, user)
    failures = []
    for rule in rules_to_check(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if allowed == "api_token":
            continue  # a token's operation: tests/test_api_matrix.py
        params = sorted(rule.arguments - set(FORMAT_PARAMS))
        cases = []  # (values, what is expected, description)
        if user is None:
            expect = "public" if allowed == "public" else "login"
            cases.append((world.own["hr"], expect, "anonymous"))
        elif allowed != "public" and user.role not in allowed:
            cases.append((world.own["hr"], "forbidden", f"role {user.role} not allowed"))
        else:
            own = world.own[persona]
            if all(p in own for p in params):
                cases.append((own, "ok", "own objects"))
            if params and persona != "hr" and allowed != "public":
                mixed = {p: own.get(p, world.foreign[persona][p]) for p in params}
                for p in params:
                    if p in own:  # one parameter at a time points at someone else's object
                        cases.append(({**mixed, p: world.foreign[persona][p]}, "hidden", f"another's {p}"))
                if not all(p in own for p in params):
                    cases.append((mixed, "hidden", "objects that are not theirs"))
        for values, expect, why in cases:
            method, path, response = _request(client, rule, values)
            status = response.status_code
            location = response.headers.get("Location", "")
            accepted = EXCEPTIONS.get((rule.endpoint, persona))
            if accepted is not None:
                ok = status in accepted
            elif expect == "login":
                ok = status == 302 and re.match(r"^(https?://[^/]+)?/login", location) is not None
            elif expect == "public":
                ok = status < 500 and status not in (403, 404)
            elif expect == "forbidden":
                ok = status == 403
            elif expect == "ok":
                ok = status < 500 and status not in (401, 403, 404, 405) and not (
                    status == 302 and "/login" in location and method == "GET")
            else:
                ok = status in (403, 404)
            if not ok:
                failures.append(f"{method} {path} [{rule.endpoint}] as {persona} ({why}): expected {expect}, "
                                f"got {status} {location}")
            if method == "POST" and user is not None:
                _login(client, user)  # a POST-only rule may have signed the user out (logout)
    assert failures == []


def test_sheet_post_without_csrf_token_is_refused_and_saves_nothing(database_url, make):
    """With CSRF on (as in production), a sheet POST without the token gets 400 and nothing is saved; with it, 302."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        assessment = make.assessment()
        sheet = sheet_of(assessment, "manager")
        client = app.test_client()
        token_of = lambda page: page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]  # noqa: E731
        login_page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": sheet.rater.email, "password": make.PASSWORD,
                                    "csrf_token": token_of(login_page)})
        data = form_data(sheet, complete_answers(make.framework), action="submit", confirm=True)
        refused = client.post(f"/ratings/{sheet.id}", data=data)
        assert refused.status_code == 400 and "missing security token" in refused.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(type(sheet), sheet.id).status == "not_started"
        assert db.session.query(Rating).count() == 0
        token = token_of(client.get(f"/ratings/{sheet.id}").get_data(as_text=True))
        accepted = client.post(f"/ratings/{sheet.id}", data={**data, "csrf_token": token})
        assert accepted.status_code == 302
        db.session.expire_all()
        assert db.session.get(type(sheet), sheet.id).status == "submitted"
