"""Results pages: one candidate's readiness (HR always, the candidate after release), HR's calibration,
the cycle overview heat-map, and the exports (the cycle's reports as a ZIP job, the scores as CSV/XLSX)."""

from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, stream_with_context, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from reports.pdf import render_report
from reports.trend import change_text
from rubrics import language
from rubrics.readiness import verdict_label

from ..access import get_or_404, owned_or_404, role_required
from ..extensions import db
from ..forms import add_error
from ..framework import pinned_framework
from ..models import Assessment, Cycle, ExportJob
from ..services import ServiceError
from ..services import exports as export_service
from ..services import history, two_person
from ..services.open_cycle import completion, hidden_text, verdicts_hidden
from ..services.calibration_rules import RATIONALE_RULE, reason_label
from ..services.calibrations import approve_calibration as approve_proposal
from ..services.calibrations import calibrate_verdict as record_calibration
from ..services.calibrations import panel_choices
from ..services.rater_flags import cycle_flags, report_flags
from ..services.readiness import assess, candidate_sees_results, not_counted, not_counted_text, radar_chart, \
    report_audience, report_data, visible_result
from ..services.results_store import missing_results
from ..services.scores_export import iter_scores_csv_in
from .display import register_display
from .forms import ApprovalForm, CalibrationForm, StartExportForm
from .overview import GAP_CLASSES, OverviewQuery, build_overview

bp = Blueprint("results", __name__)


register_display(bp)


def _visible_assessment(assessment_id: int) -> Assessment:
    """The assessment when the current user may see its results: HR always, the candidate only their own."""
    assessment = get_or_404(Assessment, assessment_id)
    if current_user.role != "hr":
        owned_or_404(assessment, assessment.candidate_id == current_user.id)
    return assessment


def _is_released_to_viewer(assessment: Assessment) -> bool:
    """HR always; the candidate when ``candidate_sees_results`` (released, not withheld, not withdrawn).
    A withdrawn candidate's own results are a 404, page and PDF alike: they have none."""
    if current_user.role == "hr":
        return True
    if assessment.is_withdrawn:
        abort(404)
    return candidate_sees_results(assessment)


def _in_progress(cycle: Cycle, assessment: Assessment | None = None, status: int = 200):
    """The page HR sees instead of verdicts while the cycle is open (``verdicts_hidden``): completion only."""
    rows = completion(cycle, [assessment.id] if assessment is not None else None)
    return render_template("results/in_progress.html", cycle=cycle, assessment=assessment, rows=rows,
                           message=hidden_text()), status


def _render_results(assessment: Assessment, form: CalibrationForm | None = None, status: int = 200,
                    approval: ApprovalForm | None = None):
    if verdicts_hidden(assessment.cycle):
        return _in_progress(assessment.cycle, assessment, status)
    framework = pinned_framework(assessment.cycle)
    is_hr = current_user.role == "hr"
    # Asked once, for the verdict's fingerprint and (HR only: it names raters) the page's rater quality.
    quality = cycle_flags(assessment.cycle, framework=framework)
    outcome = visible_result(assess(assessment, framework=framework, quality=quality), report_audience(current_user))
    account_history = []
    if is_hr:
        form = form or _calibration_form(assessment, framework)
        approval = approval or ApprovalForm()
        if outcome.proposal is not None:
            approval.calibration_id.data = str(outcome.proposal.id)
            account_history = two_person.account_history([outcome.proposal.created_by, current_user])
    chart = radar_chart(outcome.result)
    flags = report_flags(quality, assessment.id) if is_hr else {}
    left_out = not_counted([assessment.id]).get(assessment.id, 0) if is_hr else 0
    since = history.trend(assessment, outcome.result, audience=report_audience(current_user))
    return render_template("results/view.html", assessment=assessment, framework=framework, outcome=outcome,
                           trend=since, trend_chart=history.trend_chart(since) if since.has_history else "",
                           change_text=change_text,
                           result=outcome.result, chart=chart, form=form, approval=approval,
                           rationale_rule=RATIONALE_RULE, account_history=account_history, rater_notes=flags.get("rater_notes"),
                           rests_on_flagged=flags.get("rests_on_flagged", ""), is_rater_quality=bool(flags),
                           not_counted=not_counted_text(left_out),
                           band_label=lambda band_id: verdict_label(framework.readiness, band_id),
                           reason_label=lambda code: reason_label(framework.readiness, code)), status


