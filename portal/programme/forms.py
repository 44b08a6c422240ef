"""The form St. MBO uses to add or change a municipality."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import InputRequired, Length, Optional


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[InputRequired(_l("Vul de naam van de gemeente in.")),
                                               Length(max=80, message=_l("De naam is hoogstens 80 tekens."))])
    joins_on = DateField(_l("Neemt deel vanaf"), validators=[Optional()],
                         description=_l("Leeg: vanaf het begin. Voor deze datum tellen de organisaties van de "
                                        "gemeente niet mee in de cijfers en heeft ze geen doelen."))
    active = BooleanField(_l("Neemt deel aan het programma"), default=True,
                          description=_l("Uit: organisaties kunnen zich aanmelden, maar tellen niet mee."))
