"""HR: cycles and their dashboard, candidates (one by one or imported), raters, reopening, conflicts, audit trail.

The blueprint and what every HR page shares (saving a change, the cycle's next step) are in ``blueprint``; the
cycle's steps in ``cycle_steps``, the people pages in ``people``, the outbox in ``outbox``.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from ..access import get_or_404, role_required
from ..extensions import db
from ..forms import add_error
from ..framework import pinned_framework
from ..listing import choice_arg, int_arg, page_arg, page_size, sorting_arg, text_arg
from ..models import Assessment, Cycle, RaterAssignment
from ..services import ServiceError
from ..services import assessments as assessment_service
from ..services import conflicts as conflict_service
from ..services import cycles as cycle_service
from ..services import exercises as exercise_service
from ..services import imports, ratings, users
from ..forms.common import ConfirmForm
from . import queries
from .blueprint import FAILED, NEXT_STATE, STATE_CHANGES, actor, bp, confirm_with_reason, save
from .forms import CandidateForm, ConflictClearanceForm, CycleForm, ImportForm, RaterForm, RaterRemovalForm, ReopenForm
from .labels import RATER_GROUP_WORDS, SHEET_STATUSES

def _role_names(framework) -> dict[str, str]:
    return {role.id: role.name for role in framework.roles}


def _dashboard_words(finished: bool) -> dict:
    """What the dashboard repeats on every row and sheet, translated once for the page: badges as (class, words),
    sentences with their %(name)s fields left for the template's ``format`` filter. ``finished``: the cycle is
    closed or released, so a sheet or candidate not done is no longer "to do" but not submitted."""
    sheet = {status: (status, str(label)) for status, label in SHEET_STATUSES.items()}
    progress = {key: (key, str(label)) for key, label in queries.PROGRESS_LABELS.items()}
    if finished:
        sheet.update(not_started=("not_submitted", _("Not submitted")),
                     draft=("not_submitted", _("Not submitted (draft)")))
        progress.update(dict.fromkeys(("not_started", "in_progress"), ("not_submitted", _("Incomplete"))))
    return {
        "sheet": sheet, "progress": progress,
        "progress_filter": {key: str(label) for key, label in queries.PROGRESS_LABELS.items()},
        "group": {group: str(word) for group, word in RATER_GROUP_WORDS.items()},
        "select": {"self": _("Select the self-assessment of %(candidate)s"),
                   "manager": _("Select the manager sheet of %(rater)s for %(candidate)s"),
                   "peer": _("Select the peer sheet of %(rater)s for %(candidate)s")},
        "from_role": _("from %(role)s"), "completion_for": _("Completion for %(candidate)s"),
        "conflict": _("Conflict of interest"), "conflict_of": _("Conflict of interest: %(rater)s rating %(candidate)s"),
        "none_assigned": _("None assigned"), "own_sheet": _("Own self-assessment"),
        "sheet_for": _("%(candidate)s (%(group)s)"),
    }


# --- cycles ------------------------------------------------------------------------------------------------


@bp.route("/cycles")
@role_required("hr")
def list_cycles():
    """All cycles with their state, candidates and completion."""
    return render_template("hr/cycles.html", summaries=queries.cycle_summaries())


@bp.route("/cycles/new", methods=["GET", "POST"])
@role_required("hr")
def create_cycle():
    """Create a cycle in draft."""
    form = CycleForm()
    if form.validate_on_submit():
        cycle = save(form, lambda: cycle_service.create_cycle(
            form.name.data, actor=actor(), instructions=form.instructions.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, review_days=form.review_days.data))
        if cycle is not FAILED:
            flash(_("Cycle “%(name)s” created in draft. Add candidates, then open it.", name=cycle.name), "success")
            return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
    return render_template("hr/cycle_form.html", form=form, cycle=None), 400 if form.errors else 200


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
@role_required("hr")
def edit_cycle(cycle_id: int):
    """Edit a cycle's name, dates and instructions to raters."""
    cycle = get_or_404(Cycle, cycle_id)
    form = CycleForm(obj=cycle)
    if request.method == "GET":
        form.version.data = cycle.version_id
    if form.validate_on_submit():
        saved = save(form, lambda: cycle_service.update_cycle(
            cycle, name=form.name.data, instructions=form.instructions.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, actor=actor(), expected_version=form.expected_version(),
            review_days=form.review_days.data))
        if saved is not FAILED:
            flash(_("Cycle saved."), "success")
            return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
    return render_template("hr/cycle_form.html", form=form, cycle=cycle), 400 if form.errors else 200