def _calibration_form(assessment: Assessment, framework) -> CalibrationForm:
    form = CalibrationForm(bands=framework.readiness.bands, reasons=framework.readiness.calibration_reasons,
                           people=panel_choices(assessment))
    # The talent grid's "Propose a move" opens this form with the band it proposes (?band_id=): chosen, not saved.
    if request.method == "GET" and request.args.get("band_id") in {band.id for band in framework.readiness.bands}:
        form.band_id.data = request.args["band_id"]
    return form


@bp.route("/assessments/<int:assessment_id>/results")
@role_required("hr", "candidate")
def view_results(assessment_id: int):
    """A candidate's readiness: verdict and reasons, chart, competencies, blind spots, development priorities."""
    assessment = _visible_assessment(assessment_id)
    if not _is_released_to_viewer(assessment):
        return render_template("results/not_released.html", assessment=assessment)
    return _render_results(assessment)


@bp.route("/assessments/<int:assessment_id>/report.pdf")
@role_required("hr", "candidate")
def download_report(assessment_id: int):
    """The candidate's readiness report as a PDF (same access as the results page), in ``?lang=`` or by
    default the candidate's own language (else the reader's)."""
    assessment = _visible_assessment(assessment_id)
    if not _is_released_to_viewer(assessment):
        abort(404)
    if verdicts_hidden(assessment.cycle):
        return _in_progress(assessment.cycle, assessment, 409)
    lang = request.args.get("lang")
    pdf = render_report(report_data(assessment, audience=report_audience(current_user), lang=lang,
                                    trend=history.trend))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{export_service.report_filename(assessment)}"',
        "Cache-Control": "private, no-store"})


def _calibration_step(assessment: Assessment, form, action, message):
    """Run a calibration service and commit, then answer beside the form: a redirect to the section's message
    (``message(result)``), or None after a refusal, which lands on ``form``."""
    try:
        result = action()
    except ServiceError as exc:
        db.session.rollback()
        add_error(form, exc.field, exc.message)
        return None
    db.session.commit()
    # "inline": shown in the calibration section, where the user is looking, not at the top of the page.
    flash(message(result), "inline")
    return redirect(url_for("results.view_results", assessment_id=assessment.id) + "#calibration-message")


@bp.route("/assessments/<int:assessment_id>/calibration", methods=["POST"])
@role_required("hr")
def calibrate_verdict(assessment_id: int):
    """HR records a calibrated verdict (or proposes one, under the two-person rule) beside the computed one."""
    assessment = get_or_404(Assessment, assessment_id)
    form = _calibration_form(assessment, pinned_framework(assessment.cycle))
    if form.validate_on_submit():
        reason = form.reason_code.data if "reason_code" in form else None
        done = _calibration_step(assessment, form, lambda: record_calibration(
            assessment, form.band_id.data, form.rationale.data, actor=current_user,
            candidate_note=form.candidate_note.data, panel_ids=form.panel.data, reason_code=reason),
            lambda calibration: _("The calibrated verdict was recorded beside the computed one and is in force.")
            if calibration.is_approved else _("The calibration was recorded as a proposal. It is not in force "
                                              "until a second HR person approves it."))
        if done is not None:
            return done
    return _render_results(assessment, form=form, status=422)


@bp.route("/assessments/<int:assessment_id>/calibration/approval", methods=["POST"])
@role_required("hr")
def approve_calibration(assessment_id: int):
    """A second HR person approves the pending proposal, which then comes into force."""
    assessment = get_or_404(Assessment, assessment_id)
    form = ApprovalForm()
    if not form.validate_on_submit():
        form.form_errors.append(_("The approval did not say which proposal it approves; reload the page."))
        return _render_results(assessment, status=422, approval=form)
    done = _calibration_step(assessment, form, lambda: approve_proposal(assessment, form.proposal_id(),
                                                                        actor=current_user),
                             lambda _result: _("You approved the proposed calibration: it is now in force."))
    return done or _render_results(assessment, status=422, approval=form)


@bp.route("/cycles/<int:cycle_id>/overview")
@role_required("hr")
def cycle_overview(cycle_id: int):
    """HR's heat-map of a cycle: candidates x competencies, verdict counts, filter by target role, sortable."""
    cycle = get_or_404(Cycle, cycle_id)
    if verdicts_hidden(cycle):
        return _in_progress(cycle)
    missing = missing_results(cycle)
    if len(missing) > current_app.config["RESULTS_INLINE_MAX"]:
        # Too many results to compute within one request (right after closing a large cycle): a job does it,
        # its page shows the progress and leads back here.
        job, is_new = export_service.results_job(cycle, actor=current_user)
        db.session.commit()
        if is_new:
            export_service.dispatch_export(job)
        return redirect(url_for("results.view_export", job_id=job.id))
    query = OverviewQuery.from_request()
    overview = build_overview(cycle, query, missing=missing)
    return render_template("results/overview.html", cycle=cycle, overview=overview, query=query,
                           gap_classes=GAP_CLASSES)


