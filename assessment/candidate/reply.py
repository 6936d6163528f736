"""The candidate's right of reply (issue 20, 4): acknowledge released results, write a reply for HR's record, ask
for a review within the cycle's review period. Nothing here for a withdrawn candidate (404) or one whose results
are not released to them (the "not released" page; every write refused)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..access import get_or_404, owned_or_404, role_required
from ..cleaning import whole_number
from ..extensions import db
from ..forms import CleanForm, add_error
from ..mail.review_mail import REVIEW_OUTCOME_LABELS
from ..models import Assessment
from ..services import ServiceError
from ..services import replies, review_requests

bp = Blueprint("reply", __name__)


class AcknowledgeForm(CleanForm):
    """Acknowledge the results: a button, nothing to fill in."""


class ReplyForm(CleanForm):
    text = TextAreaField(_l("Your reply"), validators=[DataRequired(_l("write your reply")),
                                                       Length(max=replies.MAX_REPLY)],
                         render_kw={"rows": 8, "maxlength": replies.MAX_REPLY})
    #: The version of the reply the form was loaded with: a save based on an older one is a conflict.
    version = HiddenField()


class ReviewRequestForm(CleanForm):
    reason = TextAreaField(_l("Why should your results be reviewed?"),
                           validators=[DataRequired(_l("give your reason")), Length(max=review_requests.MAX_REASON)],
                           render_kw={"rows": 6, "maxlength": review_requests.MAX_REASON})


def _own(assessment_id: int) -> Assessment:
    """The signed-in candidate's own assessment (404 otherwise, and for a withdrawn one: they have no results)."""
    assessment = get_or_404(Assessment, assessment_id)
    owned_or_404(assessment, assessment.candidate_id == current_user.id)
    if assessment.is_withdrawn:
        abort(404)
    return assessment


#: The keyword of ``_page`` that takes each form back after a refusal.
_FORM_NAMES = {AcknowledgeForm: "acknowledge_form", ReplyForm: "reply_form", ReviewRequestForm: "review_form"}


def _page(assessment: Assessment, *, reply_form=None, review_form=None, acknowledge_form=None, status: int = 200):
    if not replies.is_released_to_candidate(assessment):
        return render_template("results/not_released.html", assessment=assessment), 409 if status != 200 else 200
    row = replies.reply_of(assessment)
    if reply_form is None:
        reply_form = ReplyForm()
        reply_form.text.data = row.text if row else ""
        reply_form.version.data = str(row.version if row else 0)
    return render_template(
        "candidate/reply.html", assessment=assessment, row=row, reply_form=reply_form,
        review_form=review_form or ReviewRequestForm(), acknowledge_form=acknowledge_form or AcknowledgeForm(),
        period_end=replies.period_end(assessment), reply_lock=replies.reply_lock(assessment, row),
        review_refusal=review_requests.request_refusal(assessment), requests=review_requests.requests_of(assessment),
        outcome_labels=REVIEW_OUTCOME_LABELS, max_reply=replies.MAX_REPLY), status


def _post(assessment_id: int, form_class, action, message, anchor: str, status: int = 422):
    """A POST of the page: on a valid form run ``action(assessment, form)`` (a service) and commit, then back to
    the page's section with ``message``; a refusal lands on the form, shown again on the page with ``status``."""
    assessment = _own(assessment_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            action(assessment, form)
        except ServiceError as exc:
            db.session.rollback()
            add_error(form, exc.field, exc.message)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("reply.show_reply", assessment_id=assessment.id) + anchor)
    return _page(assessment, **{_FORM_NAMES[form_class]: form}, status=status)


@bp.route("/me/assessments/<int:assessment_id>/reply")
@role_required("candidate")
def show_reply(assessment_id: int):
    """Acknowledge the results, reply to them, ask for a review, and see how earlier requests were resolved."""
    return _page(_own(assessment_id))


@bp.route("/me/assessments/<int:assessment_id>/acknowledgement", methods=["POST"])
@role_required("candidate")
def acknowledge(assessment_id: int):
    """Record that the candidate has read their results (no agreement implied)."""
    return _post(assessment_id, AcknowledgeForm, lambda assessment, form: replies.acknowledge(
        assessment, actor=current_user), _("You acknowledged your results. This says you have read them; it does not "
                                           "say you agree."), "#acknowledgement", status=409)


@bp.route("/me/assessments/<int:assessment_id>/reply/versions", methods=["POST"])
@role_required("candidate")
def save_reply(assessment_id: int):
    """Save the candidate's reply (a new version, audited)."""
    return _post(assessment_id, ReplyForm, lambda assessment, form: replies.save_reply(
        assessment, form.text.data, actor=current_user, expected_version=whole_number(form.version.data)),
        _("Your reply was saved. HR sees it with your results."), "#reply")


@bp.route("/me/assessments/<int:assessment_id>/review-request", methods=["POST"])
@role_required("candidate")
def request_review(assessment_id: int):
    """Ask for a review of the results, with a reason, within the review period."""
    return _post(assessment_id, ReviewRequestForm, lambda assessment, form: review_requests.request_review(
        assessment, form.reason.data, actor=current_user),
        _("Your request for a review was sent to HR. You will get an e-mail when they have answered it."), "#review")
