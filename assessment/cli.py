"""The ``opsladder`` commands (``opsladder demo`` == ``flask --app wsgi demo``); ``app.main`` is the command itself.

Commands are thin wrappers over services, and commit once at the end. Their messages are in the language chosen
with ``opsladder --lang de ...`` or ``OPSLADDER_LANG=de`` (English by default; also for ``flask --app wsgi``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from babel import numbers
from flask import current_app, has_app_context
from flask.cli import with_appcontext
from flask_babel import gettext as _, ngettext, refresh

from reports.pdf import render_report
from rubrics import SCALE, RubricError, default_sources_dir, language, load_framework

from .demo import DEMO_PASSWORD, build_demo
from .extensions import db
from .framework import current_framework
from .jobs import queue_name, work
from .labels import role_label
from .mail.outbox import deliver
from .mail.plan_reminders import remind_plans
from .mail.reminders import remind_due
from .models import Assessment, Cycle, OutboxMessage
from .services import ServiceError, history, readiness, results_store, translation
from .services.people_file import ACTION_WORDS, FIELD_WORDS, SyncRejected, read_people
from .services.people_sync import apply_sync, plan_sync
from .services.exports import safe_filename, write_cycle_files, write_cycle_zip
from .services.readiness import report_data
from .services.two_person import grant_hr_by_operator
from .services.users import create_user, find_user

#: ``rubric check`` runs without the app (it must work when a broken rubric stops the app from starting), so
#: without Flask-Babel: its messages come from the web app's catalogue, read without a request.
_plain = translation.catalogue

#: The environment variable that chooses the language of the CLI's messages (and of what commands write).
LANGUAGE_ENV = "OPSLADDER_LANG"


def use_cli_language(value: str | None = None) -> str:
    """Make ``value`` (or OPSLADDER_LANG) the language of this command; a language OpsLadder does not speak
    is refused with the list of those it does."""
    chosen = value if value is not None else os.environ.get(LANGUAGE_ENV)
    if chosen and language.normalise(chosen) is None:
        raise click.BadParameter(f"{chosen!r}: choose one of {', '.join(language.LANGUAGES)}",
                                 param_hint=f"--lang / {LANGUAGE_ENV}")
    language.set_current(chosen)
    if has_app_context():
        refresh()  # Flask-Babel keeps the locale it chose on g: choose again, in this language
    return language.current()


def language_option(ctx, _param, value):
    if not ctx.resilient_parsing:
        use_cli_language(value)
    return value


@click.group("rubric")
def rubric_cli():
    """Check the competency framework file."""
@rubric_cli.command("check")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="The framework file (default: $OPSLADDER_RUBRIC or the shipped rubrics/data/framework.yaml).")
@click.option("--sources", type=click.Path(file_okay=False), default=None,
              help="Folder of the source documents the quotes are checked against (default: ../shared/seeds).")
def rubric_check(path, sources):
    """Validate the framework and print a summary, or every problem (exit status 1)."""
    path = path or os.environ.get("OPSLADDER_RUBRIC") or None
    sources = sources or default_sources_dir()
    try:
        fw = load_framework(path, sources_dir=sources)
    except RubricError as exc:
        click.echo(_plain.ngettext("The rubric is invalid (%(num)d problem):",
                                   "The rubric is invalid (%(num)d problems):", len(exc.problems)), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    _rubric_summary(fw.in_language(language.current()), sources)


def _weight(value: float) -> str:
    """A profile weight as written in the rubric, in the current language's decimal sign: 1,5 / 1.5."""
    return numbers.format_decimal(value, format="#,##0.##", locale=language.locale())


