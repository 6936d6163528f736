"""The plan page's forms: HR's action (everything), the parties' progress (status and note), agreement."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from ..forms import CleanForm
from ..models import ACTION_STATUSES, SUPPORT_KINDS
from ..services.plans import MAX_DETAIL, MAX_NOTE, MAX_WHAT

STATUS_LABELS = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done"),
                 "dropped": _l("Dropped")}
SUPPORT_LABELS = {"mentor": _l("Mentor"), "course": _l("Course"), "acting_up": _l("Acting-up assignment"),
                  "other": _l("Other")}


def parse_due(text: str | None) -> date | None:
    """A due date written as YYYY-MM-DD (the date input's format), else None (the service says what is missing)."""
    text = (text or "").strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class ProgressForm(CleanForm):
    """How far an action is: the candidate, their line manager and HR."""

    status = SelectField(_l("Status"), choices=[(s, STATUS_LABELS[s]) for s in ACTION_STATUSES])
    note = TextAreaField(_l("Note"), validators=[Optional()], render_kw={"maxlength": MAX_NOTE, "rows": 2})
    version = HiddenField()


class ActionForm(ProgressForm):
    """HR's action: what, for which competency, owned by whom, due when, with what support (and progress)."""

    competency_id = SelectField(_l("Competency it serves"), choices=[])
    what = TextAreaField(_l("What"), render_kw={"maxlength": MAX_WHAT, "rows": 3})
    owner_id = SelectField(_l("Owner"), choices=[])
    due_on = StringField(_l("Due on"), render_kw={"type": "date"})
    support = SelectField(_l("Support"), choices=[(s, SUPPORT_LABELS[s]) for s in SUPPORT_KINDS])
    support_detail = StringField(_l("Support, in detail"), validators=[Optional()],
                                 render_kw={"maxlength": MAX_DETAIL})

    def __init__(self, *args, competencies=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competency_id.choices = [(c.id, c.name) for c in competencies]
        self.owner_id.choices = [(str(u.id), u.name) for u in owners]

    def validate_due_on(self, field):
        if field.data and parse_due(field.data) is None:
            raise ValidationError(_("Enter the date as YYYY-MM-DD, for example 2027-03-31."))


class AgreeForm(CleanForm):
    """The candidate or the line manager agrees to the plan as they read it (``version``: its fingerprint then)."""

    version = HiddenField()
