"""HR in German: the pages, the form errors, the import's problems and templates, the flashes and the audit
trail read in German for an HR person whose language is German; English stays the default."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from assessment.extensions import db
from assessment.services.import_files import GERMAN_HEADERS

from tests.test_hr_imports import COLUMNS, xlsx_bytes
from tests.test_hr_views import submit_sheet


@pytest.fixture
def hr_de(make, auth):
    user = make.user("hr", name="Helga HR")
    user.language = "de"
    db.session.commit()
    auth.login(user)
    return user


def text(response) -> str:
    """The page's text without tags, with spaces collapsed (German sentences are checked as read)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.data.decode()))


def test_the_cycles_list_is_german(client, hr_de, make):
    cycle = make.cycle(name="Frühjahrsrunde", state="open")
    make.assessment(cycle=cycle, managers=1)
    page = client.get("/hr/cycles")
    assert page.status_code == 200 and b'<html lang="de"' in page.data
    words = text(page)
    for german in ("Beurteilungsrunden", "Neue Runde", "Zustand", "Kandidat:innen", "Abgegebene Bögen",
                   "Fortschritt", "Offen", "0 von 2", "0 %"):
        assert german in words, german
    for english in ("Assessment cycles", "New cycle", "Sheets submitted", "Completion"):
        assert english not in words, english


def test_an_empty_cycles_list_in_german(client, hr_de):
    words = text(client.get("/hr/cycles"))
    assert "Noch keine Runden" in words and "Erste Runde anlegen" in words


def test_the_dashboard_is_german_with_counts_states_and_filters(client, hr_de, make):
    cycle = make.cycle(name="Frühjahrsrunde", state="open")
    assessment = make.assessment(cycle=cycle, candidate=make.user("candidate", name="Zoë Müller"), managers=1)
    submit_sheet(make, next(a for a in assessment.assignments if a.rater_group == "manager"))
    words = text(client.get(f"/hr/cycles/{cycle.id}"))
    for german in ("1 Kandidat:in", "0 vollständig", "1 in Bearbeitung", "0 nicht begonnen",
                   "1 / 2 Bögen abgegeben (50 %)", "Name oder E-Mail suchen", "Alle Zielrollen", "Jeder Status",
                   "Selbst", "Führungskräfte", "Peers", "Abgegeben", "Nicht begonnen", "Noch ausstehend, nach bewertender Person",
                   "Eigene Selbsteinschätzung", "Runde schließen", "Bewertende jetzt erinnern",
                   "1–1 von 1 Kandidat:in."):
        assert german in words, german
    for english in ("Still owed", "Not started", "candidates", "Close the cycle", "Search name"):
        assert english not in words, english


def test_a_form_error_is_german_and_keeps_what_was_typed(client, hr_de):
    response = client.post("/hr/cycles/new", data={"name": "Herbstrunde", "starts_on": "2026-05-01",
                                                   "ends_on": "2026-04-01", "instructions": "Bitte fair bewerten."})
    assert response.status_code == 400
    html = response.data.decode()
    assert "das Enddatum liegt vor dem Startdatum" in html and "Endet am" in html
    assert 'value="Herbstrunde"' in html and "Bitte fair bewerten." in html and 'value="2026-05-01"' in html
    # A missing name: WTForms' own message comes from its German catalogue, beside the German label.
    missing = client.post("/hr/cycles/new", data={"name": "", "instructions": "Bleibt stehen."})
    assert missing.status_code == 400 and "Bleibt stehen." in missing.data.decode()
    assert "This field is required" not in missing.data.decode()


