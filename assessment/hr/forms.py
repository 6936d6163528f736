"""HR forms. Choices that come from the rubric are given by keyword when the form is built."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, HiddenField, IntegerField, SelectField, \
    SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from rubrics import language

from ..cleaning import whole_number
from ..forms import CleanForm
from ..forms.common import CHOOSE, SelectChoice
from ..models import ROLES
from ..services.track_record import months_problem
from .labels import ACCOUNT_ROLES

ROLE_CHOICES = [SelectChoice("", CHOOSE)] + [SelectChoice(role, ACCOUNT_ROLES[role]) for role in ROLES]


def picker_attrs(field_id: str, *, multiple: bool = False) -> dict:
    """A people picker's input: suggestions from the <datalist> that static/js/people-picker.js fills (hr/_picker.html);
    without JavaScript it is a plain field for the e-mail address."""
    attrs = {"list": f"{field_id}-options", "autocomplete": "off", "data-people-picker": ""}
    if multiple:
        attrs["data-multiple"] = ""
    return attrs


class CycleForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    instructions = TextAreaField(_l("Instructions to raters"), validators=[Length(max=10_000)],
                                 render_kw={"rows": 6})
    #: (issue 20, 4) Days after a candidate's release in which they may reply and ask for a review.
    review_days = IntegerField(_l("Review period (days)"), default=14,
                               validators=[DataRequired(_l("give the review period in days")),
                                           NumberRange(min=1, max=365, message=_l("give a number of days from 1 to 365"))],
                               render_kw={"min": 1, "max": 365, "inputmode": "numeric"})
    #: The cycle version the form was loaded from: an edit based on an older one (or none) is a conflict.
    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version the form was loaded with; None (always stale) when missing or not a number."""
        return whole_number(self.version.data)


class ReleaseOneForm(CleanForm):
    """Releasing one withheld candidate: the acknowledgement is needed when their verdict is not a band."""

    acknowledge = BooleanField(_l("Acknowledgement"))


def _record_id(value) -> int:
    """An id from a form (ASCII digits, in range) for a choice field (an assessment, an assessor); ValueError gives
    the field's message."""
    number = value if isinstance(value, int) else whole_number(value, minimum=1)
    if number is None:
        raise ValueError(value)
    return number


class ReleaseForm(ReleaseOneForm):
    """Releasing a cycle: candidates to withhold (assessment ids), and the acknowledgement."""

    withhold = SelectMultipleField(_l("Withhold these candidates from the release"), coerce=_record_id,
                                   choices=[], validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.withhold.choices = [(a.id, a.candidate.name) for a in assessments]


class CandidateForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    current_role = SelectField(_l("Current role"), validators=[DataRequired()])
    target_role = SelectField(_l("Target role"), validators=[DataRequired()])
    manager_emails = StringField(_l("Manager e-mails"), validators=[DataRequired(), Length(max=2000)],
                                 render_kw=picker_attrs("manager_emails", multiple=True))
    peer_emails = StringField(_l("Peer e-mails"), validators=[Optional(), Length(max=2000)],
                              render_kw=picker_attrs("peer_emails", multiple=True))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice("", CHOOSE)] + [SelectChoice(role.id, role.name) for role in roles]
        self.current_role.choices = self.target_role.choices = choices


class ImportForm(CleanForm):
    file = FileField(_l("Candidates file (.csv or .xlsx)"),
                     validators=[FileRequired(_l("Choose a file to import.")),
                                 FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))])


class RaterForm(CleanForm):
    email = EmailField(_l("Rater's e-mail"), validators=[DataRequired(), Length(max=320)], render_kw=picker_attrs("email"))
    rater_group = SelectField(_l("Rates as"), choices=[SelectChoice("", CHOOSE), SelectChoice("manager", _l("Manager")),
                                                        SelectChoice("peer", _l("Peer")),
                                                        SelectChoice("direct_report", _l("Direct report"))],
                              validators=[DataRequired()])
    #: Asked once the cycle is open (its rater list is frozen); the service says when it is missing.
    reason = TextAreaField(_l("Reason for changing the raters"), validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 2})


class RaterRemovalForm(CleanForm):
    """Removing a rater once the cycle is open: the reason goes into the audit trail."""

    reason = TextAreaField(_l("Reason for changing the raters"), validators=[DataRequired(), Length(max=1000)],
                           render_kw={"rows": 3})


class ReopenForm(CleanForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 4})


class ConflictClearanceForm(CleanForm):
    reason = TextAreaField(_l("Reason for counting the sheet"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 4})


class PersonForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    #: The language of their e-mails (the invitation first) and pages; HR's own unless chosen.
    language = SelectField(_l("Language"), default=language.current,  # always one of the choices: no empty one
                           choices=[SelectChoice(code, language.LANGUAGE_NAMES[code]) for code in language.LANGUAGES])
    invite = BooleanField(_l("E-mail an invitation to set a password"), default=True)
    #: (issue 21) Where they sit in the organisation; all optional.
    unit = StringField(_l("Unit (site or department)"), validators=[Optional(), Length(max=120)])
    employee_id = StringField(_l("Employee id"), validators=[Optional(), Length(max=64)])
    manager = StringField(_l("Line manager (e-mail or employee id)"), validators=[Optional(), Length(max=320)])


class RoleForm(CleanForm):
    role = SelectField(_l("New role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    #: Set by the confirmation page: the change is made only once HR has seen what it means.
    confirmed = HiddenField()


class WithdrawForm(CleanForm):
    reason = TextAreaField(_l("Reason for withdrawing"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 3})


class CopyCycleForm(CleanForm):
    name = StringField(_l("Name of the new cycle"), validators=[DataRequired(), Length(max=200)])


class BulkReopenForm(CleanForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 3})


def _months(form, field) -> None:
    """Whole months 0..720, or empty (not known)."""
    problem = months_problem(field.data)
    if problem:
        raise ValidationError(problem)


class TrackRecordForm(CleanForm):
    """A candidate's track record, for the rubric's eligibility rule (issue 18); empty: not known."""

    leadership_months = StringField(_l("Months in leadership roles"), validators=[Length(max=10), _months],
                                    render_kw={"inputmode": "numeric", "autocomplete": "off"})
    current_role_months = StringField(_l("Months in the current role"), validators=[Length(max=10), _months],
                                      render_kw={"inputmode": "numeric", "autocomplete": "off"})


class AssessorForm(CleanForm):
    """(issue 18) Marking an account as a trained assessor."""

    is_assessor = BooleanField(_l("Trained assessor: may be scheduled for assessment-centre exercises"))


class ExerciseForm(CleanForm):
    """(issue 18) Scheduling one of the rubric's exercises for a candidate with trained assessors."""

    exercise_id = SelectField(_l("Exercise"), validators=[DataRequired()])
    scheduled_on = DateField(_l("Date (optional)"), validators=[Optional()])
    assessors = SelectMultipleField(_l("Assessors"), coerce=_record_id, choices=[],
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    #: Asked once the cycle is open (its rater list is frozen); the service says when it is missing.
    reason = TextAreaField(_l("Reason for changing the raters"), validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 2})

    def __init__(self, *args, exercises=(), assessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise_id.choices = [SelectChoice("", CHOOSE)] + [SelectChoice(e.id, e.name) for e in exercises]
        self.assessors.choices = [SelectChoice(p.id, p.name) for p in assessors]
