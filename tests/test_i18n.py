"""Languages: the catalogues are complete and compiled, and each request is in the person's language."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from assessment.i18n import stale_catalogues
from rubrics import language
from scripts import catalogues


def test_every_string_of_every_domain_is_translated_and_keeps_its_placeholders():
    # Extracts the strings from the templates and the code, as `pybabel extract` would, and checks the .po files.
    assert catalogues.problems() == []


def test_the_compiled_catalogues_are_there_and_not_older_than_their_sources():
    assert stale_catalogues() == []
    assert all(domain.po(lang).with_suffix(".mo").exists()
               for domain in catalogues.DOMAINS for lang in catalogues.TRANSLATED)


@pytest.mark.parametrize("header, expected", [
    ("de-DE,de;q=0.9,en;q=0.5", "de"), ("de-AT", "de"), ("en-GB,en;q=0.9", "en"),
    ("fr-FR,fr;q=0.9", "en"), ("", "en"), ("fr, de;q=0.3", "de")])
def test_before_signing_in_the_browsers_languages_choose(client, header, expected):
    page = client.get("/login", headers={"Accept-Language": header} if header else {})
    assert f'<html lang="{expected}"'.encode() in page.data


def test_the_header_switch_sets_the_language_of_this_browser_then_of_the_account(client, auth, make):
    user = make.user("manager")
    switched = client.post("/language", data={"language": "de", "next": "/login"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    assert b'<html lang="de"' in client.get("/login", headers={"Accept-Language": "en"}).data
    auth.login(user)
    client.post("/language", data={"language": "en", "next": "/"})
    db.session.refresh(user)
    assert user.language == "en"
    client.post("/language", data={"language": "de", "next": "/"})
    db.session.refresh(user)
    assert user.language == "de"
    # The setting is the account's: a new browser that asks for English still gets German after signing in.
    other = client.application.test_client()
    other.post("/login", data={"email": user.email, "password": make.PASSWORD})
    assert b'<html lang="de"' in other.get("/ratings/", headers={"Accept-Language": "en"},
                                           follow_redirects=True).data


@pytest.mark.parametrize("value", ["fr", "", "de\x00", "x" * 5000, "../../etc"])
def test_a_language_that_is_not_offered_changes_nothing(client, auth, make, value):
    user = make.user("manager")
    auth.login(user)
    answer = client.post("/language", data={"language": value, "next": "https://evil.example/"})
    assert answer.status_code in (302, 400) and "evil" not in answer.headers.get("Location", "")
    db.session.refresh(user)
    assert user.language is None


def test_formats_follow_the_language():
    from datetime import date

    with language.use("de"):
        assert language.long_date(date(2026, 4, 15)) == "15. April 2026"
        assert language.percent(0.893, 1) == "89,3\u00a0%"
        assert language.number(3.9) == "3,9"
    with language.use("en"):
        assert language.long_date(date(2026, 4, 15)) == "15 April 2026"
        assert language.percent(0.893, 1) == "89.3%"
    assert language.current() == language.DEFAULT_LANGUAGE


def hard_coded_language_lists() -> list[str]:
    """Lists, tuples and sets in the code that spell out the languages: each would miss a language added to
    ``rubrics.language.LANGUAGES`` (docs/languages.md, "Adding a language")."""
    import ast
    from pathlib import Path

    root = Path(catalogues.ROOT)
    found = []
    for package in ("assessment", "rubrics", "reports", "scripts"):
        for path in sorted((root / package).rglob("*.py")):
            if path == root / "rubrics" / "language.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                    codes = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
                    if len(codes & set(language.LANGUAGES)) >= 2:
                        found.append(f"{path.relative_to(root)}:{node.lineno}: {sorted(codes)}")
    return found


def test_the_languages_are_named_in_one_place():
    """Only rubrics/language.py lists the languages; everything else reads LANGUAGES (so adding one is one line)."""
    assert hard_coded_language_lists() == []


def constant_filters(app) -> list[str]:
    """Our filters applied to a constant in a template (``{{ 'draft'|status_label }}``): Jinja's optimizer works
    such a filter out once, when it compiles the template, in the language of whoever came first, and every
    later reader gets that language."""
    from jinja2 import nodes

    ours = {name for name, f in app.jinja_env.filters.items()
            if getattr(f, "__module__", "").split(".")[0] in ("assessment", "rubrics", "reports")}
    found = []
    for name in app.jinja_env.list_templates(extensions=["html", "txt"]):
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        for node in app.jinja_env.parse(source).find_all(nodes.Filter):
            if node.name in ours and isinstance(node.node, nodes.Const):
                found.append(f"{name}:{node.lineno}: {node.node.value!r}|{node.name}")
    return found


def test_no_template_translates_a_constant_once_for_everyone(app):
    assert constant_filters(app) == []
