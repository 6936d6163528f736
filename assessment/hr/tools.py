"""HR's everyday tools: the people picker's search, invitations, withdrawing a candidate, starting a cycle from
another one, and bulk actions on the dashboard (remind the selected raters, reopen the selected sheets)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy.orm import joinedload

from ..access import get_or_404, role_required
from ..cleaning import whole_number
from ..extensions import db
from ..framework import current_framework
from ..mail.reminders import remind_now
from ..models import Assessment, Cycle, RaterAssignment, User
from ..forms.common import ConfirmForm
from ..services import accounts, ratings, withdrawals
from . import labels
from .blueprint import FAILED, actor, confirm_with_reason, save
from .forms import BulkReopenForm, CopyCycleForm, WithdrawForm

bp = Blueprint("hrtools", __name__, url_prefix="/hr")

#: The people picker offers this many matches at most; typing more narrows them down.
PICKER_LIMIT = 10
#: Who may be picked for what: a manager slot takes managers and HR (as the rater rules do); peers anyone.
PICKER_ROLES = {"manager": ("manager", "hr"), "candidate": ("candidate",)}


@bp.route("/people/search")
@role_required("hr")
def search_people():
    """People whose name or e-mail contains ?q= (at least 2 characters), as JSON for the people picker."""
    q = request.args.get("q", "").strip()[:200]
    if len(q) < 2:
        return jsonify(results=[])
    stmt = sa.select(User).where(User.is_active, sa.or_(User.name.icontains(q, autoescape=True),
                                                         User.email.icontains(q, autoescape=True)))
    roles = PICKER_ROLES.get(request.args.get("role", ""))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    people = db.session.scalars(stmt.order_by(User.name, User.id).limit(PICKER_LIMIT)).all()
    return jsonify(results=[{"name": p.name, "email": p.email, "role": labels.label(labels.ACCOUNT_ROLES, p.role)}
                            for p in people])


@bp.route("/people/<int:user_id>/invite", methods=["POST"])
@role_required("hr")
def invite_person(user_id: int):
    """E-mail a person a link to set their password."""
    person = get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The page had expired, so nothing was sent; please try again."), "error")
    elif save(form, lambda: accounts.invite(person, actor=actor())) is not FAILED:
        flash(_("Invitation sent to %(email)s; its link works once, for a limited time.", email=person.email),
              "success")
    for message in form.form_errors:
        flash(message, "error")
    return redirect(url_for("hr.edit_person", user_id=person.id))


@bp.route("/assessments/<int:assessment_id>/withdraw", methods=["GET", "POST"])
@role_required("hr")
def withdraw_candidate(assessment_id: int):
    """Confirm, with a reason, then withdraw a candidate from a cycle (their sheets are kept, no longer owed)."""
    assessment = get_or_404(Assessment, assessment_id)

    def done():
        return (_("%(name)s is withdrawn from %(cycle)s. Their sheets are kept; nobody is asked for them any more.",
                  name=assessment.candidate.name, cycle=assessment.cycle.name),
                url_for("hr.view_cycle", cycle_id=assessment.cycle_id))

    return confirm_with_reason(WithdrawForm(), lambda reason: withdrawals.withdraw_candidate(assessment, reason,
                                                                                            actor=actor()),
                               done, template="hr/withdraw.html", assessment=assessment)


@bp.route("/cycles/<int:cycle_id>/copy", methods=["GET", "POST"])
@role_required("hr")
def copy_cycle(cycle_id: int):
    """Start a new cycle, in draft, with this one's candidates, raters and instructions."""
    source = get_or_404(Cycle, cycle_id)
    form = CopyCycleForm()
    if request.method == "GET":
        form.name.data = _("%(name)s (next)", name=source.name)
    if form.validate_on_submit():
        cycle = save(form, lambda: withdrawals.copy_cycle(source, form.name.data, actor=actor(),
                                                           framework=current_framework()))
        if cycle is not FAILED:
            flash(ngettext("Cycle “%(name)s” created in draft with %(num)d candidate and their raters. Check it, "
                           "set its dates, then open it.",
                           "Cycle “%(name)s” created in draft with %(num)d candidates and their raters. Check it, "
                           "set its dates, then open it.", len(cycle.assessments), name=cycle.name), "success")
            return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
    candidates = [a for a in source.assessments if not a.is_withdrawn]
    return render_template("hr/copy_cycle.html", form=form, source=source, candidates=candidates), \
        400 if form.errors or form.form_errors else 200


