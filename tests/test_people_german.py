"""German for managers, peers and candidates: sign-in, the rating sheet, WTForms' own messages, the idle
sign-out, error pages, e-mails in the recipient's language, the account's language setting and the CLI."""

from __future__ import annotations

import contextvars
import time
from datetime import date

import sqlalchemy as sa

from assessment.app import main as opsladder
from assessment.extensions import db
from assessment.models import OutboxMessage
from assessment.mail.outbox import wait_for_delivery
from assessment.services.cycles import change_state, create_cycle
from rubrics import language
from tests.factories import Factory
from tests.mailbox import html_of, mailbox, text_of  # noqa: F401 - fixture
from tests.sheets import form_data, sheet_of

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def test_a_wrong_password_is_said_in_german(client, make):
    """The sign-in page and its error follow the browser's German, and the typed address is kept."""
    user = make.user("manager")
    page = client.post("/login", data={"email": user.email, "password": "wrong-password"}, headers=GERMAN)
    text = page.get_data(as_text=True)
    assert page.status_code == 401 and '<html lang="de"' in text
    assert "E-Mail-Adresse oder Passwort sind nicht richtig." in text and "Es gibt ein Problem" in text
    assert f'value="{user.email}"' in text and ">Anmelden</button>" in text


def test_wtforms_own_messages_come_in_german(client):
    """An empty sign-in form: WTForms' "This field is required." from its German catalogue, beside each field."""
    page = client.post("/login", data={"email": "", "password": ""}, headers=GERMAN).get_data(as_text=True)
    assert "Dieses Feld wird benötigt." in page and "This field is required." not in page
    assert "E-Mail: Dieses Feld wird benötigt." in page  # the error summary names the field in German


def _german_manager_sheet(make, auth):
    """A manager whose account is set to German, signed in, and their sheet in an open cycle."""
    sheet = sheet_of(make.assessment(), "manager")
    sheet.rater.language = "de"
    db.session.commit()
    auth.login(sheet.rater)
    return sheet


