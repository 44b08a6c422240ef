"""Forms of the dashboard: the filters (GET), the quarterly report choice (GET) and target editing (POST)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from portal.dashboard.metrics import MAX_QUARTERS, quarter_of
from portal.dashboard.targets import FIRST_YEAR, LAST_YEAR
from portal.inputs import bounded_int
from portal.label.history import today
from portal.partners import reference as ref


def _to_int(value):
    return bounded_int(value)


def municipality_choices(municipalities, empty):
    return ([("", empty)] if empty is not None else []) + [(str(m.id), m.name) for m in municipalities]


def default_period(day: date) -> tuple[date, date]:
    """From the first day of last year's quarter up to today: five quarters of trend."""
    return date(day.year - 1, 3 * quarter_of(day) - 2, 1), day


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    gemeente = SelectField(_l("Gemeente"), coerce=_to_int, validators=[Optional()], validate_choice=False)
    van = DateField(_l("Van"), validators=[Optional()])
    tot = DateField(_l("Tot en met"), validators=[Optional()], description=_l("Ook de peildatum van de stand."))
    sector = SelectField(_l("Sector"), choices=[("", _l("Alle sectoren"))] + list(ref.SECTORS),
                         validators=[Optional()])

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = municipality_choices(municipalities, _l("Alle gemeenten"))
        self._municipality_ids = {m.id for m in municipalities}

    def validate_gemeente(self, field):
        if field.data is not None and field.data not in self._municipality_ids:
            raise ValidationError(_l("Kies een gemeente uit de lijst."))

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        for f in (self.van, self.tot):
            if f.data is not None and not FIRST_YEAR <= f.data.year <= LAST_YEAR:
                f.errors.append(_l("Kies een datum tussen %(first)s en %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
                return False
        end = self.tot.data or today()
        start = self.van.data or default_period(end)[0]
        if start > end:
            self.tot.errors.append(_l("De einddatum ligt voor de begindatum."))
            return False
        if (end.year - start.year) * 4 + quarter_of(end) - quarter_of(start) >= MAX_QUARTERS:
            self.van.errors.append(_l("Kies een periode van hoogstens %(n)s kwartalen.", n=MAX_QUARTERS))
            return False
        return True


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    jaar = IntegerField(_l("Jaar"), validators=[InputRequired(_l("Vul een jaar in.")),
                                                NumberRange(FIRST_YEAR, LAST_YEAR,
                                                            _l("Kies een jaar tussen %(min)s en %(max)s."))])
    kwartaal = SelectField(_l("Kwartaal"), coerce=_to_int,
                           choices=[(1, _l("K1 (januari-maart)")), (2, _l("K2 (april-juni)")),
                                    (3, _l("K3 (juli-september)")), (4, _l("K4 (oktober-december)"))],
                           validators=[InputRequired(_l("Kies een kwartaal."))])
    gemeente = SelectField(_l("Gemeente"), coerce=_to_int, validate_choice=False,
                           validators=[InputRequired(_l("Kies een gemeente."))])
    versie = RadioField(_l("Versie"), default="extern", choices=[
        ("extern", _l("Om te delen: aantallen onder 5 als <5")),
        ("intern", _l("Intern: werkelijke aantallen")),
    ], validators=[DataRequired(_l("Kies een versie."))])  # left out of a link: the version to share

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = municipality_choices(municipalities, _l("Kies een gemeente"))
        self._municipality_ids = {m.id for m in municipalities}

    def validate_gemeente(self, field):
        if field.data not in self._municipality_ids:
            raise ValidationError(_l("Kies een gemeente uit de lijst."))

    def validate_kwartaal(self, field):
        if field.data not in (1, 2, 3, 4):
            raise ValidationError(_l("Kies een kwartaal."))


class TargetForm(FlaskForm):
    gemeente = SelectField(_l("Gemeente"), coerce=_to_int, validate_choice=False,
                           validators=[InputRequired(_l("Kies een gemeente."))])
    jaar = IntegerField(_l("Jaar"), validators=[InputRequired(_l("Vul een jaar in.")),
                                                NumberRange(FIRST_YEAR, LAST_YEAR,
                                                            _l("Kies een jaar tussen %(min)s en %(max)s."))])
    partners = IntegerField(_l("Doel partners"), validators=[Optional(), NumberRange(min=0,
                            message=_l("Een doel is 0 of meer."))], description=_l("Leeg: geen doel."))
    labels = IntegerField(_l("Doel organisaties met het label"), validators=[Optional(), NumberRange(min=0,
                          message=_l("Een doel is 0 of meer."))])
    working_on_label = IntegerField(_l("Doel organisaties die werken aan het label"),
                                    validators=[Optional(), NumberRange(min=0, message=_l("Een doel is 0 of meer."))])
    impact_jobs = IntegerField(_l("Doel banen met impact gestart in het jaar"),
                               validators=[Optional(), NumberRange(min=0, message=_l("Een doel is 0 of meer."))])
    wijk_naar_werk = IntegerField(_l("Doel inwoners naar werk via Wijk naar Werk"),
                                  validators=[Optional(), NumberRange(min=0, message=_l("Een doel is 0 of meer."))],
                                  description=_l("Geteld uit de gemelde banen met impact met de route Wijk naar "
                                                 "Werk, nooit uit namen van inwoners."))
    stageplekken = IntegerField(_l("Doel stageplaatsen aangeboden in het jaar"),
                                validators=[Optional(), NumberRange(min=0, message=_l("Een doel is 0 of meer."))])
    event_attendance = IntegerField(_l("Doel aanwezigen bij evenementen in het jaar"),
                                    validators=[Optional(), NumberRange(min=0, message=_l("Een doel is 0 of meer."))])

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = municipality_choices(municipalities, _l("Kies een gemeente"))
        self._municipality_ids = {m.id for m in municipalities}

    def validate_gemeente(self, field):
        if field.data not in self._municipality_ids:
            raise ValidationError(_l("Kies een gemeente uit de lijst."))
