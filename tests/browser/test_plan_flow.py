"""A development plan in a real browser (issue 20, part 3), at 1280 px and on a 390 px phone, in English and German:
the candidate sets an action's status and note and agrees; HR reads the overview and edits the action, which asks
for agreement again. Screenshots: test-artifacts/screenshots/plan-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from assessment.extensions import db
from assessment.models import DevelopmentAction, DevelopmentPlan, utcnow
from assessment.services.plans import ActionInput, edit_action
from tests.browser.conftest import browser_page, screenshot, sign_in
from tests.plan_helpers import agree, released, with_plan

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WORDS = {
    "en": {"saved": "The action's status and note were saved.", "agree": "I agree to this plan",
           "agreed": "Your agreement to the plan was recorded.", "edit": "Edit the action", "save": "Save the action",
           "status": "Save status and note", "overview": "Development plans", "again": "not agreed yet"},
    "de": {"saved": "Status und Notiz der Maßnahme wurden gespeichert.", "agree": "Ich stimme diesem Plan zu",
           "agreed": "Ihre Zustimmung zum Plan wurde festgehalten.", "edit": "Maßnahme bearbeiten",
           "save": "Maßnahme speichern", "status": "Status und Notiz speichern", "overview": "Entwicklungspläne",
           "again": "noch nicht zugestimmt"},
}


@pytest.mark.parametrize("lang, device", [("en", "desktop"), ("en", "phone"), ("de", "desktop"), ("de", "phone")])
def test_candidate_updates_status_and_agrees_then_hr_edits(live_app, browser, lang, device):
    """The candidate's status, note and agreement; HR's overview and edit; agreement asked again after the edit."""
    server, make = live_app
    words = WORDS[lang]
    hr = make.user("hr", name="Hanna Roth")
    candidate = make.user("candidate", name="Łukasz Nowak-Schwarzenberger")
    assessment = released(make, candidate=candidate)
    plan, action = with_plan(make, hr, assessment)
    for person in (hr, candidate):
        person.language = lang
    db.session.commit()
    plan_id, action_id = plan.id, action.id
    options = {"locale": "de-DE" if lang == "de" else "en-GB", **(PHONE if device == "phone" else {})}
    with browser_page(browser, **options) as page:
        sign_in(page, server.url, candidate.email)
        page.goto(f"{server.url}/plans?mine=1")
        page.locator(f"a[href='/plans/{plan_id}']").click()
        expect(page.locator(f"#action-{action_id}")).to_contain_text("Lead the quarterly S&OP review")
        page.locator(f"#status-{action_id}").select_option("in_progress")
        page.locator(f"#note-{action_id}").fill("Ran the first review with the site leads.")
        page.get_by_role("button", name=words["status"]).click()
        expect(page.get_by_text(words["saved"])).to_be_visible()
        page.get_by_role("button", name=words["agree"]).click()
        expect(page.get_by_text(words["agreed"])).to_be_visible()
        screenshot(page, f"plan-candidate-{device}-{lang}")
    db.session.expire_all()
    stored = db.session.get(DevelopmentAction, action_id)
    assert (stored.status, stored.note) == ("in_progress", "Ran the first review with the site leads.")
    assert db.session.get(DevelopmentPlan, plan_id).candidate_agreed_at is not None
    with browser_page(browser, **options) as page:
        sign_in(page, server.url, hr.email)
        page.goto(f"{server.url}/hr/plans")
        expect(page.get_by_role("heading", name=words["overview"])).to_be_visible()
        expect(page.locator("table.plans")).to_contain_text("Łukasz Nowak-Schwarzenberger")
        screenshot(page, f"plan-hr-overview-{device}-{lang}")
        page.locator("table.plans tbody a").first.click()
        page.get_by_role("link", name=words["edit"]).click()
        new_due = (utcnow().date() + timedelta(days=45)).isoformat()
        page.locator("#due_on").fill(new_due)
        page.locator("#what").fill("Lead the quarterly S&OP review and present it to the board")
        page.get_by_role("button", name=words["save"]).click()
        expect(page.locator(f"#action-{action_id}")).to_contain_text("present it to the board")
        expect(page.locator(".plan-agreement")).to_contain_text(words["again"])
        screenshot(page, f"plan-hr-edited-{device}-{lang}")
    db.session.expire_all()
    assert db.session.get(DevelopmentAction, action_id).due_on.isoformat() == new_due
    assert db.session.get(DevelopmentPlan, plan_id).candidate_agreed_at is None


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_next_cycle_rater_reads_the_earlier_plan_under_its_competency(live_app, browser, device):
    """The next cycle's manager sees the earlier agreed plan's action (what, status) under its competency,
    read-only."""
    server, make = live_app
    hr = make.user("hr")
    plan, action = with_plan(make, hr)
    agree(plan, plan.assessment.candidate)
    agree(plan, plan.assessment.candidate.manager)
    db.session.commit()
    nxt = make.assessment(cycle=make.cycle(), candidate=plan.assessment.candidate)
    sheet = next(a for a in nxt.assignments if a.rater_group == "manager")
    competency = action.competency_id
    with browser_page(browser, **(PHONE if device == "phone" else {})) as page:
        sign_in(page, server.url, sheet.rater.email)
        page.goto(f"{server.url}/ratings/{sheet.id}")
        block = page.locator(f"#plan-{competency}")
        expect(block).to_contain_text("Lead the quarterly S&OP review")
        expect(block).to_contain_text("Planned")
        block.scroll_into_view_if_needed()
        screenshot(page, f"plan-on-sheet-{device}", full_page=False)


@pytest.mark.parametrize("lang, device", [("en", "desktop"), ("de", "phone")])
def test_agreeing_to_a_plan_hr_changed_meanwhile_is_refused_with_a_message(live_app, browser, lang, device):
    """The candidate has the plan open; HR changes the action; the candidate's "agree" is refused and says why,
    the changed plan is on the page, and agreeing again then works."""
    server, make = live_app
    words = WORDS[lang]
    hr = make.user("hr")
    candidate = make.user("candidate", name="Łukasz Nowak-Schwarzenberger")
    candidate.language = lang
    plan, action = with_plan(make, hr, released(make, candidate=candidate))
    plan_id = plan.id
    options = {"locale": "de-DE" if lang == "de" else "en-GB", **(PHONE if device == "phone" else {})}
    changed = {"en": "The plan changed after you opened the page", "de": "Der Plan wurde geändert"}[lang]
    with browser_page(browser, **options) as page:
        sign_in(page, server.url, candidate.email)
        page.goto(f"{server.url}/plans/{plan_id}")
        edit_action(action, ActionInput(action.competency_id, "Take on the night-shift rota as well", action.owner_id,
                                        action.due_on, action.support, action.support_detail),
                    framework=make.framework, actor=hr, expected_version=action.version_id)
        db.session.commit()
        page.get_by_role("button", name=words["agree"]).click()
        expect(page.get_by_text(changed)).to_be_visible()
        expect(page.locator(f"#action-{action.id}")).to_contain_text("night-shift rota")
        screenshot(page, f"plan-agree-stale-{device}-{lang}")
        page.get_by_role("button", name=words["agree"]).click()
        expect(page.get_by_text(words["agreed"])).to_be_visible()
    db.session.expire_all()
    assert db.session.get(DevelopmentPlan, plan_id).candidate_agreed_at is not None
