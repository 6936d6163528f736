"""HR and the candidate's right of reply (issue 20, 4): the reply and review requests on the candidate's results
page, open requests on the cycle's dashboard and on a page of their own, marking a reply read, and resolving a
request (upheld, changed through calibration, or not upheld, with the reason the candidate is told by mail)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..access import get_or_404, role_required
from ..cleaning import whole_number
from ..forms import CleanForm
from ..forms.common import SelectChoice
from ..mail.review_mail import REVIEW_OUTCOME_LABELS
from ..models import Assessment, Cycle
from ..services import replies, review_requests
from .blueprint import FAILED, actor, bp, save


class MarkReadForm(CleanForm):
    #: The version of the reply HR read.
    version = HiddenField()


class ResolveForm(CleanForm):
    outcome = RadioField(_l("Outcome"),
                         choices=[SelectChoice(key, label) for key, label in REVIEW_OUTCOME_LABELS.items()],
                         validators=[DataRequired(_l("choose the outcome"))])
    resolution = TextAreaField(_l("The reason, as the candidate will read it"),
                               validators=[DataRequired(_l("give the reason")),
                                           Length(max=review_requests.MAX_REASON)],
                               render_kw={"rows": 6, "maxlength": review_requests.MAX_REASON})
    #: The request the form was loaded for: resolving a newer one by mistake is refused.
    request_id = HiddenField()


@bp.app_template_global("candidate_reply")
def candidate_reply(assessment: Assessment) -> dict:
    """What HR's results page shows of the candidate's right of reply: acknowledgement, reply, requests."""
    row = replies.reply_of(assessment)
    form = MarkReadForm()
    form.version.data = str(row.version) if row else ""
    return {"row": row, "requests": review_requests.requests_of(assessment), "read_form": form,
            "period_end": replies.period_end(assessment), "outcome_labels": REVIEW_OUTCOME_LABELS}


@bp.app_template_global("open_review_requests")
def open_review_requests(cycle: Cycle | None = None) -> list:
    """The open review requests (of a cycle, or all), oldest first, with the days each has been open."""
    return review_requests.open_reviews(cycle)


@bp.route("/review-requests")
@role_required("hr")
def list_review_requests():
    """Every open review request, oldest first, with the days it has been open."""
    return render_template("hr/review_requests.html", reviews=review_requests.open_reviews())


@bp.route("/assessments/<int:assessment_id>/reply/read", methods=["POST"])
@role_required("hr")
def mark_reply_read(assessment_id: int):
    """Mark the candidate's reply read: it no longer changes (audited)."""
    assessment = get_or_404(Assessment, assessment_id)
    form = MarkReadForm()
    target = url_for("results.view_results", assessment_id=assessment.id) + "#candidate-reply"
    if form.validate_on_submit():
        if save(form, lambda: replies.mark_read(assessment, actor=actor(),
                                                version=whole_number(form.version.data))) is not FAILED:
            flash(_("The reply of %(name)s is marked as read; it stays as you read it.",
                    name=assessment.candidate.name), "success")
            return redirect(target)
    flash(" ".join(form.form_errors + [e for errors in form.errors.values() for e in errors])
          or _("The reply could not be marked as read; reload the page."), "error")
    return redirect(target)


@bp.route("/assessments/<int:assessment_id>/review-request", methods=["GET", "POST"])
@role_required("hr")
def resolve_review_request(assessment_id: int):
    """Resolve the candidate's open review request; without one, the requests and their outcomes."""
    assessment = get_or_404(Assessment, assessment_id)
    request = review_requests.open_request(assessment)
    form = ResolveForm()
    if request is not None and not form.is_submitted():
        form.request_id.data = str(request.id)
    if form.validate_on_submit():
        if request is None or whole_number(form.request_id.data) != request.id:
            form.form_errors.append(_("This review request was resolved already, or another one is open now; "
                                      "reload the page."))
        elif save(form, lambda: review_requests.resolve_review(request, form.outcome.data, form.resolution.data,
                                                               actor=actor())) is not FAILED:
            flash(_("The review request of %(name)s is resolved; they are told by e-mail.",
                    name=assessment.candidate.name), "success")
            return redirect(url_for("results.view_results", assessment_id=assessment.id) + "#candidate-reply")
    problem = review_requests.resolver_problem(request, actor()) if request is not None else None
    change = review_requests.change_calibration(request) if request is not None else None
    return render_template("hr/review_request.html", assessment=assessment, request=request, form=form,
                           problem=problem, change=change, requests=review_requests.requests_of(assessment),
                           outcome_labels=REVIEW_OUTCOME_LABELS), \
        400 if form.errors or form.form_errors else 200
