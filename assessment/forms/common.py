"""Form classes more than one area of the web layer uses: a confirmation, select choices."""

from flask_babel import lazy_gettext as _l

from . import CleanForm

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs, and deprecates them from 3.3 on
    def SelectChoice(value, label):  # noqa: N802 - stands in for the class
        return (value, label)


#: A required select starts with an empty choice, so nobody submits the first role by accident (and the HTML is valid).
CHOOSE = _l("Choose…")


class ConfirmForm(CleanForm):
    """An empty form: its CSRF token is what makes a confirmation button safe."""