def test_a_rating_sheet_problem_is_said_in_german_and_keeps_what_was_typed(client, make, auth):
    """A German manager's incomplete submit: 400, the problems in German beside their fields, typed text kept."""
    sheet = _german_manager_sheet(make, auth)
    first, second, *rest = make.framework.competencies
    data = form_data(sheet, {first.id: (5, ""), second.id: (2, "Leitet die wöchentliche S&OP-Runde.")},
                     action="submit", confirm=True)
    response = client.post(f"/ratings/{sheet.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="de"' in page
    assert f"Es gibt {1 + len(rest)} Probleme" in page
    assert "ist ein Beleg erforderlich." in page and "Wählen Sie eine Stufe oder" in page
    assert "Leitet die wöchentliche S&amp;OP-Runde." in page
    assert "Entwurf speichern" in page and "Evidence is required" not in page
    # The sheet's script gets its words from the page, translated.
    assert 'data-saving="Wird gespeichert …"' in page


def test_a_control_character_is_refused_in_german_beside_the_field(client, make, auth):
    """cleaning.py's message, shown beside the evidence box, in the reader's language."""
    sheet = _german_manager_sheet(make, auth)
    first = make.framework.competencies[0]
    response = client.post(f"/ratings/{sheet.id}", data=form_data(sheet, {first.id: (3, "Bericht\x00")}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "enthält an Zeichen 8 ein NUL-Byte, das nicht gespeichert werden kann" in page


def test_the_idle_sign_out_is_said_in_german(app, make, monkeypatch):
    """An account set to German is told in German why it was signed out."""
    app.config["SESSION_IDLE_MINUTES"] = 30
    user = make.user("manager")
    user.language = "de"
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": Factory.PASSWORD})
    start = time.time()
    assert client.get("/ratings/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + 61 * 60)
    expired = client.get("/ratings/")
    assert expired.status_code == 302
    page = client.get(expired.location, headers=GERMAN).get_data(as_text=True)
    assert "Sie wurden nach 30 Minuten ohne Aktivität abgemeldet. Bitte melden Sie sich erneut an." in page


def test_error_pages_and_the_bad_address_answer_are_in_the_readers_language(client):
    """A 404 and the query-string guard's 400, for a German browser."""
    missing = client.get("/password/nowhere", headers=GERMAN).get_data(as_text=True)
    assert "Nicht gefunden" in missing and "Zu Ihrer Startseite" in missing
    bad = client.get("/login?q=a%00b", headers=GERMAN)
    assert bad.status_code == 400
    assert "Die Adresse ist nicht verwendbar: q enthält an Zeichen 2 ein NUL-Byte" in bad.get_data(as_text=True)


def test_the_sign_in_redirect_message_is_in_german(client):
    page = client.get("/ratings/", headers=GERMAN, follow_redirects=True).get_data(as_text=True)
    assert "Bitte melden Sie sich an, um diese Seite zu sehen." in page


def test_the_account_language_is_set_on_the_my_password_page(client, make, auth):
    """The "Language" section of My password saves the account's language; the page then answers in it."""
    user = make.user("candidate")
    auth.login(user)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'id="account-language"' in page and "Language of my account" in page
    answer = client.post("/language", data={"language": "de", "next": "/account/password"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/account/password"
    db.session.refresh(user)
    assert user.language == "de"
    page = client.get("/account/password").get_data(as_text=True)
    assert "Sprache meines Kontos" in page and "Mein Passwort ändern" in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page


def test_each_recipient_gets_the_e_mail_in_their_own_language(app, make, mailbox):
    """Opening a cycle: the German manager's message (subject, text, HTML) is in German, the English peer's in
    English, whatever language the sender works in."""
    app.config.update(mailbox.config)
    cycle = create_cycle("Frühjahrsrunde", actor=None, ends_on=date(2026, 12, 18), instructions="Bitte mit Belegen.")
    db.session.commit()
    # Three peers: a cycle cannot open while a candidate has 1..2 peers (issue 17, peer anonymity threshold 3).
    assessment = make.assessment(cycle=cycle, peers=3)
    manager = sheet_of(assessment, "manager").rater
    peer = sheet_of(assessment, "peer").rater
    manager.language = "de"
    db.session.commit()
    with language.use("en"):
        change_state(cycle, "open", actor=None, framework=make.framework)
    db.session.commit()
    wait_for_delivery()
    [german] = mailbox.to(manager.email)
    assert german["Subject"] == "Frühjahrsrunde ist eröffnet: 1 Bogen auszufüllen"
    body = text_of(german)
    assert body.startswith(f"Guten Tag {manager.name},")
    assert "Bitte geben Sie bis Freitag, 18. Dezember 2026 ab." in body
    assert f"{assessment.candidate.name} (als Führungskraft) (Nicht begonnen)" in body
    html = html_of(german)
    assert '<html lang="de">' in html and "Die Beurteilungsrunde <strong>Frühjahrsrunde</strong> ist eröffnet." in html
    [english] = mailbox.to(peer.email)
    assert english["Subject"] == "Frühjahrsrunde is open: 1 sheet to fill in"
    assert "Please submit by Friday, 18 December 2026." in text_of(english)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 5  # self, manager, 3 peers


def test_the_cli_speaks_the_chosen_language(app, monkeypatch):
    """`opsladder --lang de` (or OPSLADDER_LANG=de) gives German messages; an unknown language is refused."""
    from click.testing import CliRunner

    monkeypatch.setattr(opsladder, "create_app", lambda: app)
    runner = CliRunner()

    def run(args, **env):
        # Each command in a context of its own, as each run of the real command is a process of its own.
        return contextvars.copy_context().run(runner.invoke, opsladder, args, env=env)

    result = run(["--lang", "de", "remind"])
    assert result.exit_code == 0, result.output
    assert "Keine Erinnerungen fällig." in result.output and "0 Nachricht(en) gesendet." in result.output
    assert "Keine Erinnerungen fällig." in run(["remind"], OPSLADDER_LANG="de").output
    assert "No reminders due." in run(["remind"], OPSLADDER_LANG="").output
    refused = run(["--lang", "fr", "remind"])
    assert refused.exit_code != 0 and "choose one of en, de" in refused.output
    assert language.current() == language.DEFAULT_LANGUAGE