@bp.route("/cycles/<int:cycle_id>")
@role_required("hr")
def view_cycle(cycle_id: int):
    """The cycle dashboard: each candidate's sheets by status, and what each rater still owes."""
    cycle = get_or_404(Cycle, cycle_id)
    framework = pinned_framework(cycle)
    role_ids = {role.id for role in framework.roles}
    filters = {
        "q": text_arg("q", label=_("search text")),
        "target_role": choice_arg("target_role", role_ids),
        "status": choice_arg("status", queries.PROGRESS),
    }
    sorting = sorting_arg(queries.DASHBOARD_SORTS, "name")
    candidates = queries.dashboard_page(
        cycle.id, search=filters["q"], target_role=filters["target_role"], progress=filters["status"],
        sort=sorting.sort, descending=sorting.descending, page=page_arg("page"), per_page=page_size())
    # The raters' list pages on its own (?rpage=), so paging one list keeps the other where it is.
    # Once closed, nothing is owed any more: the page lists the sheets never submitted instead (same query).
    outstanding = queries.outstanding_page(cycle.id, page=page_arg("rpage"), per_page=page_size())
    return render_template("hr/dashboard.html", cycle=cycle, framework=framework, filters=filters, sorting=sorting,
                           candidates=candidates, outstanding=outstanding, counts=queries.cycle_counts(cycle.id),
                           conflicts=conflict_service.conflicts(line.assessment.id for line in candidates.items),
                           rater_changes=assessment_service.rater_changes(
                               line.assessment.id for line in candidates.items),
                           rater_change_kind=assessment_service.RATER_CHANGE_KIND,
                           role_names=_role_names(framework),
                           words=_dashboard_words(cycle.state in ("closed", "released")), step_buttons=STATE_CHANGES,
                           next_states=NEXT_STATE, bulk_form=ConfirmForm())


# --- candidates --------------------------------------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/candidates/new", methods=["GET", "POST"])
@role_required("hr")
def add_candidate(cycle_id: int):
    """Add one candidate to a cycle, with their managers and peers."""
    cycle = get_or_404(Cycle, cycle_id)
    framework = pinned_framework(cycle)
    form = CandidateForm(roles=framework.ladder)
    if form.validate_on_submit():
        row = imports.CandidateRow(None, form.name.data, form.email.data, form.current_role.data,
                                   form.target_role.data, imports.split_emails(form.manager_emails.data),
                                   imports.split_emails(form.peer_emails.data))
        assessment = save(form, lambda: imports.add_candidate(cycle, row, framework=framework, actor=actor()))
        if assessment is not FAILED:
            flash(_("%(candidate)s added to %(cycle)s.", candidate=assessment.candidate.name, cycle=cycle.name),
                  "success")
            return redirect(url_for("hr.assign_raters", assessment_id=assessment.id))
    ladder = " → ".join(role.name for role in framework.ladder)
    return render_template("hr/candidate_form.html", form=form, cycle=cycle, ladder_text=ladder), \
        400 if form.errors else 200