def _rubric_summary(fw, sources) -> None:
    """What ``rubric check`` prints for a valid rubric, in the current language (its texts too)."""
    gettext, ngettext = _plain.gettext, _plain.ngettext  # names pybabel extract knows
    click.echo(gettext("%(name)s, version %(version)s", name=fw.name, version=fw.version))
    click.echo(gettext("content hash: %(hash)s", hash=fw.content_hash))
    click.echo(gettext("languages: %(languages)s (the rubric's own: %(own)s)", languages=", ".join(fw.languages),
                       own=fw.languages[0]))
    click.echo(gettext("quotes checked against: %(folder)s", folder=sources) if sources else
               gettext("quotes NOT checked: source documents not found (set OPSLADDER_SOURCES_DIR)"))
    cites = sum(len(c.all_citations) for c in fw.competencies)
    click.echo(gettext("%(competencies)d competencies, %(citations)d citations from %(sources)d sources:",
                       competencies=len(fw.competencies), citations=cites, sources=len(fw.sources)))
    for comp in fw.competencies:
        cited = [str(lv) for lv in SCALE if comp.anchor_citations(lv)]
        count = ngettext("%(num)d citation", "%(num)d citations", len(comp.all_citations))
        where = ngettext("%(citations)s, under level %(levels)s", "%(citations)s, under levels %(levels)s",
                         len(cited), citations=count, levels=", ".join(cited)) if cited else count
        click.echo(f"  {comp.id:32} {comp.name} ({where})")
    click.echo(gettext("role profiles (required level, * = critical):"))
    click.echo(("  " + " " * 33 + "".join(f"{r.id[:20]:22}" for r in fw.ladder)).rstrip())
    for comp in fw.competencies:
        cells = []
        for role in fw.ladder:
            req = role.requirement(comp.id)
            weight = gettext("(weight %(weight)s)", weight=_weight(req.weight))
            cells.append(f"{req.required}{'*' if req.is_critical else ' '} {weight}".ljust(22))
        click.echo(f"  {comp.id:32} " + "".join(cells).rstrip())
    click.echo(gettext("ladder: %(roles)s", roles=" -> ".join(r.name for r in fw.ladder)))
    _evidence_summary(fw, gettext, ngettext)
    bands = [*(b.label for b in fw.readiness.bands), fw.readiness.insufficient_evidence_label]
    click.echo(gettext("bands: %(bands)s", bands=", ".join(bands)))


def _evidence_summary(fw, gettext, ngettext) -> None:
    """(2026.12.4) The exercises with what each shows, and each role's eligibility; nothing for an older rubric."""
    if fw.exercises:
        click.echo(gettext("exercises (duration, competencies shown):"))
    for ex in fw.exercises:
        minutes = gettext("%(minutes)d min", minutes=ex.duration_minutes)
        shows = ngettext("%(num)d competency", "%(num)d competencies", len(ex.shows))
        click.echo(f"  {ex.id:32} {ex.name} ({minutes}, {shows})")
    for role in fw.ladder:
        if role.eligibility:
            e = role.eligibility
            leadership, current = ("-" if m is None else str(m)
                                   for m in (e.min_leadership_months, e.min_current_role_months))
            click.echo(gettext("eligibility for %(role)s: %(leadership)s months in leadership roles, %(current)s in "
                               "the current role", role=role.name, leadership=leadership, current=current))


@click.group("users")
def users_cli():
    """Manage accounts."""
@users_cli.command("create")
@click.option("--role", type=click.Choice(["hr", "manager", "candidate"]), required=True)
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (default: the part of the e-mail before @).")
@click.option("--password-env", default="OPSLADDER_PASSWORD", show_default=True,
              help="Read the password from this environment variable; prompted (never echoed) when it is unset.")
@with_appcontext
def users_create(role, email, name, password_env):
    """Create an account without the web, e.g. the first HR account."""
    password = os.environ.get(password_env)
    if not password:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name or email.split("@")[0], role, password, actor=None)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(_("Created the account %(email)s (%(role)s).", email=user.email, role=role_label(role)))


