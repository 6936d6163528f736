"""HR: moving a cycle on (open, close, release) with a confirmation page that shows what the step means and,
before close and release, how complete the cycle is; releasing with candidates withheld; releasing a
withheld candidate later."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from ..access import get_or_404, role_required
from ..framework import pinned_framework
from ..models import Assessment, Cycle
from ..services import cycles as cycle_service
from ..services import release as release_service
from ..services.readiness import assess
from ..forms.common import ConfirmForm
from .forms import ReleaseForm, ReleaseOneForm
from .blueprint import FAILED, NEXT_STATE, STATE_CHANGES, actor, bp, save


@bp.route("/cycles/<int:cycle_id>/state", methods=["GET", "POST"])
@role_required("hr")
def change_cycle_state(cycle_id: int):
    """Confirm, then open, close or release a cycle (a release may withhold chosen candidates)."""
    cycle = get_or_404(Cycle, cycle_id)
    # Without ?to= the page offers the cycle's next step, so the address alone is a useful link.
    new_state = request.args.get("to") or NEXT_STATE.get(cycle.state)
    if new_state is None:
        flash(_("Cycle “%(name)s” is %(state)s: there is no further step.", name=cycle.name,
                state=cycle_service.state_word(cycle.state)), "info")
        return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
    if new_state not in STATE_CHANGES:
        abort(404)
    framework = pinned_framework(cycle)
    # A step the cycle cannot take now is not offered: the page says why, its button is disabled, and a POST
    # changes nothing (the services refuse it as well).
    refusal = _step_refusal(cycle, new_state)
    completion = release_service.cycle_completion(cycle) \
        if new_state in ("closed", "released") and refusal is None else None
    if new_state == "released":
        form = ReleaseForm(assessments=completion.withholdable if completion else ())
        action = lambda: release_service.release_cycle(  # noqa: E731
            cycle, actor=actor(), withhold=form.withhold.data or (), acknowledged=form.acknowledge.data)
    else:
        form = ConfirmForm()
        action = lambda: cycle_service.change_state(cycle, new_state, actor=actor(), framework=framework)  # noqa: E731
    if refusal is None and form.validate_on_submit() and save(form, action) is not FAILED:
        withheld = len(form.withhold.data or ()) if new_state == "released" else 0
        flash(_done_text(cycle, withheld), "success")
        return redirect(url_for("hr.view_cycle", cycle_id=cycle.id))
    title, meaning = _step_texts(cycle, new_state, framework)
    return render_template("hr/confirm_state.html", form=form, cycle=cycle, new_state=new_state,
                           completion=completion, title=title, message=meaning, refusal=refusal,
                           **_peer_warning(cycle, new_state, framework),
                           button=_("Release results of the cycle") if new_state == "released"
                           else STATE_CHANGES[new_state], back=url_for("hr.view_cycle", cycle_id=cycle.id),
                           action=url_for("hr.change_cycle_state", cycle_id=cycle.id, to=new_state)), \
        400 if form.errors or form.form_errors or (refusal and request.method == "POST") else 200


def _step_refusal(cycle: Cycle, new_state: str) -> str | None:
    """Why the cycle cannot take this step now, or None."""
    if new_state == "released":
        return release_service.release_refusal(cycle)
    if cycle.state in cycle_service.TRANSITIONS[new_state]:
        return None
    return _("Cycle “%(name)s” is %(state)s: it cannot be moved to %(new_state)s.", name=cycle.name,
             state=cycle_service.state_word(cycle.state), new_state=cycle_service.state_word(new_state))


def _peer_warning(cycle: Cycle, new_state: str, framework) -> dict:
    """Before opening: the candidates whose peer or direct-report group is too small to be shown, and why it
    matters."""
    if new_state != "open":
        return {}
    short = cycle_service.short_peer_groups(cycle, framework)
    if not short:
        return {}
    return {"warning": ngettext(
        "%(num)d candidate has a group of peers or direct reports too small to be shown as a group (peers: "
        "%(peers)d needed; direct reports: %(reports)d). Their levels would never be shown as a group, and the "
        "candidate's copy would withhold every number that depends on them. The cycle opens once each such group "
        "is empty or large enough:",
        "%(num)d candidates have a group of peers or direct reports too small to be shown as a group (peers: "
        "%(peers)d needed; direct reports: %(reports)d). Their levels would never be shown as a group, and the "
        "candidate's copy would withhold every number that depends on them. The cycle opens once each such group "
        "is empty or large enough:",
        len({assessment.id for assessment, _group, _count in short}),
        peers=cycle_service.anonymity_threshold(framework, "peer"),
        reports=cycle_service.anonymity_threshold(framework, "direct_report")),
        "warning_items": cycle_service.short_peer_text(short, framework)}


def _done_text(cycle: Cycle, withheld: int) -> str:
    text = {"open": _("Cycle “%(name)s” is now open.", name=cycle.name),
            "closed": _("Cycle “%(name)s” is now closed.", name=cycle.name),
            "released": _("Cycle “%(name)s” is now released.", name=cycle.name)}[cycle.state]
    if withheld:
        text += " " + ngettext("%(num)d candidate is withheld.", "%(num)d candidates are withheld.", withheld)
    return text


def _step_texts(cycle: Cycle, new_state: str, framework) -> tuple[str, str]:
    """The confirmation page's title and what the step means."""
    if new_state == "open":
        return (_("Open cycle “%(name)s”?", name=cycle.name),
                _("Raters and candidates can start rating. The current rubric (%(rubric)s, version %(version)s) is "
                  "pinned to the cycle and stays its rubric, even if the rubric file changes later.",
                  rubric=framework.name, version=framework.version))
    if new_state == "closed":
        return (_("Close cycle “%(name)s”?", name=cycle.name),
                _("No more ratings can be saved or submitted. Drafts stay as they are; submitted sheets can no "
                  "longer be reopened."))
    return (_("Release results of cycle “%(name)s”?", name=cycle.name),
            _("Candidates can see their results. This cannot be undone."))


@bp.route("/assessments/<int:assessment_id>/release", methods=["GET", "POST"])
@role_required("hr")
def release_assessment(assessment_id: int):
    """Confirm, then release one candidate whose results were withheld from the cycle's release."""
    assessment = get_or_404(Assessment, assessment_id)
    back = url_for("hr.assign_raters", assessment_id=assessment.id)
    if assessment.cycle.state != "released" or not assessment.is_withheld:
        flash(_("The results of %(name)s are not withheld.", name=assessment.candidate.name), "info")
        return redirect(back)
    form = ReleaseOneForm()
    if form.validate_on_submit():
        saved = save(form, lambda: release_service.release_assessment(assessment, actor=actor(),
                                                                       acknowledged=form.acknowledge.data))
        if saved is not FAILED:
            flash(_("The results of %(name)s are released: they can see them now.", name=assessment.candidate.name),
                  "success")
            return redirect(back)
    flagged = release_service.flagged_candidates(assessment.cycle, [assess(assessment)])
    names = {"name": assessment.candidate.name, "cycle": assessment.cycle.name}
    return render_template("hr/release_one.html", form=form, flagged=flagged, back=back,
                           button=_("Release the results"),
                           action=url_for("hr.release_assessment", assessment_id=assessment.id),
                           title=_("Release the results of %(name)s?", **names),
                           message=_("Their results were withheld when %(cycle)s was released. Once released, "
                                     "%(name)s sees their results and report; this cannot be undone.", **names)), \
        400 if form.errors or form.form_errors else 200
