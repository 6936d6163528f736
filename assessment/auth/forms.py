from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import CleanForm
from ..forms.common import new_password_length
from ..services.users import MIN_PASSWORD_LENGTH


class LoginForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class ForgotForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)],
                       render_kw={"autocomplete": "username"})


class LogoutForm(CleanForm):
    submit = SubmitField(_l("Sign out"))


class OwnPasswordForm(CleanForm):
    """A person changes their own password: the current one first, then the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=500)],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), new_password_length],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least %(num)s characters.", num=MIN_PASSWORD_LENGTH))
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("password", _l("The two new passwords differ."))],
                           render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change my password"))


class PasswordForm(CleanForm):
    """A person sets their password from an e-mailed link (an invitation or a reset): the new one twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), new_password_length],
                             render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
                           render_kw={"autocomplete": "new-password"})
