"""A report in the language asked for: the PDF download (default the candidate's own language), the bulk ZIP
(one language, or each candidate in their own), `opsladder report/export --lang`, German-speaking demo people."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from assessment import jobs
from assessment.extensions import db
from assessment.models import ExportJob, User
from tests.results_helpers import move_cycle, rated_assessment
from tests.test_reports import needs_poppler, pdf_text

GERMAN, ENGLISH = "Methodik", "Methodology"


def language_of(pdf: bytes, tmp_path) -> str:
    """"de" or "en", from the report's headings (exactly one of them is there)."""
    text = pdf_text(pdf, tmp_path)
    assert (GERMAN in text) != (ENGLISH in text) or "ÜBERSICHT FÜR DAS GREMIUM" in text or "PANEL SUMMARY" in text
    return "de" if GERMAN in text or "ÜBERSICHT FÜR DAS GREMIUM" in text else "en"


def speaks(user: User, lang: str | None) -> User:
    user.language = lang
    db.session.commit()
    return user


@pytest.fixture
def cycle(make):
    """A released cycle: Jürgen Weiß reads German, Aoife O'Brien has chosen no language."""
    cycle = make.cycle(name="Frühjahrsrunde")
    for name, level, lang in (("Jürgen Weiß", 4, "de"), ("Aoife O'Brien", 3, None)):
        rated_assessment(make, cycle=cycle, manager=level, self_level=3,
                         candidate=speaks(make.user(name=name), lang))
    move_cycle(cycle, "closed", "released")
    return cycle


def assessment_of(cycle, name):
    return next(a for a in cycle.assessments if a.candidate.name == name)


@needs_poppler
def test_download_defaults_to_the_candidates_language_and_takes_lang(client, auth, make, cycle, tmp_path):
    """A German-speaking candidate's own download is German; HR gets it in the candidate's language by default
    and in any language with ?lang=; a candidate without a language gets the reader's (English)."""
    juergen, aoife = assessment_of(cycle, "Jürgen Weiß"), assessment_of(cycle, "Aoife O'Brien")
    auth.login(juergen.candidate)
    own = client.get(f"/assessments/{juergen.id}/report.pdf")
    assert own.status_code == 200 and language_of(own.data, tmp_path) == "de"
    page = client.get(f"/assessments/{juergen.id}/results").get_data(as_text=True)
    assert f"/assessments/{juergen.id}/report.pdf?lang=en" in page
    assert language_of(client.get(f"/assessments/{juergen.id}/report.pdf?lang=en").data, tmp_path) == "en"
    auth.logout()
    auth.login(make.user("hr"))
    assert language_of(client.get(f"/assessments/{juergen.id}/report.pdf").data, tmp_path) == "de"
    assert language_of(client.get(f"/assessments/{juergen.id}/report.pdf?lang=en").data, tmp_path) == "en"
    assert language_of(client.get(f"/assessments/{aoife.id}/report.pdf").data, tmp_path) == "en"
    assert language_of(client.get(f"/assessments/{aoife.id}/report.pdf?lang=de").data, tmp_path) == "de"
    # An unknown language is no error: the default applies.
    assert language_of(client.get(f"/assessments/{aoife.id}/report.pdf?lang=xx").data, tmp_path) == "en"


def _zip_languages(data: bytes, tmp_path) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: language_of(archive.read(name), tmp_path) for name in archive.namelist()}


@needs_poppler
@pytest.mark.parametrize("choice, juergen, aoife, panel", [
    ("own", "de", "en", "en"), ("de", "de", "de", "de"), ("en", "en", "en", "en")])
def test_zip_export_in_one_language_or_each_candidates_own(client, auth, make, cycle, app, tmp_path, choice,
                                                          juergen, aoife, panel):
    """The export form offers the language; "own" gives each candidate theirs, the panel summary HR's."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    auth.login(make.user("hr"))
    form = client.get(f"/cycles/{cycle.id}/exports").get_data(as_text=True)
    assert 'name="language"' in form and "Each candidate in their own language" in form
    assert client.post(f"/cycles/{cycle.id}/exports", data={"language": choice}).status_code == 302
    jobs.wait_for_threads()
    db.session.expire_all()
    job = db.session.scalar(sa.select(ExportJob))
    assert job.state == "done", job.error
    languages = _zip_languages(client.get(f"/exports/{job.id}/download").data, tmp_path)
    by_person = {("Juergen" if "Jurgen" in n else "Aoife" if "Aoife" in n else "panel"): lang
                 for n, lang in languages.items()}
    assert by_person == {"Juergen": juergen, "Aoife": aoife, "panel": panel}


@needs_poppler
def test_cli_report_and_export_take_lang(runner, cycle, tmp_path):
    """`opsladder report --lang` and `opsladder export --lang`; without it the candidate's own language."""
    juergen, aoife = assessment_of(cycle, "Jürgen Weiß"), assessment_of(cycle, "Aoife O'Brien")
    for assessment, args, expected in ((aoife, ["--lang", "de"], "de"), (aoife, [], "en"), (juergen, [], "de"),
                                       (juergen, ["--lang", "en", "--for", "candidate"], "en")):
        target = tmp_path / "report.pdf"
        result = runner.invoke(args=["report", "--assessment", str(assessment.id), "-o", str(target), *args])
        assert result.exit_code == 0, result.output
        assert language_of(target.read_bytes(), tmp_path / "..") == expected, (assessment, args)
    out = tmp_path / "out"
    result = runner.invoke(args=["export", "--cycle", str(cycle.id), "-o", str(out), "--files", "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert {language_of(path.read_bytes(), tmp_path) for path in out.glob("*.pdf")} == {"de"}
    assert runner.invoke(args=["export", "--cycle", str(cycle.id), "-o", str(out), "--lang", "fr"]).exit_code != 0


def test_demo_has_a_german_speaking_manager_and_candidate(runner, app):
    """Two demo people read German; running the demo again keeps it so (and keeps a choice they changed)."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    german = {u.email: u for u in db.session.scalars(sa.select(User).where(User.language == "de"))}
    assert {u.role for u in german.values()} == {"manager", "candidate"}
    assert "Katrin Schäfer" in {u.name for u in german.values()}
    zoe = german["zoe.muller-simic@example.com"]
    zoe.language = "en"
    db.session.commit()
    assert runner.invoke(args=["demo"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, zoe.id).language == "en"
    assert db.session.scalar(sa.select(User).where(User.email == "katrin.schaefer@example.com")).language == "de"
