"""A person's language set by HR (the person form and the import's ``language`` column), the import template's
example rows and German CSV, and the password-length message (issue 19, section 3)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from assessment.demo import COLLEAGUES, MANAGERS
from assessment.extensions import db
from assessment.models import OutboxMessage, User
from assessment.services.imports import (COLUMNS, ImportRejected, check_rows, import_candidates, read_rows,
                                         template_csv, template_xlsx)
from assessment.services.users import MIN_PASSWORD_LENGTH
from rubrics import language
from tests.test_hr_imports import xlsx_bytes

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def _invitation(email: str) -> OutboxMessage:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == email,
                                                            OutboxMessage.kind == "invitation"))


def test_hr_sets_a_new_persons_language_and_the_invitation_is_written_in_it(client, make, auth):
    """The person form offers the languages, starts at HR's own, stores the choice and invites in it."""
    auth.login(make.user("hr"))
    form = client.get("/hr/people/new", headers=GERMAN).get_data(as_text=True)
    assert 'name="language"' in form and '<option selected value="de">Deutsch</option>' in form
    page = client.post("/hr/people/new", data={"name": "Katrin Vogel", "email": "katrin.vogel@example.com",
                                               "role": "manager", "language": "de", "invite": "y"})
    assert page.status_code == 302
    person = db.session.scalar(sa.select(User).where(User.email == "katrin.vogel@example.com"))
    assert person.language == "de"
    assert _invitation(person.email).subject == "Einladung zu OpsLadder: Bitte legen Sie Ihr Passwort fest"
    assert "e-mails in Deutsch" in client.get(page.headers["Location"]).get_data(as_text=True)
    client.post("/hr/people/new", data={"name": "Ann Lee", "email": "ann.lee@example.com", "role": "candidate",
                                        "language": "en", "invite": "y"})
    assert _invitation("ann.lee@example.com").subject == "You are invited to OpsLadder: set your password"


def test_the_person_form_refuses_a_language_it_does_not_offer(client, make, auth):
    """A language outside the list is a field error (400), and no account is made."""
    auth.login(make.user("hr"))
    page = client.post("/hr/people/new", data={"name": "X Y", "email": "xy@example.com", "role": "manager",
                                               "language": "fr"})
    assert page.status_code == 400 and 'id="language-error"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "xy@example.com")) is None


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_import_sets_each_new_accounts_language_defaulting_to_the_importers(make, kind):
    """The ``language`` column (a code or a name) sets a new account's language; empty gives the HR person's."""
    hr, manager = make.user("hr"), make.user("manager", email="m1@example.com")
    hr.language = "de"
    cycle = make.cycle(state="draft")
    rows = [list(COLUMNS)] + [[f"P {n}", f"p{n}@example.com", "operations_manager", "head_of_operations",
                               manager.email, "", "", "", "", lang]
                              for n, lang in enumerate(("en", "Deutsch", "", " DE "))]
    made = import_candidates(cycle, f"c.{kind}", _file(kind, rows), framework=make.framework, actor=hr)
    db.session.commit()
    assert [a.candidate.language for a in made] == ["en", "de", "de", "de"]
    hr.language = "en"
    rows = [list(COLUMNS), ["Q", "q@example.com", "operations_manager", "head_of_operations", manager.email, "", "",
                            "", "", ""]]
    assert import_candidates(cycle, f"d.{kind}", _file(kind, rows), framework=make.framework,
                             actor=hr)[0].candidate.language == "en"


def test_an_unknown_language_in_the_import_is_a_row_and_column_problem(make):
    """``fr`` is not a language OpsLadder writes in: the row and the column are named, nothing is imported."""
    hr, manager = make.user("hr"), make.user("manager", email="m1@example.com")
    cycle = make.cycle(state="draft")
    rows = [list(COLUMNS), ["P", "p@example.com", "operations_manager", "head_of_operations", manager.email, "", "",
                            "", "", "fr"]]
    with pytest.raises(ImportRejected) as info:
        import_candidates(cycle, "c.csv", _file("csv", rows), framework=make.framework, actor=hr)
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (2, "language")
    assert "“fr”" in problem.message and "de (Deutsch)" in problem.message
    assert "Row 2, column language: unknown language" in str(problem)


def test_the_templates_example_rows_import_into_the_demo_organisation(make):
    """The template's managers and peers are people of the demo organisation: it imports as it is there."""
    for email, name in MANAGERS:
        make.user("manager", name=name, email=email)
    for email, name in COLLEAGUES:
        make.user("candidate", name=name, email=email)
    cycle = make.cycle(state="draft")
    for name, data in (("t.csv", template_csv()), ("t.xlsx", template_xlsx())):
        assert check_rows(cycle, read_rows(name, data), make.framework) == []


def test_the_german_csv_template_separates_columns_with_semicolons(app):
    """A German spreadsheet reads ``;`` between columns: the German template uses it, and is read back."""
    with language.use("de"):
        data = template_csv()
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Name;E-Mail;Aktuelle Rolle;Zielrolle;") and "," not in header
    rows = read_rows("vorlage.csv", data)
    assert rows[1].manager_emails == ("rafael.ortega@example.com", "katrin.schaefer@example.com")
    assert [r.language for r in rows] == ["en", "de"]
    assert template_csv().decode("utf-8-sig").startswith("name,email,")


def test_a_short_password_is_refused_in_our_words_with_the_minimum(client, make, auth):
    """The password-length error says the minimum in our words (translated), never WTForms' stock text."""
    user = make.user("manager")
    auth.login(user)
    for headers, expected in (({}, f"The new password must have at least {MIN_PASSWORD_LENGTH} characters"),
                              (GERMAN, f"Das neue Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen haben")):
        if headers:
            user.language = "de"
            db.session.commit()
        page = client.post("/account/password", data={"current_password": "x", "password": "short",
                                                      "repeat": "short"}, headers=headers).get_data(as_text=True)
        assert expected in page
        assert "Field must be" not in page and "Feld muss" not in page


def _file(kind: str, rows) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode("utf-8") if kind == "csv" else xlsx_bytes(rows)


def test_the_xlsx_template_guides_the_language_column(app):
    """The workbook's column guide lists the language column."""
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in workbook["Columns"]["A"]][1:] == list(COLUMNS) and COLUMNS[-1] == "language"
