"""The HR blueprint and what its pages share: saving a change through a service, the signed-in actor, a page that
confirms a change with a reason, and the cycle's state steps. The pages register their routes on ``bp`` from their
own modules (``views``, ``cycle_steps``, ``people``), which import this one; this one imports none of them, so no
page module depends on another."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..forms import add_error
from ..models import User
from ..services import ServiceError, imports
from ..services import cycles as cycle_service
from . import labels

bp = Blueprint("hr", __name__, url_prefix="/hr")
labels.register(bp)

#: The button that takes a cycle to each state (the dashboard's and the confirmation page's).
STATE_CHANGES = {"open": _l("Open the cycle"), "closed": _l("Close the cycle"), "released": _l("Release results")}


#: The one step forward from each state: draft -> open -> closed -> released.
NEXT_STATE = {before: after for after, befores in cycle_service.TRANSITIONS.items() for before in befores}


class _Failed:
    """What ``save`` returns when the change was refused (a result may itself be None)."""


FAILED = _Failed()


def actor() -> User:
    """The signed-in HR person, as the model (not Flask-Login's proxy)."""
    return current_user._get_current_object()


def save(form, action):
    """Run one service and commit; a refusal or a database error rolls everything back and lands on ``form``."""
    try:
        result = action()
        db.session.commit()
        return result
    except imports.ImportRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            add_error(form, problem.column, problem.message)
    except ServiceError as exc:
        db.session.rollback()
        add_error(form, exc.field, exc.message)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("database error while saving an HR change")
        form.form_errors.append(_("The database could not save this change, so nothing was changed. "
                                  "Please try again."))
    return FAILED


def confirm_with_reason(form, change, done, *, template: str, **context):
    """An HR page that confirms a change with a reason (withdraw a candidate, reopen a sheet): on a valid submission
    the service ``change(reason)`` runs and commits, ``done()`` gives the message and the page to go to; else the
    page (again), 400 with the problems."""
    if form.validate_on_submit() and save(form, lambda: change(form.reason.data)) is not FAILED:
        message, target = done()
        flash(message, "success")
        return redirect(target)
    return render_template(template, form=form, **context), 400 if form.errors or form.form_errors else 200
