"""Every route x every kind of user gets the security headers, signed-in pages and downloads are never cached,
and no page the app serves holds inline code or ``style=`` attributes (the CSP would block them).

The route table and the personas are the access matrix's (tests/test_access_matrix.py), so a route added
later is covered here too.
"""

from __future__ import annotations

import re

import pytest

from assessment.security import CONTENT_SECURITY_POLICY
from tests.test_access_matrix import PERSONAS, World, _login, _request, rules_to_check

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: same-origin everywhere; a page may be stricter (a password link page sends no referrer at all).
REFERRER_POLICIES = ("same-origin", "no-referrer")
#: Inline code and inline styles, which the Content-Security-Policy refuses.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def header_problems(response, signed_in: bool) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if csp != CONTENT_SECURITY_POLICY:
        problems.append(f"Content-Security-Policy is {csp!r}")
    for name, value in EXPECTED.items():
        if response.headers.get(name) != value:
            problems.append(f"{name} is {response.headers.get(name)!r}")
    if response.headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    download = response.mimetype in ("application/pdf", "text/csv", "application/zip") or "spreadsheetml" in (
        response.mimetype or "")
    if (signed_in or download) and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}")
    if response.mimetype == "text/html":
        found = INLINE.search(response.get_data(as_text=True))
        if found:
            problems.append(f"inline code or style in the page: {found.group()!r}")
    return problems


def test_the_policy_is_strict():
    """default-src 'self', nothing inline, no framing, no plug-ins, no other base."""
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "script-src 'self'",
                      "style-src 'self'", "connect-src 'self'", "form-action 'self'"):
        assert directive in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_has_the_security_headers(app, make, tmp_path, persona):
    """For each route as this persona (own objects, or the first HR-owned ones): headers on every answer."""
    world = World(make, tmp_path)
    client = app.test_client()
    user = world.users.get(persona)
    if user is not None:
        _login(client, user)
    own = {**world.own["hr"], **world.own.get(persona, {})}
    failures, checked = [], 0
    for rule in rules_to_check(app):
        method, path, response = _request(client, rule, own)
        signed_in = user is not None and rule.endpoint != "auth.logout"
        failures += [f"{method} {path} as {persona}: {p}" for p in header_problems(response, signed_in)]
        checked += 1
        if method == "POST" and user is not None:
            _login(client, user)
    assert checked > 30 and failures == []


def test_static_files_and_error_pages_have_the_headers_too(client, auth, make):
    """A stylesheet, a 404 and a 400 carry the headers; static files stay cacheable."""
    css = client.get("/static/css/app.css")
    assert header_problems(css, signed_in=False) == [] and "no-store" not in css.headers.get("Cache-Control", "")
    auth.login(make.user("hr"))
    assert header_problems(client.get("/static/css/app.css"), signed_in=False) == []
    assert header_problems(client.get("/no/such/page"), signed_in=True) == []
    assert header_problems(client.get("/hr/people?q=a%00b"), signed_in=True) == []


def test_hsts_only_over_https(client):
    """Strict-Transport-Security is sent on https requests, never on plain http (it would lock out a dev server)."""
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_inline_check_catches_what_the_policy_would_block():
    """The page scan above finds inline scripts, handlers and style attributes, and lets script files through."""
    assert INLINE.search('<p style="color: red">') and INLINE.search("<script>alert(1)</script>")
    assert INLINE.search('<button onclick="go()">') and INLINE.search('<a href="javascript:go()">')
    assert not INLINE.search('<script src="/static/js/x.js" defer></script><p class="x" data-on="1">')
