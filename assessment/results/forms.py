from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..cleaning import whole_number
from ..forms import CleanForm
from ..forms.common import SelectChoice


class CalibrationForm(CleanForm):
    """HR's calibrated verdict; the band choices come from the cycle's pinned rubric."""

    band_id = RadioField(_l("Calibrated verdict"), validators=[DataRequired(message=_l("choose a band"))])
    panel_members = TextAreaField(_l("Panel members present"),
                                  validators=[DataRequired(message=_l("name the panel members who were present")),
                                              Length(max=2000)], render_kw={"rows": 2})
    rationale = TextAreaField(_l("Rationale (HR and panel only)"),
                              validators=[DataRequired(message=_l("a rationale is required")), Length(max=5000)],
                              render_kw={"rows": 4})
    candidate_note = TextAreaField(_l("Note to the candidate (optional)"), validators=[Optional(), Length(max=5000)],
                                   render_kw={"rows": 3})
    submit = SubmitField(_l("Record calibrated verdict"))

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.band_id.choices = [(band.id, band.label) for band in bands]


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
