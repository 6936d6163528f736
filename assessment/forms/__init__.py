"""What every area's forms share: the cleaning base form, putting a domain error beside its field, and saving
one service call with its refusal on the form."""

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from wtforms import PasswordField, StringField, TextAreaField

from ..cleaning import text_problem
from ..extensions import db
from ..services import ServiceError


class CleanForm(FlaskForm):
    """The base of every form: a text field holding a control character gets a field error, its text kept.

    Text areas allow tab and line breaks; one-line fields allow none. Passwords are exempt: they are only
    ever hashed, never stored or printed. tests/test_hostile_input.py checks that every form derives from this.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if not isinstance(field, StringField) or isinstance(field, PasswordField):
                continue
            problem = text_problem(field.data if isinstance(field.data, str) else None,
                                   multiline=isinstance(field, TextAreaField))
            if problem:
                field.errors = [*field.errors, _("%(field)s %(problem)s.", field=field.label.text, problem=problem)]
                valid = False
        return valid


def add_error(form, field: str | None, message: str) -> None:
    """Show ``message`` beside the form field named ``field`` (a domain error's ``field``), else at the top."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def saved(form, action) -> bool:
    """Run one service call and commit; a refusal (or a database error) rolls back and lands on ``form``."""
    try:
        action()
        db.session.commit()
        return True
    except ServiceError as exc:
        db.session.rollback()
        add_error(form, exc.field, exc.message)
    except SQLAlchemyError:
        db.session.rollback()
        form.form_errors.append(_("The database could not save this change, so nothing was changed. "
                                  "Please try again."))
    return False
