"""End-to-end fixtures: the real app served on 127.0.0.1 in a thread, and Debian's Chromium driven by Playwright.

The browser is the system's ``chromium`` (or $CHROMIUM_PATH) through ``executable_path``; no browser build is
ever downloaded. Screenshots of the main pages go to ``test-artifacts/screenshots/`` (see README).
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from assessment import create_app
from assessment.extensions import db
from rubrics import NOT_OBSERVED
from rubrics.sheet import evidence_required, situation_required
from tests.conftest import app_config
from tests.factories import RELATIONSHIP, Factory
from tests.sheets import SEEN_IN, SEEN_MONTHS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: no background calls home, no first-run pages.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Debian's chromium is not installed (make test installs it when it can)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Links in mail come from the configured base URL: this server's, once its port is known.
        app.config["BASE_URL"] = self.url + "/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path):
    """A served app on its own migrated SQLite file, CSRF on as in production; yields (server, factory)."""
    from flask_migrate import upgrade

    app = create_app(app_config(f"sqlite:///{tmp_path / 'e2e.db'}", WTF_CSRF_ENABLED=True))
    with app.app_context():
        upgrade()
        with LiveServer(app) as server:
            yield server, Factory(app)
        db.session.remove()
        db.engine.dispose()


@contextmanager
def browser_page(browser, **options):
    """A page in a context of its own (a laptop screen unless ``options`` say otherwise), closed afterwards."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with browser_page(browser) as page:
        yield page


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of what the user sees now, as test-artifacts/screenshots/<name>.png: the whole page,
    or (``full_page=False``) the window only, where a dialog or a bar that stays in view is the point."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, base_url: str, email: str, password: str = Factory.PASSWORD) -> None:
    """Sign in by the fields' ids, so it works in every language."""
    page.goto(f"{base_url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()


#: What a conscientious rater types wherever the sheet's rules ask for written evidence.
BROWSER_EVIDENCE = "Seen in the Q3 planning round."


def pass_briefing(page) -> None:
    """On the rater briefing (a rater's first sheet in a cycle leads there), confirm it and go on to the sheet."""
    if page.url.endswith("/briefing"):
        page.get_by_role("button", name="I have read the briefing: go to my sheet").click()


def sheet_competencies(page) -> list[str]:
    """The competency ids the sheet on ``page`` asks, in its order (a direct report's sheet asks only some)."""
    return page.locator("fieldset.competency[data-competency]").evaluate_all(
        "sets => sets.map(s => s.getAttribute('data-competency'))")


def show_competency(page, competency_id: str) -> None:
    """Bring a competency of the sheet into view: on a phone the sheet shows one competency per screen, and a rater
    turns to another through the jump list (folded at the top of the sheet), as here."""
    page.wait_for_load_state()  # the page's script decides which competency shows
    fieldset = page.locator(f"#level_{competency_id}")
    if fieldset.is_visible():
        return
    jump = page.locator("details.jump")
    if not jump.evaluate("details => details.open"):
        jump.locator("summary").click()
    page.locator(f'.jump-list a[href="#level_{competency_id}"]').click()
    fieldset.wait_for(state="visible")


def answer_all(page, framework, level_index: int) -> None:
    """Choose the option at ``level_index`` (0 is level 1, 5 is "not observed") on every competency of the sheet."""
    for cid in sheet_competencies(page):
        show_competency(page, cid)
        page.locator(f"#level_{cid}-{level_index}").check()


def fill_needed_evidence(page, framework, role, text: str = BROWSER_EVIDENCE) -> list[str]:
    """Type ``text`` into every empty evidence box whose chosen answer needs evidence by the sheet's rules
    (``rubrics.sheet.evidence_required`` for the candidate's target ``role``, asked in Python, not of the page's
    script); the competency ids filled."""
    values = {}
    for comp in framework.competencies:  # read through the DOM, not a script: works with JavaScript off too
        checked = page.locator(f"input[name=level_{comp.id}]:checked")
        if checked.count():
            value = checked.get_attribute("value")
            values[comp.id] = value if value == NOT_OBSERVED else int(value)
    filled = []
    for cid in sorted(evidence_required(framework, role, values)):
        box = page.locator(f"#evidence_{cid}")
        if not box.input_value().strip():
            show_competency(page, cid)
            box.fill(text)
            filled.append(cid)
    fill_needed_situations(page, framework, role, values)
    return filled


def fill_needed_situations(page, framework, role, values: dict) -> None:
    """Where the sheet asks (rubric 2026.12.4): for each level at or above the requirement, where it was seen (in
    the role) and for how long (6 months), when still empty; and how long and how closely the rater knows the
    candidate."""
    for cid in sorted(situation_required(framework, role, values)):
        where = page.locator(f"#seen_in_{cid}")
        if where.count() and not where.input_value():
            show_competency(page, cid)
            where.select_option(SEEN_IN)
            page.locator(f"#seen_for_{cid}").fill(str(SEEN_MONTHS))
            page.locator(f"#seen_unit_{cid}").select_option("months")
    for name, value in RELATIONSHIP.items():
        field = page.locator(f"#{name}")
        if field.count() and not field.input_value():
            field.select_option(value)
