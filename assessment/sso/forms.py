from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import CleanForm
from ..models import JIT_ROLES


class PasswordPolicyForm(CleanForm):
    """Password sign-in on for everyone, or off for all but the break-glass HR account."""

    password_sign_in = SelectField(_l("Password sign-in"), choices=[
        ("on", _l("On for everyone")), ("off", _l("Off for everyone but the break-glass account"))], default="on")
    break_glass = SelectField(_l("Break-glass account"), choices=[], validate_choice=False,
                              description=_l("One HR account that keeps password sign-in, for when the single "
                                             "sign-on provider fails."))
    submit = SubmitField(_l("Save sign-in settings"))


class JitDomainForm(CleanForm):
    """Allow accounts to be created at the first single sign-on for one e-mail domain."""

    domain = StringField(_l("E-mail domain"), validators=[DataRequired(), Length(max=253)],
                         render_kw={"autocomplete": "off"},
                         description=_l("The part of the addresses after the @, for example example.com."))
    role = SelectField(_l("Role of new accounts"), choices=[(r, r) for r in JIT_ROLES], default="candidate",
                       description=_l("Never HR: the HR role needs a second HR person's approval."))
    submit = SubmitField(_l("Allow this domain"))


class RemoveDomainForm(CleanForm):
    domain_id = HiddenField()
    submit = SubmitField(_l("Remove"))