@users_cli.command("grant-hr")
@click.option("--email", required=True)
@with_appcontext
def users_grant_hr(email):
    """Give an existing account the HR role: the operator's way when the organisation has a single HR person
    (with two or more, HR proposes it on the person's page and a second HR person approves). Audited."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(_("There is no account for %(email)s.", email=email))
    try:
        grant_hr_by_operator(user)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(_("%(email)s now has the role HR (recorded in the audit trail).", email=user.email))


@click.group("people")
def people_cli():
    """Keep the accounts in step with the HR system."""


@people_cli.command("sync")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print what would change, and change nothing.")
@click.option("--deactivate-missing", is_flag=True,
              help="Deactivate accounts with an employee id that the file does not name (never HR accounts).")
@with_appcontext
def people_sync_command(path, dry_run, deactivate_missing):
    """Create, update and deactivate accounts from an HR system's CSV/XLSX export, matched on the employee id;
    the whole file or nothing. Audited."""
    try:
        plan = plan_sync(read_people(path, Path(path).read_bytes()), deactivate_missing=deactivate_missing,
                         filename=Path(path).name)
        for line in plan_lines(plan):
            click.echo(line)
        if dry_run:
            click.echo(_("Dry run: nothing was changed."))
            return
        apply_sync(plan, actor=None)
    except SyncRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(exc.message) from None
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(_("The accounts are in step with %(file)s.", file=Path(path).name))


def plan_lines(plan) -> list[str]:
    """The dry run in lines: one per person changed (with each field from -> to), then the totals."""
    lines = []
    for change in plan.changes:
        lines.append(f"{ACTION_WORDS[change.action]}: {change.name} <{change.email}> ({change.employee_id or '-'})")
        lines += [f"    {FIELD_WORDS[f.field]}: {f.before or '-'} -> {f.after or '-'}" for f in change.changes]
    counts = {key: language.number(value, 0) for key, value in plan.counts.items()}
    lines.append(_("%(create)s created, %(update)s updated, %(deactivate)s deactivated, %(reactivate)s reactivated, "
                   "%(unchanged)s unchanged.", unchanged=language.number(plan.unchanged, 0), **counts))
    if plan.kept_hr:
        lines.append(_("HR accounts not in the file, kept active: %(emails)s", emails=", ".join(plan.kept_hr)))
    if plan.untracked:
        lines.append(ngettext("%(num)d active account without an employee id is not in the file and was left as it is.",
                              "%(num)d active accounts without an employee id are not in the file and were left as "
                              "they are.", plan.untracked))
    return lines


@click.command("demo")
@with_appcontext
def demo_command():
    """Build the demo organisation on an empty database (running it again adds nothing)."""
    logins, created = build_demo(current_framework())
    db.session.commit()
    click.echo(_("Demo data created.") if created else _("Demo data already present; nothing added."))
    click.echo(_("Demo logins (password for all: %(password)s):", password=DEMO_PASSWORD))
    for role, email, name in logins:
        click.echo(f"  {role:10} {email:40} {name}")


@click.command("report")
@click.option("--assessment", "assessment_id", type=int, required=True, help="The assessment's id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The PDF file to write.")
@click.option("--for", "audience", type=click.Choice(["hr", "candidate"]), default="hr", show_default=True,
              help="HR's version (with rater disagreement and who calibrated) or the candidate's.")
@click.option("--lang", "lang", type=click.Choice(list(language.LANGUAGES)), default=None,
              help="The report's language (default: the candidate's own language, else English).")
@with_appcontext
def report_command(assessment_id, output, audience, lang):
    """Write one candidate's readiness report as a PDF."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(_("there is no assessment with id %(id)s", id=assessment_id))
    pdf = render_report(report_data(assessment, audience=audience, lang=lang, trend=history.trend))
    with open(output, "wb") as fh:
        fh.write(pdf)
    click.echo(_("Wrote the report of %(name)s (%(size)s bytes) to %(path)s.", name=assessment.candidate.name,
                 size=language.number(len(pdf), 0), path=output))


@click.command("export")
@click.option("--cycle", "cycle_id", type=int, required=True, help="The cycle's id.")
@click.option("-o", "--output", type=click.Path(file_okay=False), required=True,
              help="The folder to write into (made when missing).")
@click.option("--zip/--files", "as_zip", default=True, show_default=True,
              help="One ZIP file, or the PDFs and the panel summary as separate files.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes that render the reports of the ZIP in parallel (use the number of cores).")
@click.option("--lang", "lang", type=click.Choice(["own", *language.LANGUAGES]), default="own", show_default=True,
              help="The reports' language: each candidate's own (else English), or one for all. The panel "
                   "summary is in the language given, else English.")
@with_appcontext
def export_command(cycle_id, output, as_zip, workers, lang):
    """Export every readiness report of a cycle and its panel summary, with a progress line."""
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise click.ClickException(_("there is no cycle with id %(id)s", id=cycle_id))
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)

    def progress(done, total=None):
        click.echo("\r  " + _("%(done)s/%(total)s files", done=done, total=total or "?"), nl=False, err=True)

    if as_zip:
        target = folder / safe_filename(f"{cycle.name}-reports.zip")
        with target.open("wb") as out:
            count = write_cycle_zip(cycle, out, progress=progress, workers=workers, lang=lang)
    else:
        target = folder
        count = write_cycle_files(cycle, folder, progress=progress, lang=lang)
    click.echo("", err=True)
    click.echo(ngettext("Wrote %(num)d PDF file of %(name)s to %(path)s.",
                        "Wrote %(num)d PDF files of %(name)s to %(path)s.", count, name=cycle.name, path=target))


@click.group("results")
def results_cli():
    """Stored readiness results."""
