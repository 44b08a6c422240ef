"""Forms of the privacy pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length


class EraseAccountForm(FlaskForm):
    password = PasswordField(_l("Uw wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])
    confirm = BooleanField(_l("Ik begrijp dat mijn account en mijn persoonsgegevens worden verwijderd en dat dit "
                              "niet ongedaan kan worden."))


class ConfirmForm(FlaskForm):
    """A button only (downloads and the registrant's erasure)."""


class EraseRegistrantForm(FlaskForm):
    confirm = BooleanField(_l("Ik begrijp dat al mijn aanmeldingen met dit e-mailadres worden gewist en dat dit "
                              "niet ongedaan kan worden."))


class RequestForm(FlaskForm):
    email = EmailField(_l("E-mailadres van de persoon"), validators=[DataRequired(_l("Vul het e-mailadres in.")),
                                                                   Length(max=254)])
    kind = RadioField(_l("Verzoek"), choices=[("inzage", _l("Inzage en overdracht (art. 15 en 20): "
                                                            "gegevens downloaden")),
                                             ("verwijderen", _l("Verwijderen (art. 17): "
                                                                "account of aanmeldingen wissen"))],
                      default="inzage", validators=[DataRequired(_l("Kies het soort verzoek."))])
    reason = TextAreaField(_l("Hoe en wanneer kwam het verzoek binnen?"),
                           validators=[DataRequired(_l("Noteer hoe en wanneer het verzoek binnenkwam.")),
                                       Length(max=500)])
