"""Form classes more than one area of the web layer uses: a confirmation, select choices, a new password's checks."""

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms.validators import ValidationError

from ..services.users import MIN_PASSWORD_LENGTH
from . import CleanForm

#: The longest password taken (hashing a longer one costs more and protects no better).
MAX_PASSWORD_LENGTH = 500

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs, and deprecates them from 3.3 on
    def SelectChoice(value, label):  # noqa: N802 - stands in for the class
        return (value, label)


#: A required select starts with an empty choice, so nobody submits the first role by accident (and the HTML is valid).
CHOOSE = _l("Choose…")


class ConfirmForm(CleanForm):
    """An empty form: its CSRF token is what makes a confirmation button safe."""


def new_password_length(form, field) -> None:
    """A new password's length, said in our words with the limit (not WTForms' "Field must be at least ...")."""
    length = len(field.data or "")
    if length and length < MIN_PASSWORD_LENGTH:
        raise ValidationError(_("The new password must have at least %(min)d characters; this one has %(length)d.",
                                min=MIN_PASSWORD_LENGTH, length=length))
    if length > MAX_PASSWORD_LENGTH:
        raise ValidationError(_("The new password may have at most %(max)d characters; this one has %(length)d.",
                                max=MAX_PASSWORD_LENGTH, length=length))