@results_cli.command("rebuild")
@click.option("--cycle", "cycle_id", type=int, required=True, help="The cycle's id.")
@click.option("--missing-only", is_flag=True, help="Compute only the results that are missing or stale.")
@with_appcontext
def results_rebuild(cycle_id, missing_only):
    """Compute and store every readiness result of a cycle again, with a progress bar."""
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise click.ClickException(_("there is no cycle with id %(id)s", id=cycle_id))
    total = len(results_store.missing_results(cycle)) if missing_only else len(cycle.assessments)
    # On a terminal, a bar with the count and an estimate; elsewhere (logs, CI) just the label.
    with click.progressbar(length=total, label=_("Results of %(name)s", name=cycle.name), show_pos=True) as bar:
        def progress(done, _total):
            bar.update(done - bar.pos)

        count = results_store.refresh_cycle(cycle, readiness.compute_results, force=not missing_only,
                                            progress=progress)
    db.session.commit()
    click.echo(ngettext("Stored %(num)d readiness result of %(name)s.", "Stored %(num)d readiness results of %(name)s.",
                        count, name=cycle.name))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker for the app's export jobs (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(_("REDIS_URL is not set: exports run in-process, there is no queue to work on. "
                                     "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web app and the workers."))
    # The URL may carry a password: show only where the worker listens.
    where = current_app.config["REDIS_URL"].rsplit("@", 1)[-1]
    click.echo(_("Working on queue %(queue)s at %(where)s.", queue=repr(queue_name(current_app)), where=where))
    work(current_app._get_current_object(), burst=burst)


#: ``--today`` of the reminder commands.
today_option = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            help="Act as if today were this date (default: today, UTC).")


@click.command("remind")
@today_option
@with_appcontext
def remind_command(today):
    """Record the reminders due today (each once: safe hourly from cron), then send what is waiting."""
    current_app.config["MAIL_DISPATCH"] = "off"  # this command sends itself, below, and reports the count
    runs = remind_due(today.date() if today else None)
    for run in runs:
        click.echo(ngettext("%(cycle)s: %(stage)s: %(num)d reminder recorded, %(skipped)d already sent before",
                            "%(cycle)s: %(stage)s: %(num)d reminders recorded, %(skipped)d already sent before",
                            run.recorded, cycle=run.cycle_name, stage=run.stage, skipped=run.skipped))
    if not runs:
        click.echo(_("No reminders due."))
    _echo_plan_run(remind_plans(today.date() if today else None))
    click.echo(_("Sent %(num)d message(s).", num=deliver()))


def _echo_plan_run(run) -> None:
    click.echo(ngettext("Development plans: %(num)d reminder recorded, %(skipped)d already sent before",
                        "Development plans: %(num)d reminders recorded, %(skipped)d already sent before",
                        run.recorded, skipped=run.skipped))


@click.group("plans")
def plans_cli():
    """Development plans (issue 20)."""
@plans_cli.command("remind")
@today_option
@with_appcontext
def plans_remind(today):
    """Mail the owners of plan actions due soon or overdue (each stage once: safe hourly), then send."""
    current_app.config["MAIL_DISPATCH"] = "off"  # this command sends itself, below, and reports the count
    _echo_plan_run(remind_plans(today.date() if today else None))
    click.echo(_("Sent %(num)d message(s).", num=deliver()))


@click.group("mail")
def mail_cli():
    """The outbox of outgoing e-mail."""
@mail_cli.command("send-pending")
@with_appcontext
def mail_send_pending():
    """Send every message that is due (new ones, and retries whose delay has passed)."""
    sent = deliver()
    waiting = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "pending"))
    failed = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "failed"))
    click.echo(_("Sent %(sent)d message(s); %(waiting)d waiting for a later try; %(failed)d given up (see /hr/outbox).",
                 sent=sent, waiting=waiting, failed=failed))


def register(app) -> None:
    """Add the commands to the app's CLI, so ``flask --app wsgi ...`` has them too (there OPSLADDER_LANG chooses
    the language: ``--lang`` belongs to ``opsladder``)."""
    if os.environ.get(LANGUAGE_ENV) and language.normalise(os.environ[LANGUAGE_ENV]):
        language.set_current(os.environ[LANGUAGE_ENV])
    app.cli.add_command(rubric_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(report_command)
    app.cli.add_command(export_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(results_cli)
    app.cli.add_command(remind_command)
    app.cli.add_command(plans_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(people_cli)