def _selected_sheets(cycle: Cycle) -> list[RaterAssignment]:
    """The sheets ticked on the dashboard, and the unsubmitted sheets of the raters ticked, in this cycle only."""
    ids = [n for n in map(whole_number, request.form.getlist("sheet")) if n is not None]
    raters = [n for n in map(whole_number, request.form.getlist("rater")) if n is not None]
    if not ids and not raters:
        return []
    chosen = sa.or_(RaterAssignment.id.in_(ids),
                    sa.and_(RaterAssignment.rater_id.in_(raters), RaterAssignment.status != "submitted"))
    return db.session.scalars(
        sa.select(RaterAssignment).join(Assessment)
        .options(joinedload(RaterAssignment.rater), joinedload(RaterAssignment.assessment).joinedload(Assessment.candidate))
        .where(chosen, Assessment.cycle_id == cycle.id).order_by(RaterAssignment.id)).unique().all()


@bp.route("/cycles/<int:cycle_id>/bulk", methods=["POST"])
@role_required("hr")
def bulk_action(cycle_id: int):
    """The dashboard's bulk actions on the selected sheets: remind their raters now, or reopen them (confirmed)."""
    cycle = get_or_404(Cycle, cycle_id)
    back = url_for("hr.view_cycle", cycle_id=cycle.id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The page had expired, so nothing was done; please try again."), "error")
        return redirect(back)
    action, sheets = request.form.get("action"), _selected_sheets(cycle)
    if not sheets:
        flash(_("Select at least one sheet first (the boxes beside the raters' names)."), "error")
        return redirect(back)
    if action == "remind":
        return _remind_selected(cycle, sheets, back)
    if action in ("reopen", "reopen_confirmed"):
        return _reopen_selected(cycle, sheets, back, confirmed=action == "reopen_confirmed")
    flash(_("Choose what to do with the selected sheets."), "error")
    return redirect(back)


def _remind_selected(cycle: Cycle, sheets: list[RaterAssignment], back: str):
    owing = {s.rater_id for s in sheets if s.status != "submitted" and not s.assessment.is_withdrawn}
    if cycle.state != "open" or not owing:
        flash(_("None of the selected sheets is still owed in an open cycle: nobody was reminded."), "info")
        return redirect(back)
    recorded, skipped = remind_now(cycle, owing)
    db.session.commit()
    text = ngettext("Reminder sent to %(num)d rater.", "Reminder sent to %(num)d raters.", recorded)
    if skipped:
        text += " " + ngettext("%(num)d had already been reminded in the last hour and was left alone.",
                               "%(num)d had already been reminded in the last hour and were left alone.", skipped)
    flash(text, "success")
    return redirect(back)


def _reopen_selected(cycle: Cycle, sheets: list[RaterAssignment], back: str, *, confirmed: bool):
    submitted = [s for s in sheets if s.status == "submitted"]
    if not submitted:
        flash(_("None of the selected sheets is submitted, so there is nothing to reopen."), "info")
        return redirect(back)
    form = BulkReopenForm() if confirmed else BulkReopenForm(formdata=None)
    if confirmed and form.validate():
        def reopen_all():
            for sheet in submitted:
                ratings.reopen_sheet(sheet, form.reason.data, actor=actor())
        if save(form, reopen_all) is not FAILED:
            flash(ngettext("Reopened %(num)d sheet; the rater is told why by e-mail.",
                           "Reopened %(num)d sheets; each rater is told why by e-mail.", len(submitted)), "success")
            return redirect(back)
    return render_template("hr/bulk_reopen.html", form=form, cycle=cycle, sheets=submitted,
                           skipped=len(sheets) - len(submitted), back=back), 400 if confirmed else 200
