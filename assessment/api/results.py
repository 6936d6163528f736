"""(issue 21) Results for a token with ``results:read``: a candidate's verdict, band, rules and per-competency
scores (HR's copy, as HR's results page shows it), the PDF report, and a cycle's scores as CSV or XLSX. While a
cycle is open and its verdicts are hidden (``open_cycle.verdicts_hidden``), the API, like the pages, answers 409."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app
from flask_babel import gettext as _
from marshmallow import validate

from reports.pdf import render_report
from rubrics import language

from ..services import exports as export_service
from ..services.open_cycle import hidden_text, verdicts_hidden
from ..services.readiness import assess, report_data
from ..services.scores_export import scores_csv, scores_xlsx
from .assessments import assessment_or_404, blp as assessments_blp
from .auth import requires
from .core import errors
from .cycles import blp as cycles_blp, cycle_or_404
from .problems import Problem

NUMBER = {"allow_none": True, "required": True}


class RuleSchema(ma.Schema):
    id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    detail = ma.fields.String(required=True)
    competencies = ma.fields.List(ma.fields.String(), required=True)


class CompetencyScoreSchema(ma.Schema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    required = ma.fields.Integer(required=True)
    is_critical = ma.fields.Boolean(required=True)
    decision_score = ma.fields.Float(**NUMBER)
    gap = ma.fields.Float(**NUMBER)
    standard_error = ma.fields.Float(**NUMBER)
    self_score = ma.fields.Float(**NUMBER)
    manager_score = ma.fields.Float(**NUMBER)
    peer_score = ma.fields.Float(**NUMBER)
    rated = ma.fields.Integer(required=True)
    raters = ma.fields.Integer(required=True)


class ResultSchema(ma.Schema):
    assessment_id = ma.fields.Integer(required=True)
    candidate_id = ma.fields.Integer(required=True)
    target_role = ma.fields.String(required=True)
    verdict = ma.fields.String(required=True, metadata={"description": "A band id, or the two non-band outcomes."})
    verdict_label = ma.fields.String(required=True)
    band = ma.fields.String(allow_none=True, required=True,
                            metadata={"description": "The band the rules give (Panel review: the provisional)."})
    is_panel_review = ma.fields.Boolean(required=True)
    is_sufficient = ma.fields.Boolean(required=True)
    calibrated_band = ma.fields.String(allow_none=True, required=True)
    weighted_attainment = ma.fields.Float(**NUMBER)
    summary = ma.fields.String(required=True)
    rules = ma.fields.List(ma.fields.Nested(RuleSchema), required=True)
    competencies = ma.fields.List(ma.fields.Nested(CompetencyScoreSchema), required=True)


class LanguageArgs(ma.Schema):
    lang = ma.fields.String(validate=validate.OneOf(language.LANGUAGES),
                            metadata={"description": "Default: the candidate's language."})


def _visible(cycle) -> None:
    if verdicts_hidden(cycle):
        raise Problem(409, hidden_text())


def result_data(outcome) -> dict:
    result, calibration = outcome.result, outcome.calibration
    return {"assessment_id": outcome.assessment.id, "candidate_id": outcome.assessment.candidate_id,
            "target_role": result.target_role_id, "verdict": result.band_id, "verdict_label": result.band_label,
            "band": result.provisional_band_id if result.is_panel_review else (
                result.band_id if result.band_rank is not None else None),
            "is_panel_review": result.is_panel_review, "is_sufficient": result.is_sufficient,
            "calibrated_band": calibration.band_id if calibration is not None else None,
            "weighted_attainment": result.weighted_attainment, "summary": result.summary,
            "rules": [{"id": r.id, "text": r.text, "status": r.status, "detail": r.detail,
                       "competencies": list(r.competencies)} for r in result.rules],
            "competencies": [{"id": c.competency_id, "name": c.name, "required": c.required,
                              "is_critical": c.is_critical, "decision_score": c.decision_score, "gap": c.gap,
                              "standard_error": c.standard_error, "self_score": c.self_score,
                              "manager_score": c.manager_score, "peer_score": c.peer_score, "rated": c.rated,
                              "raters": c.raters} for c in result.competencies]}


def _file(media: str, description: str) -> dict:
    return {"responses": {"200": {"description": description,
                                  "content": {media: {"schema": {"type": "string", "contentMediaType": media}}}}}}


@assessments_blp.route("/<int:assessment_id>/results", methods=["GET"])
@requires("results:read")
@assessments_blp.response(200, ResultSchema)
@errors(assessments_blp, 404, 409)
def get_results(assessment_id: int):
    """HR's copy of a candidate's results: verdict, band, every rule, and the scores per competency."""
    assessment = assessment_or_404(assessment_id)
    _visible(assessment.cycle)
    return result_data(assess(assessment))


@assessments_blp.route("/<int:assessment_id>/report.pdf", methods=["GET"])
@requires("results:read")
@assessments_blp.arguments(LanguageArgs, location="query")
@assessments_blp.doc(**_file("application/pdf", "HR's readiness report of the candidate."))
@errors(assessments_blp, 404, 409, 422)
def download_report(args, assessment_id: int):
    """HR's PDF readiness report, in ``lang`` or the candidate's language."""
    assessment = assessment_or_404(assessment_id)
    _visible(assessment.cycle)
    pdf = render_report(report_data(assessment, audience="hr", lang=args.get("lang")))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{export_service.report_filename(assessment)}"'})


@cycles_blp.route("/<int:cycle_id>/scores.csv", methods=["GET"])
@requires("results:read")
@cycles_blp.doc(**_file("text/csv", "The cycle's scores per candidate, competency and rater group."))
@errors(cycles_blp, 404, 409)
def scores_as_csv(cycle_id: int):
    """The scores export as CSV (UTF-8 with a byte-order mark, as the page's)."""
    cycle = cycle_or_404(cycle_id)
    _visible(cycle)
    name = export_service.safe_filename(f"{cycle.name}-scores.csv")
    return Response("\ufeff" + scores_csv(cycle), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@cycles_blp.route("/<int:cycle_id>/scores.xlsx", methods=["GET"])
@requires("results:read")
@cycles_blp.doc(**_file(export_service.MIMETYPES[".xlsx"], "The cycle's scores as a workbook."))
@errors(cycles_blp, 404, 409)
def scores_as_xlsx(cycle_id: int):
    """The scores export as XLSX (a very large cycle: use the CSV, or the page's background export)."""
    cycle = cycle_or_404(cycle_id)
    _visible(cycle)
    if export_service.candidate_count(cycle) > current_app.config["SCORES_XLSX_INLINE_MAX"]:
        raise Problem(409, _("This cycle is too large for a workbook made at once: download the CSV instead."))
    name = export_service.safe_filename(f"{cycle.name}-scores.xlsx")
    return Response(scores_xlsx(cycle), mimetype=export_service.MIMETYPES[".xlsx"],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
