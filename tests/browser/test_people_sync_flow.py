"""The people sync in a real browser (issue 21, part 3): upload, preview, apply; the person page's reporting line and
the one-step line manager on the assessment page; at 1280 and 390 px, in English and German."""

from __future__ import annotations

import pytest

from assessment.extensions import db
from tests.browser.conftest import browser_page, screenshot, sign_in

EXPORT = ("employee_id,email,name,role,language,unit,manager_employee_id,active\n"
          "E1,berta.boss@example.com,Berta Boss,manager,de,\"Operations, Köln\",,yes\n"
          "E2,ann.lee@example.com,Ann Lee,candidate,en,\"Operations, Köln\",E1,\n"
          "E3,{candidate},Cara Candidate,candidate,,\"Operations, Lyon\",E1,ja\n")


@pytest.mark.parametrize("lang,width", [("en", 1280), ("de", 390)])
def test_hr_syncs_people_and_adds_the_line_manager_in_one_step(live_app, browser, tmp_path, lang, width):
    server, make = live_app
    hr = make.user("hr")
    hr.language = lang
    assessment = make.assessment(cycle=make.cycle(state="draft"))
    db.session.commit()
    export = tmp_path / "hr-export.csv"
    export.write_text(EXPORT.format(candidate=assessment.candidate.email), encoding="utf-8")
    with browser_page(browser, viewport={"width": width, "height": 900}) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/people/sync")
        page.locator("#file").set_input_files(str(export))
        page.locator("form[enctype] button[type=submit]").click()
        page.wait_for_load_state()
        preview = page.locator("#preview")
        assert ("2 angelegt, 1 geändert" if lang == "de" else "2 created, 1 updated") in preview.inner_text()
        screenshot(page, f"people-sync-preview-{lang}-{width}")
        page.locator("#preview button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url.endswith("/hr/people")
        screenshot(page, f"people-sync-applied-{lang}-{width}")
        page.goto(f"{server.url}/hr/people/{assessment.candidate.id}")
        assert "Berta Boss" in page.locator("#reporting-line").inner_text()
        screenshot(page, f"people-sync-person-{lang}-{width}")
        page.goto(f"{server.url}/hr/assessments/{assessment.id}")
        button = page.locator("#reporting-raters button")
        assert "Berta Boss" in button.inner_text()
        button.click()
        page.wait_for_load_state()
        assert "Berta Boss" in page.locator("main").inner_text()
        screenshot(page, f"people-sync-line-manager-{lang}-{width}")
