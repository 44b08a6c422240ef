"""Forms for account administration."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import ROLE_LABELS
from portal.permissions import ROLES


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Zoek op naam of e-mail"), validators=[Optional(), Length(max=200)])


class CreateUserForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in.")),
                                                       Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    roles = SelectMultipleField(
        _l("Rollen"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
