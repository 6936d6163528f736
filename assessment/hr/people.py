"""HR: people (accounts), their roles and invitations. HR never sets another person's password: it sends a
link with which they set their own. The HR role is proposed here and approved by a second HR person
(docs/security.md, "Two-person rules")."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import get_or_404, role_required
from ..cleaning import whole_number
from ..forms.common import ConfirmForm
from ..listing import choice_arg, page_arg, page_size, text_arg
from ..models import ROLES, User
from ..services import accounts, directory, exercises, two_person, users
from . import labels, queries
from .blueprint import FAILED, actor, bp, save
from .forms import AssessorForm, PersonForm, RoleForm


@bp.route("/people")
@role_required("hr")
def list_people():
    """Every account, with its role; filter by role, search by name or e-mail."""
    search = text_arg("q", label=_("search text"))
    role = choice_arg("role", ROLES)
    status = choice_arg("status", queries.PEOPLE_STATUSES)
    people = queries.people_page(search=search, role=role, status=status, page=page_arg(), per_page=page_size())
    return render_template("hr/people.html", people=people, filters={"q": search, "role": role, "status": status})


@bp.route("/people/new", methods=["GET", "POST"])
@role_required("hr")
def create_person():
    """Create an account with a role; an invitation e-mail lets the person choose their password."""
    form = PersonForm()
    if request.method == "GET":  # the people picker's "create the person" link passes what HR typed
        form.email.data, form.name.data = request.args.get("email", "")[:320], request.args.get("name", "")[:200]
        form.role.data = request.args.get("role") if request.args.get("role") in ROLES else "candidate"
    if form.validate_on_submit():
        invite = bool(form.invite.data)
        user = save(form, lambda: _create_person(form, invite))
        if user is not FAILED:
            flash(_("Account created for %(email)s, and an invitation e-mailed.", email=user.email) if invite
                  else _("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("hr.edit_person", user_id=user.id))
    return render_template("hr/person_form.html", form=form), 400 if form.errors else 200


def _create_person(form: PersonForm, invite: bool) -> User:
    user = users.create_user(form.email.data, form.name.data, form.role.data, None, actor=actor(),
                             language=form.language.data)
    if form.unit.data or form.employee_id.data or form.manager.data:
        directory.set_directory(user, unit=form.unit.data, employee_id=form.employee_id.data,
                                manager=form.manager.data, actor=actor())
    if invite:
        accounts.invite(user, actor=actor())
    return user


def _person_page(person: User, role_form: RoleForm, status: int = 200, assessor_form: AssessorForm | None = None):
    grant = two_person.pending_grant(person)
    history = two_person.account_history([person, grant.proposed_by, actor()]) if grant else []
    return render_template("hr/person.html", person=person, role_form=role_form, invite_form=ConfirmForm(),
                           grant=grant, history=history, approve_form=ConfirmForm(),
                           assessor_form=assessor_form or AssessorForm(is_assessor=person.is_assessor),
                           single_hr=two_person.hr_count() < 2), status


@bp.route("/people/<int:user_id>")
@role_required("hr")
def edit_person(user_id: int):
    """One account: its role (and an HR-role proposal awaiting approval), and the invitation link."""
    person = get_or_404(User, user_id)
    return _person_page(person, RoleForm(role=person.role))


@bp.route("/people/<int:user_id>/role", methods=["POST"])
@role_required("hr")
def change_role(user_id: int):
    """Confirm, then give an account another role; the HR role is proposed, for a second HR person."""
    person = get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        grants_hr = form.role.data == "hr" and person.role != "hr"
        if form.confirmed.data == "yes":
            before = labels.label(labels.ACCOUNT_ROLES, person.role)
            if grants_hr:
                if save(form, lambda: two_person.propose_hr(person, actor=actor())) is not FAILED:
                    flash(_("The HR role for %(name)s is proposed. It takes effect when a second HR person "
                            "approves it on this page.", name=person.name), "success")
                    return redirect(url_for("hr.edit_person", user_id=person.id))
            elif save(form, lambda: users.change_role(person, form.role.data, actor=actor())) is not FAILED:
                flash(_("%(name)s is now %(role)s (was %(before)s).", name=person.name,
                        role=labels.label(labels.ACCOUNT_ROLES, person.role), before=before), "success")
                return redirect(url_for("hr.edit_person", user_id=person.id))
        else:
            return _confirm_role(person, form, grants_hr)
    return _person_page(person, form, 400)


def _confirm_role(person: User, form: RoleForm, grants_hr: bool):
    back = url_for("hr.edit_person", user_id=person.id)
    names = {"name": person.name, "email": person.email, "role": labels.label(labels.ACCOUNT_ROLES, person.role),
             "new_role": labels.label(labels.ACCOUNT_ROLES, form.role.data)}
    message = _("%(name)s (%(email)s) is now %(role)s. What they can see and do changes at their next page view; "
                "their ratings and assessments stay as they are.", **names)
    if grants_hr:
        message += " " + _("The HR role takes effect only when a second HR person approves it.")
    return render_template("hr/confirm.html", form=form, back=back,
                           button=_("Propose the HR role") if grants_hr else _("Change the role"),
                           title=_("Make %(name)s %(new_role)s?", **names), message=message,
                           action=url_for("hr.change_role", user_id=person.id),
                           hidden=[("role", form.role.data), ("confirmed", "yes")])


@bp.route("/people/<int:user_id>/role-grant/approval", methods=["POST"])
@role_required("hr")
def approve_role_grant(user_id: int):
    """A second HR person approves the proposed HR role (the form names the proposal read): it takes effect now
    (audited)."""
    person = get_or_404(User, user_id)
    form = ConfirmForm()
    grant_id = whole_number(request.form.get("grant_id"), minimum=1)
    if form.validate_on_submit():
        if save(form, lambda: two_person.approve_hr(grant_id, person, actor=actor())) is not FAILED:
            flash(_("You approved the HR role for %(name)s: it is in effect now.", name=person.name), "success")
            return redirect(url_for("hr.edit_person", user_id=person.id))
    role_form = RoleForm(role=person.role)
    role_form.form_errors.extend(form.form_errors or [_("The page had expired; please try again.")])
    return _person_page(person, role_form, 422)


@bp.route("/people/<int:user_id>/assessor", methods=["POST"])
@role_required("hr")
def mark_assessor(user_id: int):
    """Mark an account as a trained assessor, or take the mark away (audited)."""
    person = get_or_404(User, user_id)
    form = AssessorForm()
    if form.validate_on_submit():
        wanted = bool(form.is_assessor.data)
        if save(form, lambda: exercises.mark_assessor(person, wanted, actor=actor())) is not FAILED:
            flash(_("%(name)s is now marked as a trained assessor.", name=person.name) if wanted else
                  _("%(name)s is no longer marked as a trained assessor.", name=person.name), "success")
            return redirect(url_for("hr.edit_person", user_id=person.id) + "#assessor")
    return _person_page(person, RoleForm(role=person.role), 400, assessor_form=form)
