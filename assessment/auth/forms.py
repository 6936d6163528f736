from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import CleanForm
from ..services.users import MIN_PASSWORD_LENGTH


class LoginForm(CleanForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


class LogoutForm(CleanForm):
    submit = SubmitField("Sign out")


class OwnPasswordForm(CleanForm):
    """A person changes their own password: the current one first, then the new one twice."""

    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=500)],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password",
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)],
                             render_kw={"autocomplete": "new-password"},
                             description=f"At least {MIN_PASSWORD_LENGTH} characters.")
    repeat = PasswordField("Repeat the new password",
                           validators=[DataRequired(), EqualTo("password", "The two new passwords differ.")],
                           render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change my password")