@bp.route("/cycles/<int:cycle_id>/scores.<any(csv, xlsx):fmt>")
@role_required("hr")
def export_scores(cycle_id: int, fmt: str):
    """The cycle's scores per candidate x competency x rater group: CSV streamed, XLSX made here or, for a
    large cycle, by a background job (this then leads to the page that starts it)."""
    cycle = get_or_404(Cycle, cycle_id)
    if verdicts_hidden(cycle):
        return _in_progress(cycle, status=409)
    name = export_service.safe_filename(f"{cycle.name}-scores.{fmt}")
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    if fmt == "csv":
        chunks = iter_scores_csv_in(language.current(), cycle.id)
        body = stream_with_context("\ufeff" + chunk if index == 0 else chunk for index, chunk in enumerate(chunks))
        return Response(body, mimetype="text/csv", headers=headers)
    if export_service.candidate_count(cycle) > current_app.config["SCORES_XLSX_INLINE_MAX"]:
        return redirect(url_for("results.start_scores_export", cycle_id=cycle.id))
    return Response(export_service.scores_xlsx(cycle), mimetype=export_service.MIMETYPES[".xlsx"], headers=headers)


def _start_job(cycle: Cycle, kind: str):
    """Start an export job of ``kind`` from its confirmation form: to its progress page, or back with why not."""
    try:
        job = export_service.start_cycle_export(cycle, actor=current_user, kind=kind)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("results.cycle_overview", cycle_id=cycle.id))
    db.session.commit()
    export_service.dispatch_export(job)
    return redirect(url_for("results.view_export", job_id=job.id))


def _export_start_page(cycle_id: int, template: str, kind, extra=lambda cycle: {}):
    """The confirmation page of a cycle's export job (one form for both kinds): on a confirmed submission the job of
    ``kind(form)`` starts, else the page shows what the export will contain (``extra(cycle)`` adds to it)."""
    cycle = get_or_404(Cycle, cycle_id)
    if verdicts_hidden(cycle):
        return _in_progress(cycle, status=409)
    form = StartExportForm()
    if form.validate_on_submit():
        return _start_job(cycle, kind(form))
    return render_template(template, cycle=cycle, form=form, count=export_service.candidate_count(cycle), **extra(cycle))


@bp.route("/cycles/<int:cycle_id>/exports/scores", methods=["GET", "POST"])
@role_required("hr")
def start_scores_export(cycle_id: int):
    """Confirm, then start the job that writes a large cycle's scores as one XLSX workbook."""
    return _export_start_page(cycle_id, "results/start_scores_export.html", lambda form: export_service.SCORES_KIND)


@bp.route("/cycles/<int:cycle_id>/exports", methods=["GET", "POST"])
@role_required("hr")
def start_export(cycle_id: int):
    """Confirm, then start the job that exports every report of the cycle (and a panel summary) as one ZIP."""
    return _export_start_page(cycle_id, "results/start_export.html",
                              lambda form: export_service.export_kind(form.language.data),
                              lambda cycle: {"recent": export_service.recent_exports(cycle)})


@bp.route("/exports/<int:job_id>")
@role_required("hr")
def view_export(job_id: int):
    """An export's progress (refreshing itself while it runs) and, at the end, its download link."""
    job = get_or_404(ExportJob, job_id)
    return render_template("results/export.html", job=job, cycle=db.session.get(Cycle, job.cycle_id),
                           stalled=export_service.is_stalled(job))


@bp.route("/exports/<int:job_id>/status")
@role_required("hr")
def export_status(job_id: int):
    """An export's progress as JSON, for the page's optional script."""
    job = get_or_404(ExportJob, job_id)
    return jsonify(export_service.job_status(job))


@bp.route("/exports/<int:job_id>/download")
@role_required("hr")
def download_export(job_id: int):
    """The finished export's ZIP file."""
    job = get_or_404(ExportJob, job_id)
    cycle = db.session.get(Cycle, job.cycle_id)
    if cycle is not None and verdicts_hidden(cycle):
        return _in_progress(cycle, status=409)
    path = export_service.finished_file(job)
    if path is None:
        abort(404)
    export_service.record_download(job, actor=current_user)
    db.session.commit()
    return send_file(path, mimetype=export_service.MIMETYPES.get(path.suffix, "application/octet-stream"),
                     as_attachment=True, download_name=path.name, max_age=0)
