"""Account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.permissions import ROLES


def _email_field(label=None):
    return EmailField(
        label or _l("E-mailadres"),
        validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")),
                    Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


def long_enough(form, field):
    """Flag a too-short password at once, beside a mismatch of the repeat (the other rules run at submit)."""
    from flask import current_app
    from wtforms.validators import ValidationError

    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if field.data and len(field.data) < minimum:
        raise ValidationError(_l("Kies een wachtwoord van minstens %(n)s tekens.", n=minimum))


class RegisterForm(FlaskForm):
    name = StringField(_l("Uw naam"), validators=[DataRequired(_l("Vul uw naam in.")), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = _email_field()
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Kies een wachtwoord.")), long_enough],
        description=_l("Minstens 10 tekens. Een zin van een paar woorden is sterk en goed te onthouden."),
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(_l("Herhaal het wachtwoord.")),
                    EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class EmptyForm(FlaskForm):
    """A button that only needs the CSRF token (log out everywhere, end a session)."""


class EmailOnlyForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(_l("Kies een wachtwoord."))],
                             render_kw={"autocomplete": "new-password"})
    password2 = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[DataRequired(_l("Herhaal het wachtwoord.")),
                    EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))],
                            render_kw={"autocomplete": "current-password"})


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("Nieuw e-mailadres"))
    password = PasswordField(_l("Wachtwoord ter bevestiging"),
                             validators=[DataRequired(_l("Vul uw wachtwoord in."))],
                             render_kw={"autocomplete": "current-password"})


ROLE_LABELS = {
    "ondernemer": _l("Ondernemer"),
    "mbo_staff": _l("Medewerker St. MBO"),
    "inkoop": _l("Inkoopadviseur"),
    "gemeente": _l("Gemeente"),
    "admin": _l("Beheerder van het portaal"),
}


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        _l("Rollen"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    active = BooleanField(_l("Account actief"))
