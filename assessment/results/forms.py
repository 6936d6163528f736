from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..cleaning import whole_number
from ..forms import CleanForm
from ..forms.common import SelectChoice


def _account_id(value) -> int:
    """An account id from the form (ASCII digits, in range); ValueError gives the field's message."""
    number = value if isinstance(value, int) else whole_number(value, minimum=1)
    if number is None:
        raise ValueError(value)
    return number


class CalibrationForm(CleanForm):
    """HR's calibrated verdict; the band and reason choices come from the cycle's pinned rubric, the panel's from
    the accounts who may sit on it (``services.calibrations.panel_choices``; the service checks every id)."""

    band_id = RadioField(_l("Calibrated verdict"), validators=[DataRequired(message=_l("choose a band"))])
    reason_code = RadioField(_l("Reason for the calibration"), validate_choice=False,
                             validators=[Optional()])
    panel = SelectMultipleField(_l("Panel members present"), coerce=_account_id, choices=[], validate_choice=False,
                                validators=[DataRequired(message=_l("choose the panel members who were present"))],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    rationale = TextAreaField(_l("Rationale (HR and panel only)"),
                              validators=[DataRequired(message=_l("a rationale is required")), Length(max=5000)],
                              render_kw={"rows": 4})
    candidate_note = TextAreaField(_l("Note to the candidate (optional)"), validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 3})
    submit = SubmitField(_l("Record calibrated verdict"))

    def __init__(self, *args, bands=(), reasons=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.band_id.choices = [(band.id, band.label) for band in bands]
        self.reason_code.choices = [(reason.id, reason.label) for reason in reasons]
        self.panel.choices = [(person.id, person.name) for person in people]
        if not reasons:  # a rubric without reason codes asks for none
            del self.reason_code

    def panel_checkboxes(self) -> Markup:
        """The panel's checkboxes (in their labels) as WTForms writes them, ids ``panel-<n>``, in one pass: a large
        organisation offers hundreds of accounts, and a widget each cost more than the rest of the page."""
        chosen = set(self.panel.data or ())
        return Markup("\n".join(
            f'<label for="panel-{i}"><input{" checked" if value in chosen else ""} id="panel-{i}" name="panel" '
            f'type="checkbox" value="{escape(value)}"> {escape(label)}</label>'
            for i, (value, label) in enumerate(self.panel.choices)))


class ApprovalForm(CleanForm):
    """A second HR person approves a proposed calibration: the one they read (its id), never a newer one."""

    calibration_id = HiddenField(validators=[DataRequired()])

    def proposal_id(self) -> int | None:
        return whole_number(self.calibration_id.data, minimum=1)


class StartExportForm(CleanForm):
    #: The reports' language (services.exports.EXPORT_LANGUAGES); languages are named in themselves.
    language = SelectField(_l("Language of the reports"), default="own", choices=[
        SelectChoice("own", _l("Each candidate in their own language")), SelectChoice("en", "English"),
        SelectChoice("de", "Deutsch")])
    submit = SubmitField(_l("Start the export"))
