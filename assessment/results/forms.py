from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import CleanForm


class CalibrationForm(CleanForm):
    """HR's calibrated verdict; the band choices come from the cycle's pinned rubric."""

    band_id = RadioField("Calibrated verdict", validators=[DataRequired(message="choose a band")])
    rationale = TextAreaField("Rationale", validators=[DataRequired(message="a rationale is required"),
                                                       Length(max=5000)],
                              render_kw={"rows": 4})
    submit = SubmitField("Record calibrated verdict")

    def __init__(self, *args, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.band_id.choices = [(band.id, band.label) for band in bands]


class StartExportForm(CleanForm):
    submit = SubmitField("Start the export")
