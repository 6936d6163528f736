"""The Content-Security-Policy in a real browser: the main pages of every role load without one violation
(no blocked inline script, style attribute, handler or fetch), and their scripts still run."""

from __future__ import annotations

from assessment.extensions import db
from assessment.models import ExportJob, utcnow
from tests.browser.conftest import screenshot, sign_in
from tests.results_helpers import move_cycle, rated_assessment, sheet

#: Playwright's init scripts are not subject to the page's CSP: this records every violation the page has.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' +
                              (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


def _visit_all(page, base_url: str, paths: list[str], console: list[str], prefix: str) -> list[str]:
    problems = []
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations || []")
        problems += [f"{path}: {v}" for v in violations]
        screenshot(page, f"csp-{prefix}-{path.strip('/').replace('/', '-') or 'home'}")
    problems += [f"console: {m}" for m in console if "Content Security Policy" in m or "Refused to" in m]
    return problems


def test_main_pages_have_no_csp_violation(live_app, browser):
    """HR, a manager and a candidate walk their main pages; the browser reports no CSP violation at all."""
    server, make = live_app
    cycle = make.cycle(name="Autumn round")
    done = rated_assessment(make, cycle=cycle, manager=4, self_level=3, candidate=make.user(name="דנה לוי"))
    move_cycle(cycle, "closed", "released")
    hr = make.user("hr", name="Ingrid Halvorsen")
    open_one = make.assessment(candidate=make.user(name="Ana Ruiz 👍"))
    manager_sheet = sheet(open_one, "manager")
    job = ExportJob(cycle_id=cycle.id, requested_by_id=hr.id, kind="reports_zip", state="running",
                    progress_done=1, progress_total=3, started_at=utcnow())
    db.session.add(job)
    db.session.commit()
    walks = {
        hr.email: ["/hr/cycles", f"/hr/cycles/{cycle.id}", f"/hr/cycles/{open_one.cycle_id}/import",
                   f"/hr/assessments/{done.id}", "/hr/people", f"/hr/people/{hr.id}", "/hr/audit",
                   f"/cycles/{cycle.id}/overview", f"/assessments/{done.id}/results", f"/exports/{job.id}",
                   f"/hr/cycles/{cycle.id}/state", "/account/password"],
        manager_sheet.rater.email: ["/ratings/", f"/ratings/{manager_sheet.id}", "/account/password"],
        done.candidate.email: ["/me", f"/assessments/{done.id}/results"],
    }
    problems = []
    for email, paths in walks.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(10_000)
        console: list[str] = []
        page.on("console", lambda message, console=console: console.append(message.text))
        page.goto(f"{server.url}/login")
        problems += _visit_all(page, server.url, ["/login"], console, "anonymous")
        sign_in(page, server.url, email)
        problems += _visit_all(page, server.url, paths, console, email.split("@")[0])
        if f"/exports/{job.id}" in paths:
            # The progress script (a file, not inline) runs and fetches the status from this site.
            page.goto(f"{server.url}/exports/{job.id}")
            page.wait_for_function("document.querySelector('meta[http-equiv=\"refresh\"]') === null")
        context.close()
    assert problems == []


def test_an_inline_style_would_be_reported(live_app, browser):
    """The check above can fail: a style attribute injected into a page is reported as a violation."""
    server, _ = live_app
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "script-src" in page.evaluate("window.__cspViolations[0]")
    context.close()