def test_an_import_error_names_row_and_column_in_german(client, hr_de, make):
    cycle = make.cycle(state="draft")
    make.user("manager", email="chefin@example.com")
    rows = [COLUMNS, ("Gut", "gut@example.com", "operations_manager", "head_of_operations", "chefin@example.com", ""),
            ("Falsch", "falsch@", "chief", "head_of_operations", "", "")]
    data = "\n".join(",".join(r) for r in rows).encode()
    response = client.post(f"/hr/cycles/{cycle.id}/import", data={"file": (io.BytesIO(data), "leute.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.data.decode()
    assert "Es wurde nichts importiert: 3 Probleme sind zuerst zu beheben." in html
    assert "<td>3</td><td>Aktuelle Rolle (current_role)</td><td>unbekannte Rolle „chief“" in html
    assert "<td>3</td><td>E-Mails Führungskräfte (manager_emails)</td><td>mindestens eine Führungskraft" in html
    assert "<td>3</td><td>E-Mail (email)</td><td>„falsch@“ ist keine gültige E-Mail-Adresse" in html
    assert "Probleme in der Datei" in html and "Zeile" in html and "Spalte" in html


def test_a_file_with_german_headers_imports_and_the_german_templates_read_back(client, hr_de, make):
    """The German template's headers are accepted (with or without umlauts), as the English ones stay."""
    cycle = make.cycle(state="draft")
    make.user("manager", email="margaret.okafor@example.com")
    make.user("manager", email="rafael.ortega@example.com")
    make.user("manager", email="katrin.schaefer@example.com")
    make.user("candidate", email="hannah.weber@example.com")
    csv = client.get("/hr/import-template?format=csv")
    assert csv.data.decode("utf-8-sig").startswith(";".join(GERMAN_HEADERS[c] for c in COLUMNS))
    response = client.post(f"/hr/cycles/{cycle.id}/import", data={"file": (io.BytesIO(csv.data), "vorlage.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert "2 Kandidat:innen in" in text(client.get(response.headers["Location"]))
    workbook = load_workbook(io.BytesIO(client.get("/hr/import-template?format=xlsx").data))
    assert workbook.sheetnames == ["Kandidatinnen und Kandidaten", "Spalten"]
    assert [c.value for c in workbook.worksheets[0][1]] == [GERMAN_HEADERS[c] for c in COLUMNS]
    assert workbook["Spalten"]["B2"].value == "ja"
    ascii_headers = "Name,E-Mail,Aktuelle Rolle,Zielrolle,E-Mails Fuehrungskraefte"
    other = make.cycle(state="draft")
    data = (ascii_headers + "\nAnna Bauer,anna@example.com,Operations Manager,Head of Operations,"
            "rafael.ortega@example.com\n").encode()
    answer = client.post(f"/hr/cycles/{other.id}/import", data={"file": (io.BytesIO(data), "a.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302


def test_flashes_confirmations_and_the_audit_trail_in_german(client, hr_de, make):
    cycle = make.cycle(name="Frühjahrsrunde", state="draft")
    confirm = text(client.get(f"/hr/cycles/{cycle.id}/state?to=open"))
    assert "Runde „Frühjahrsrunde“ öffnen?" in confirm and "festgeschrieben" in confirm and "Abbrechen" in confirm
    done = client.post(f"/hr/cycles/{cycle.id}/state?to=open", follow_redirects=True)
    assert "Die Runde „Frühjahrsrunde“ ist jetzt geöffnet." in text(done)
    audit = text(client.get("/hr/audit"))
    assert "Protokoll" in audit and "Runde geöffnet" in audit and "Runde angelegt" in audit
    assert "Zustand" in audit and "Alle Arten" in audit


def test_people_and_the_outbox_in_german(client, hr_de, make):
    make.user("manager", name="Ola Führung", password=None)
    people = text(client.get("/hr/people"))
    assert "Personen" in people and "Neues Konto" in people and "Noch kein Passwort" in people
    assert "Führungskraft" in people and "Alle Rollen" in people
    outbox = text(client.get("/hr/outbox/"))
    assert "Postausgang" in outbox and "Ausstehend" in outbox and "Jede Art" in outbox


def test_english_stays_the_default(client, make, auth):
    auth.login(make.user("hr"))
    page = text(client.get("/hr/cycles", headers={"Accept-Language": "en"}))
    assert "Assessment cycles" in page and "Beurteilungsrunden" not in page
