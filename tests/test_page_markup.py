"""Markup every page must get right, over every GET route of the route table and every kind of user (the same
world as tests/test_access_matrix.py): ids are unique and a required select starts with an empty choice; the
rating sheet's pages carry no inline script or style (a strict Content-Security-Policy is coming)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from assessment import create_app
from tests.conftest import app_config
from tests.test_access_matrix import FORMAT_PARAMS, PERSONAS, World, rules_to_check


class PageMarkup(HTMLParser):
    """Collects ids, required selects with their first option, inline handlers/styles and inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.selects: list[dict] = []  # {"id", "required", "first_value"}
        self.inline: list[str] = []
        self._open_select: dict | None = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.inline.append(f"<{tag} {name}=...>")
        if tag == "select":
            self._open_select = {"id": attributes.get("id"), "required": "required" in attributes,
                                 "first_value": None}
            self.selects.append(self._open_select)
        elif tag == "option" and self._open_select is not None and self._open_select["first_value"] is None:
            self._open_select["first_value"] = attributes.get("value", "")
        elif tag == "script":
            self._in_script = "src" not in attributes
        elif tag == "style":
            self.inline.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "select":
            self._open_select = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("inline <script> code")


def parse(html: str) -> PageMarkup:
    parser = PageMarkup()
    parser.feed(html)
    return parser


def problems_of(html: str, *, inline: bool = True) -> list[str]:
    """What is wrong with a page's markup; ``inline``: count inline script and styles too."""
    page = parse(html)
    found = [f"id {name!r} appears {count} times" for name, count in Counter(page.ids).items() if count > 1]
    found += [f"required select #{s['id']} starts with option value {s['first_value']!r}, not an empty one"
              for s in page.selects if s["required"] and s["first_value"] not in ("",)]
    return found + (page.inline if inline else [])


def test_the_checks_catch_what_they_look_for():
    """The parser sees a repeated id, a required select without an empty first option and inline code."""
    html = ('<form><input id="csrf_token"></form><form><input id="csrf_token"></form>'
            '<select id="role" required><option value="hr">HR</option></select>'
            '<select id="ok" required><option value="">Choose…</option><option value="a">A</option></select>'
            '<button onclick="go()">Go</button><p style="color: red">x</p><script>alert(1)</script>'
            '<script src="/static/js/app.js"></script>')
    assert problems_of(html) == ["id 'csrf_token' appears 2 times",
                                 "required select #role starts with option value 'hr', not an empty one",
                                 "<button onclick=...>", "<p style=...>", "inline <script> code"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_has_unique_ids_and_valid_required_selects(database_url, make, tmp_path, persona):
    """Every GET route answering this persona with HTML has unique ids and required selects that start empty
    (CSRF on, as in production, so that every form renders its token). Inline code is checked on the sheet's
    pages below; the Content-Security-Policy work covers the rest."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    with app.app_context():
        world = World(make, tmp_path)
        client = app.test_client()
        user = world.users.get(persona)
        if user is not None:
            login_page = client.get("/login").get_data(as_text=True)
            token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            client.post("/login", data={"email": user.email, "password": make.PASSWORD, "csrf_token": token})
        own = world.own.get(persona, world.own["hr"])
        failures, checked = [], 0
        for rule in rules_to_check(app):
            if "GET" not in rule.methods or not all(p in own for p in rule.arguments - set(FORMAT_PARAMS)):
                continue
            path = rule.build({**FORMAT_PARAMS, **own}, append_unknown=False)[1]
            response = client.get(path)
            if not response.content_type.startswith("text/html"):
                continue
            checked += 1
            html = response.get_data(as_text=True)
            failures += [f"{path}: {problem}" for problem in problems_of(html, inline=False)]
        assert checked >= 2, "no HTML page was checked"
        assert failures == []


def test_the_sheet_pages_carry_no_inline_code(client, auth, make):
    """The sheet (editable, with an error summary, read-only) and its confirmation page: scripts from files only."""
    from tests.sheets import complete_answers, form_data, sheet_of

    assessment = make.assessment()
    sheet = sheet_of(assessment, "manager")
    auth.login(sheet.rater)
    pages = [client.get(f"/ratings/{sheet.id}"),
             client.post(f"/ratings/{sheet.id}", data=form_data(sheet, {}, action="submit"))]
    client.post(f"/ratings/{sheet.id}", data=form_data(sheet, complete_answers(make.framework), action="submit"))
    pages.append(client.get(f"/ratings/{sheet.id}/submit"))
    assert [p.status_code for p in pages] == [200, 400, 200]
    for response in pages:
        html = response.get_data(as_text=True)
        assert problems_of(html) == []
        assert '<script src="/static/js/app.js" defer></script>' in html
    assert '<script src="/static/js/sheet.js" defer></script>' in pages[0].get_data(as_text=True)


def test_required_selects_of_hr_forms_start_with_an_empty_choice(client, auth, make):
    """#role (new account) and #rater_group (assign a rater): required, first option empty, an empty POST refused."""
    auth.login(make.user("hr"))
    assessment = make.assessment()
    for path, select_id in (("/hr/people/new", "role"), (f"/hr/assessments/{assessment.id}", "rater_group")):
        page = parse(client.get(path).get_data(as_text=True))
        select = next(s for s in page.selects if s["id"] == select_id)
        assert select == {"id": select_id, "required": True, "first_value": ""}
    response = client.post(f"/hr/assessments/{assessment.id}", data={"email": make.user("manager").email})
    assert response.status_code == 400 and 'href="#rater_group"' in response.get_data(as_text=True)
