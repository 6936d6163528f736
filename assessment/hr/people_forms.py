"""Forms of the people sync and of the reporting lines (unit, employee id, line manager; deactivation)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import CleanForm


class SyncUploadForm(CleanForm):
    file = FileField(_l("The HR system's export (.csv or .xlsx)"),
                     validators=[FileRequired(_l("Choose a file to check.")),
                                 FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])
    deactivate_missing = BooleanField(_l("Deactivate people who are not in the file (never HR accounts)"))


class SyncApplyForm(CleanForm):
    """Applying a previewed file: the stored upload and the fingerprint of the changes HR saw."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    fingerprint = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    deactivate_missing = HiddenField()


class DirectoryForm(CleanForm):
    unit = StringField(_l("Unit (site or department)"), validators=[Optional(), Length(max=120)])
    employee_id = StringField(_l("Employee id"), validators=[Optional(), Length(max=64)])
    manager = StringField(_l("Line manager (e-mail or employee id)"), validators=[Optional(), Length(max=320)])


class DeactivateForm(CleanForm):
    reason = TextAreaField(_l("Reason (optional, for the audit trail)"), validators=[Optional(), Length(max=500)],
                           render_kw={"rows": 2})


class ReportingRaterForm(CleanForm):
    """Adding the line manager or the direct reports in one step; a reason once the cycle is open. Prefixed: the
    assessment page's rater form has a reason field of its own."""

    PREFIX = "line"

    reason = TextAreaField(_l("Reason for changing the raters"), validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 2})