@bp.route("/cycles/<int:cycle_id>/import", methods=["GET", "POST"])
@role_required("hr")
def import_candidates(cycle_id: int):
    """Import candidates from a CSV or XLSX file: all rows, or none and a list of every problem."""
    cycle = get_or_404(Cycle, cycle_id)
    form = ImportForm()
    problems, summary = [], []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            made = imports.import_candidates(cycle, upload.filename or "upload", upload.read(),
                                             framework=pinned_framework(cycle), actor=actor())
            db.session.commit()
            flash(ngettext("Imported %(num)d candidate into %(cycle)s.", "Imported %(num)d candidates into %(cycle)s.",
                           len(made), cycle=cycle.name), "success")
            return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
        except imports.ImportRejected as exc:
            db.session.rollback()
            problems = exc.problems
            summary = [("problems-heading", exc.message)]
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
    failed = bool(form.errors or form.form_errors or problems)
    return render_template("hr/import.html", form=form, cycle=cycle, problems=problems, summary=summary,
                           columns=imports.COLUMNS, headers=imports.headers(), column_label=imports.column_label,
                           required=imports.REQUIRED_COLUMNS, column_help=imports.COLUMN_HELP), \
        400 if failed else 200


@bp.route("/import-template")
@role_required("hr")
def download_import_template():
    """The candidate import template, as CSV (default) or XLSX (?format=xlsx)."""
    if request.args.get("format") == "xlsx":
        return Response(imports.template_xlsx(),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=candidates-template.xlsx"})
    return Response(imports.template_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=candidates-template.csv"})


# --- raters ------------------------------------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@role_required("hr")
def assign_raters(assessment_id: int):
    """One candidate's sheets, and assigning managers, peers and direct reports to rate them."""
    assessment = get_or_404(Assessment, assessment_id)
    role_names = _role_names(pinned_framework(assessment.cycle))
    form = RaterForm()
    if form.validate_on_submit():
        rater = users.find_user(form.email.data)
        if rater is None:
            add_error(form, "email", _("There is no account for %(email)s; create it on the People page first.",
                                       email=users.normalise_email(form.email.data)))
        else:
            assignment = save(form, lambda: assessment_service.assign_rater(assessment, rater, form.rater_group.data,
                                                                             actor=actor(), reason=form.reason.data))
            if assignment is not FAILED:
                texts = {"manager": _("%(rater)s will rate %(candidate)s as manager.", rater=rater.name,
                                      candidate=assessment.candidate.name),
                         "peer": _("%(rater)s will rate %(candidate)s as peer.", rater=rater.name,
                                   candidate=assessment.candidate.name),
                         "direct_report": _("%(rater)s will rate %(candidate)s as a direct report.", rater=rater.name,
                                            candidate=assessment.candidate.name)}
                text = texts[assignment.rater_group]
                flash(text, "success")
                reasons = conflict_service.conflicts([assessment.id]).get(assignment.id)
                if reasons:
                    flash(_("%(conflict)s The assignment is marked; remove it if another rater can be found.",
                            conflict=conflict_service.conflict_text(assignment, reasons,
                                                                    role_names[assessment.target_role])), "warning")
                return redirect(url_for("hr.assign_raters", assessment_id=assessment.id))
    found = conflict_service.conflicts([assessment.id])
    return render_template("hr/assessment.html", assessment=assessment, form=form, role_names=role_names,
                           conflicts=found, clearances=conflict_service.clearances(found),
                           conflict_text=conflict_service.conflict_text,
                           reason_of=ratings.reopen_reason), 400 if form.errors or form.form_errors else 200


@bp.route("/assignments/<int:assignment_id>/remove", methods=["GET", "POST"])
@role_required("hr")
def remove_assignment(assignment_id: int):
    """Confirm, then take a rater who has not started off a candidate."""
    assignment = get_or_404(RaterAssignment, assignment_id)
    assessment = assignment.assessment
    # Once the cycle is open its rater list is frozen: a removal needs a reason (audited).
    form = RaterRemovalForm() if assessment.cycle.state == "open" else ConfirmForm()
    back = url_for("hr.assign_raters", assessment_id=assessment.id)
    if form.validate_on_submit():
        name = assignment.rater.name
        reason = form.reason.data if isinstance(form, RaterRemovalForm) else None
        remove = exercise_service.remove_assessor if assignment.rater_group == "assessor" \
            else assessment_service.remove_assignment
        if save(form, lambda: remove(assignment, actor=actor(), reason=reason)) is not FAILED:
            flash(_("%(rater)s no longer rates %(candidate)s.", rater=name, candidate=assessment.candidate.name),
                  "success")
            return redirect(back)
    names = {"rater": assignment.rater.name, "candidate": assessment.candidate.name}
    title = {"manager": _("Remove %(rater)s as manager?", **names),
             "direct_report": _("Remove %(rater)s as direct report?", **names),
             "assessor": _("Remove %(rater)s as assessor?", **names)}.get(assignment.rater_group,
                                                                          _("Remove %(rater)s as peer?", **names))
    return render_template("hr/remove_rater.html", form=form, title=title,
                           message=_("%(rater)s will no longer rate %(candidate)s. This is only possible while they "
                                     "have not started their sheet.", **names),
                           button=_("Remove the rater"), back=back,
                           action=url_for("hr.remove_assignment", assignment_id=assignment.id)), \
        400 if form.errors or form.form_errors else 200


@bp.route("/assignments/<int:assignment_id>/reopen", methods=["GET", "POST"])
@role_required("hr")
def reopen_assignment(assignment_id: int):
    """Reopen a submitted sheet with a reason the rater will see; the submitted version is kept."""
    assignment = get_or_404(RaterAssignment, assignment_id)

    def done():
        texts = {"self": _("The self-assessment of %(rater)s is open again as a draft; they will see your reason.",
                           rater=assignment.rater.name),
                 "manager": _("The manager sheet of %(rater)s is open again as a draft; they will see your reason.",
                              rater=assignment.rater.name),
                 "peer": _("The peer sheet of %(rater)s is open again as a draft; they will see your reason.",
                           rater=assignment.rater.name),
                 "direct_report": _("The direct report sheet of %(rater)s is open again as a draft; they will see "
                                    "your reason.", rater=assignment.rater.name),
                 "assessor": _("The exercise sheet of %(rater)s is open again as a draft; they will see your reason.",
                               rater=assignment.rater.name)}
        return texts[assignment.rater_group], url_for("hr.assign_raters", assessment_id=assignment.assessment_id)

    return confirm_with_reason(ReopenForm(), lambda reason: ratings.reopen_sheet(assignment, reason, actor=actor()),
                               done, template="hr/reopen.html", assignment=assignment)


@bp.route("/assignments/<int:assignment_id>/conflict-clearance", methods=["GET", "POST"])
@role_required("hr")
def clear_conflict(assignment_id: int):
    """Clear a rater's conflict of interest with a reason (audited): their sheet then counts."""
    assignment = get_or_404(RaterAssignment, assignment_id)
    assessment = assignment.assessment
    reasons = conflict_service.conflicts([assessment.id]).get(assignment.id, ())
    role = _role_names(pinned_framework(assessment.cycle)).get(assessment.target_role, assessment.target_role)
    text = conflict_service.conflict_text(assignment, reasons, role) if reasons else \
        _("This sheet has no conflict of interest to clear.")

    def done():
        return (_("The conflict of interest is cleared: the sheet of %(rater)s counts for %(candidate)s.",
                  rater=assignment.rater.name, candidate=assessment.candidate.name),
                url_for("hr.assign_raters", assessment_id=assessment.id))

    return confirm_with_reason(ConflictClearanceForm(),
                               lambda reason: conflict_service.clear_conflict(assignment, reason, actor=actor()),
                               done, template="hr/clear_conflict.html", assignment=assignment, text=text)


# --- audit trail -------------------------------------------------------------------------------------------


@bp.route("/audit")
@role_required("hr")
def audit_trail():
    """Every change, newest first: who, when, what, before and after; filter by cycle, user and kind."""
    filters = {"cycle_id": int_arg("cycle_id", 0), "user_id": int_arg("user_id", 0),
               "kind": text_arg("kind", label=_("kind of event"), max_length=64)}
    events = queries.audit_page(**filters, page=page_arg(), per_page=page_size())
    return render_template("hr/audit.html", events=events, filters=filters, choices=queries.audit_choices(),
                           frameworks=queries.audit_frameworks(events.items))

