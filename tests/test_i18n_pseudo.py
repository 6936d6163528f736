"""The pseudo-locale test: every text a person reads goes through translation (docs/languages.md).

Every string of the three catalogue domains is "translated" into a pseudo-language (``⟦Šàvé ðŕàƒţ⟧``, see
tests/pseudo_locale.py), compiled as German, and read by the web app (BABEL_TRANSLATION_DIRECTORIES), the
engine and the reports (``catalogue.override``). Then every page each kind of person can reach (the URL map
walked with the ids of this test's data, as tests/test_access_matrix.py does), some answers to forms, the
e-mails in the outbox and the PDF reports are read: a run of text with Latin letters outside the markers that is
not known data (the rubric's texts in every language, what this test typed, WTForms' German messages) and not
an allowed word (brand, role titles, ids, e-mail addresses, numbers, dates) bypassed translation.
Switching back to English must leave no marker anywhere (nothing translated once and cached).
SQLite only: the question is what the code says, not what the database stores.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from assessment import create_app
from assessment.extensions import db
from rubrics import language
from tests import pseudo_locale as pl
from tests.conftest import app_config, make_throwaway_database
from tests.i18n_world import PERSONAS, World

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) needed")

ALLOWED_WORDS = {"OpsLadder", "HR", "UTC", "PDF", "CSV", "XLSX", "ZIP", "CEO", "CFO", "CIO", "COO", "KPI", "KPIs",
                 "ERP", *language.LANGUAGE_NAMES.values()}
#: Answers that are files for a program, not text a person reads in OpsLadder (the ZIP holds the PDFs above).
NOT_READ = ("text/csv", "application/vnd.openxmlformats", "application/zip", "application/octet-stream",
            "application/vnd.oai.openapi+json")  # the API's OpenAPI document: for programs (docs/api.md)


class Crawl:
    """Everything read, per place ("GET /hr/cycles as hr", "e-mail ..."), and what went wrong on the way."""

    def __init__(self, judge: pl.Judge, tmp_path):
        self.judge = judge
        self.tmp_path = tmp_path
        self.leaks: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.places = 0
        self.bodies: dict[str, list[str]] = {}
        self.kinds: dict[str, str] = {}
        #: Text stored as it was written, in the language of its time (an e-mail's subject).
        self.stored: set[str] = set()

    def read(self, place: str, response) -> None:
        self.places += 1
        if response.status_code >= 500:
            self.errors.append(f"{place}: HTTP {response.status_code}")
        if 300 <= response.status_code < 400:
            return  # the page it leads to is read on its own
        runs = self.runs(place, response)
        self.bodies[place] = runs
        self.kinds[place] = response.mimetype
        self.judge_runs(place, runs)

    def judge_runs(self, place: str, runs: list[str]) -> None:
        found = [leak for run in runs for leak in self.judge.leaks(run)]
        if found:
            self.leaks[place] = list(dict.fromkeys(found))

    def runs(self, place: str, response) -> list[str]:
        kind = response.mimetype or ""
        if kind == "text/html":
            return pl.html_runs(response.get_data(as_text=True))
        if kind == "application/pdf":
            return pl.pdf_runs(response.data, self.tmp_path / f"{self.places}.pdf")
        if kind == "application/json":
            return pl.json_runs(response.get_json())
        if kind == "application/problem+json":  # the API's errors: people read the title and the detail
            problem = response.get_json()
            return [problem.get("title", ""), problem.get("detail", "")]
        if kind.startswith(NOT_READ):
            return []
        if kind.startswith("text/"):
            return [response.get_data(as_text=True)]
        self.errors.append(f"{place}: answered {kind!r}, which this test does not know how to read")
        return []

    def report(self) -> str:
        lines = [f"{place}: {pl.short(leak)}" for place, leaks in sorted(self.leaks.items()) for leak in leaks]
        return f"{len(lines)} texts bypass translation:\n" + "\n".join(lines)


def signed_in_clients(app, plan: dict) -> dict:
    """A browser per persona, signed in once (a sign-in costs a password hash)."""
    clients = {}
    for persona in PERSONAS:
        clients[persona] = client = app.test_client()
        email = plan["emails"].get(persona)
        if email is not None:
            answer = client.post("/login", data={"email": email, "password": World.PASSWORD})
            assert answer.status_code == 302, f"cannot sign in {email}"
    return clients


def walk(clients, crawl: Crawl, plan: dict, lang: str) -> None:
    """GET every page each persona can reach with the ids of the data (and the pages' error answers)."""
    headers = {"Accept-Language": lang}
    for persona, client in clients.items():
        for path in plan["paths"][persona]:
            place = f"GET {path} as {persona}"
            try:
                response = client.get(path, headers=headers)
            except Exception as exc:  # a streamed answer that breaks after its view returned
                crawl.errors.append(f"{place}: {type(exc).__name__}: {pl.short(str(exc), 160)}")
                continue
            try:
                crawl.read(place, response)
            finally:
                response.close()  # a streamed answer ends its request context now, in order


def post_forms(clients, crawl: Crawl, plan: dict) -> None:
    """Answers to forms: errors next to fields, messages after a redirect."""
    headers = {"Accept-Language": pl.PSEUDO_LANGUAGE}
    for persona, path, data in plan["posts"]:
        asks = {"Accept": "application/json"} if path.endswith("?json") else {}  # as the sheet's script does
        response = clients[persona].post(path, data=data, headers={**headers, **asks}, follow_redirects=True)
        fields = ", ".join(sorted(data)) if len(data) <= 4 else f"{len(data)} fields"
        crawl.read(f"POST {path} as {persona} ({fields or 'empty'})", response)
        response.close()


def read_outbox(crawl: Crawl, after: int = 0, english: Crawl | None = None) -> int:
    """Read the e-mails recorded since message ``after``; returns the last message's id. An e-mail is in its
    recipient's language: one to a person without German (a new account) goes to ``english``."""
    from assessment.models import OutboxMessage
    from assessment.models import User

    last = after
    for message, lang in db.session.execute(
            db.select(OutboxMessage, User.language).outerjoin(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id > after).order_by(OutboxMessage.id)):
        place = f"e-mail {message.kind} to {message.to_address} (#{message.id})"
        runs = [message.subject, message.text_body, *pl.html_runs(message.html_body)]
        crawl.stored.add(message.subject)  # shown as written (HR's outbox lists it), in any language
        crawl.stored.update(line.strip() for line in message.text_body.splitlines() if line.strip())  # its page
        target = crawl if english is None or lang == pl.PSEUDO_LANGUAGE else english
        target.bodies[place] = runs
        if target is crawl:
            crawl.judge_runs(place, runs)
        last = message.id
    return last


def run_commands(app, crawl: Crawl, plan: dict, folder: Path) -> None:
    """The command line in German (``opsladder --lang de``): its messages, and the PDFs a report and an export
    write (the export's panel summary is made nowhere else)."""
    commands = [["rubric", "check"], ["remind"], ["results", "rebuild", "--cycle", str(plan["released_cycle"])],
                ["report", "--assessment", str(plan["assessment"]), "-o", str(folder / "report.pdf"), "--lang", "de"],
                ["export", "--cycle", str(plan["released_cycle"]), "-o", str(folder / "export"), "--files",
                 "--lang", "de"]]
    from flask.cli import ScriptInfo

    from assessment.app import main

    runner = app.test_cli_runner()
    for args in commands:
        command = app.cli.get_command(None, args[0])
        if command is None or "--lang" in args and "lang" not in {p.name for p in command.params}:
            continue  # not on this branch (yet)
        place = "opsladder --lang de " + " ".join(a if "/" not in a else Path(a).name for a in args)
        token = language.set_current(None)  # --lang sets the language for the rest of the process
        try:  # the real entry point, on this test's app: the way a command gets (or lacks) its app context
            result = runner.invoke(main, ["--lang", "de", *args], obj=ScriptInfo(create_app=lambda: app))
        finally:
            language.reset(token)
        if result.exit_code != 0:
            crawl.errors.append(f"{place}: exit {result.exit_code}: {pl.short(result.output or repr(result.exception))}")
        crawl.places += 1
        crawl.bodies[place] = [result.output]
        crawl.judge_runs(place, [result.output])
    for pdf in sorted(folder.rglob("*.pdf")):
        place = f"opsladder: {pdf.name}"
        crawl.bodies[place] = pl.pdf_runs(pdf.read_bytes(), folder / "read.pdf")
        crawl.judge_runs(place, crawl.bodies[place])


def english_mail(app, clients, plan: dict) -> None:
    """E-mails written after everyone switched back to English: from a request, and from a command (cron)."""
    clients["anonymous"].post("/forgot", data={"email": plan["reset_in_english"]}, headers={"Accept-Language": "en"})
    with app.app_context():
        from assessment.mail import notify
        from assessment.models import Cycle

        notify.send_reminders(db.session.get(Cycle, plan["open_cycle"]), stage="english")
        db.session.commit()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The whole crawl, once: German under the pseudo-locale, then English, on one app (one set of caches).

    Requests run outside the app context the data is made in: a request inside it would share its ``g``
    (Flask-Login's user, Flask-Babel's locale) with every other request.
    """
    folder = pl.write_pseudo_catalogues(tmp_path_factory.mktemp("pseudo"))
    url, drop = make_throwaway_database("sqlite", tmp_path_factory)
    files = tmp_path_factory.mktemp("files")  # mail a command delivers, exports: never the instance folder
    app = create_app(app_config(url, BABEL_TRANSLATION_DIRECTORIES=str(folder), MAIL_DIR=str(files / "mail"),
                                EXPORTS_DIR=str(files / "exports")))
    overridden = pl.override_catalogues(folder)
    try:
        with app.app_context():
            upgrade()
            world = World(app, tmp_path_factory.mktemp("world"))
            plan = world.plan()
            judge = pl.Judge(known=pl.rubric_texts(world.framework) | world.typed | pl.wtforms_texts()
                             | pl.file_format_names() | world.recorded(),
                             allowed_words=ALLOWED_WORDS | pl.calendar_words(pl.PSEUDO_LANGUAGE)
                             | world.role_titles | world.ids,
                             foreign=pl.other_language_texts(world.framework, pl.PSEUDO_LANGUAGE))
            db.session.remove()
        clients = signed_in_clients(app, plan)
        german = Crawl(judge, tmp_path_factory.mktemp("pdf-de"))
        walk(clients, german, plan, pl.PSEUDO_LANGUAGE)
        post_forms(clients, german, plan)
        run_commands(app, german, plan, tmp_path_factory.mktemp("cli"))
        english = Crawl(judge, tmp_path_factory.mktemp("pdf-en"))
        with app.app_context():
            last = read_outbox(german, english=english)
            World.switch_everyone_to("en")
            db.session.remove()
        walk(clients, english, plan, "en")
        english_mail(app, clients, plan)
        with app.app_context():
            assert read_outbox(english, after=last) > last, "no e-mail was written in English"
            db.session.remove()
            db.engine.dispose()
        yield {"german": german, "english": english, "overridden": overridden}
    finally:
        pl.override_catalogues(None)
        drop()


def test_the_pseudo_locale_keeps_placeholders_tags_and_entities():
    assert pl.pseudo("Save draft") == "⟦Šàvé ðŕàƒţ⟧"
    assert pl.pseudo("%(num)d sheet for <b>%(name)s</b> &amp; co.") == "⟦%(num)d šĥééţ ƒöŕ <b>%(name)s</b> &amp; çö.⟧"
    assert pl.pseudo("Evidence is required for “{level}”.  ") == "⟦Évîðéñçé îš ŕéqüîŕéð ƒöŕ “{level}”.⟧  "


def test_the_judge_finds_unmarked_text_and_lets_known_data_through():
    judge = pl.Judge(known={"Zorana Quillfeather", "Strategic planning"}, allowed_words={"OpsLadder"})
    page = pl.html_runs('<p>⟦Šéé %(x)s⟧ Zorana Quillfeather</p><p title="Open me">OpsLadder 3,9</p>'
                        '<p>⟦Ŕöüñð ⟦ñéšţéð⟧⟧ <b>Strategic planning</b>: 15. Dezember 2026</p><p>Sheets: 3</p>'
                        '<script>var x = "not read";</script><input type="submit" value="Send">')
    leaks = [leak for run in page for leak in judge.leaks(run)]
    assert leaks == [": 15. Dezember 2026", "Sheets: 3", "Open me", "Send"]
    bilingual = pl.Judge(known={"Strategische Planung", "“Strategic planning sets the direction.”"},
                         allowed_words=set(), foreign={"Strategic planning"})
    assert bilingual.leaks("Strategische Planung · Strategic planning · “Strategic planning sets the direction.”") \
        == ["rubric text in the other language: Strategic planning"]
    numbers = judge.leaks("⟦Šçöŕé⟧ 3.9, ⟦ñüɱƀéŕ 81.5%⟧ 15.12.2026 2026.12 127.0.0.1 3,9")
    assert [leak.split()[1] for leak in numbers] == ["3.9", "81.5"]


def test_every_text_people_read_in_german_went_through_translation(crawled):
    """Pages of every role and signed out, answers to forms, e-mails, PDF reports: no text bypasses the catalogues."""
    german = crawled["german"]
    assert not german.leaks, german.report()


def test_no_answer_breaks(crawled):
    """No 5xx, no streamed answer that fails, no answer of a kind the test cannot read (German and English)."""
    errors = crawled["german"].errors + crawled["english"].errors
    assert errors == [], "\n".join(errors)


def test_the_engine_and_reports_catalogues_are_swapped_with_the_others(crawled):
    """The pseudo-locale reaches the engine and the reports through their catalogues."""
    missing = [name for name in pl.CATALOGUE_MODULES if name not in crawled["overridden"]]
    assert missing == [], f"catalogues not swapped for the pseudo-locale: {', '.join(missing)}"


def test_switching_back_to_english_leaves_no_marker(crawled):
    """Nothing translated under one language is cached and shown in another: English pages carry no marker."""
    english, stored = crawled["english"], sorted(crawled["german"].stored, key=len, reverse=True)
    marked = []
    for place, runs in english.bodies.items():
        for run in runs:
            for text in stored:  # the outbox shows each e-mail as it was written
                run = run.replace(text, "")
            if pl.OPEN in run or pl.CLOSE in run:
                marked.append(f"{place}: {pl.short(' '.join(run[max(run.find(pl.OPEN), 0):].split()))}")
    assert marked == [], "\n".join(marked)


def test_the_crawl_is_not_vacuous(crawled):
    """The German crawl really was translated: its pages carry markers (else the pseudo-catalogues were not read)."""
    german = crawled["german"]
    commands = [place for place in german.bodies if place.startswith("opsladder --lang")]
    pages = [place for place, kind in german.kinds.items() if kind == "text/html"] + commands
    unmarked = [place for place in pages if not any(pl.OPEN in run for run in german.bodies[place])]
    assert len(pages) > 40 and unmarked == [], json.dumps(unmarked)


#: Words a selector or a directive is made of, not text: "use strict", "thead th".
_SCRIPT_WORDS = {"use", "strict", "thead", "tbody", "tfoot", "tr", "th", "td", "li", "ul", "ol", "div", "span", "a",
                 "p", "input", "button", "label", "select", "option", "textarea", "form", "table", "details",
                 "summary", "dialog", "main", "section", "nav", "h1", "h2", "h3"}


def _script_literal(text: str, before: str) -> str:
    """What a string literal of a script is: "text" for people, "default" (English words the page replaces
    through a data- attribute) or "code"; ``before`` is the code just before it."""
    if before.endswith("||") and re.search(r"getAttribute\(\s*[\"']data-|dataset\.", before[-160:]):
        return "default"  # el.getAttribute("data-none") || "Nobody matches"
    if re.search(r"\w\(\s*[\"'][\w-]+[\"']\s*,$", before):
        return "default"  # a look-up by key: text("saving", "Saving…") reads data-saving
    # Selectors, MIME types and media queries are not text: "table.cards", "application/json".
    if not re.search(r"[A-Za-z]", text) or re.search(r"[\[#=]|^\.|\w\.\w|^[\w-]+/[\w.+-]+$|\((?:max|min)-", text):
        return "code"
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    fragment = text != text.strip()  # " people match": a piece of a sentence
    sentence = re.fullmatch(r"[A-Z]\w*[….!?]", text) is not None  # "Saving…"
    prose = (len(words) >= 2 or fragment or sentence) and not {w.lower() for w in words} <= _SCRIPT_WORDS
    return "text" if prose else "code"


def prose_in_scripts() -> list[str]:
    """String literals of static/js that read as text for people (the page's strings come from data- attributes)."""
    import assessment

    found = []
    for path in sorted((Path(assessment.__file__).parent / "static" / "js").glob("*.js")):
        code = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"),
                      flags=re.S)
        code = "\n".join(re.sub(r"(?<![:\\])//.*$", "", line) for line in code.splitlines())
        default_ends = -1  # where the last default ended: "Keep this " + "page open" goes on with it
        for match in re.finditer(r"\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|`([^`]*)`", code):
            text = next((part for part in match.groups() if part), "")
            if default_ends >= 0 and re.fullmatch(r"\s*\+\s*", code[default_ends:match.start()]):
                kind = "default"
            else:
                kind = _script_literal(text, code[max(match.start() - 200, 0):match.start()].rstrip())
            default_ends = match.end() if kind == "default" else -1
            if kind == "text":
                found.append(f"{path.name}:{code.count(chr(10), 0, match.start()) + 1}: {text!r}")
    return found


def test_scripts_carry_no_text_of_their_own():
    """A script shows only text the page gave it (data- attributes, translated by the template)."""
    found = prose_in_scripts()
    assert found == [], f"{len(found)} texts in scripts bypass translation:\n" + "\n".join(found)
