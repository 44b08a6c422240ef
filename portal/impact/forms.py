"""Forms of the impact pages: value tables, SROI obligations, Wijk naar Werk places and agreements."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.impact.reference import (
    AGREEMENT_KIND_LABELS,
    CONTRIBUTIONS,
    GOAL_MEASURE_LABELS,
    GOAL_SIDE_LABELS,
    UNIT_LABELS,
    WIJK_AREA_LABELS,
    WIJK_KIND_LABELS,
)
from portal.partners import reference as ref


class NewTableForm(FlaskForm):
    year = IntegerField(_l("Jaar"), validators=[InputRequired(_l("Vul een jaar in.")), NumberRange(2020, 2100)])
    fulltime_hours = DecimalField(_l("Uren van een voltijdbaan per week"), default=36, places=1,
                                  validators=[InputRequired(_l("Vul het aantal uren in.")), NumberRange(1, 60)])


class _RatesBase(FlaskForm):
    fulltime_hours = DecimalField(_l("Uren van een voltijdbaan per week"), places=1,
                                  validators=[InputRequired(_l("Vul het aantal uren in.")), NumberRange(1, 60)])


def _rates_form():
    attrs = {}
    for kind, label, unit in CONTRIBUTIONS:
        attrs[f"rate_{kind}"] = DecimalField(label, places=2, description=_l("Euro %(unit)s", unit=UNIT_LABELS[unit]),
                                             validators=[Optional(), NumberRange(0, 1000000)])
    return type("RatesForm", (_RatesBase,), attrs)


RatesForm = _rates_form()


class ValueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    van = DateField(_l("Van"), validators=[Optional()])
    tot = DateField(_l("Tot en met"), validators=[Optional()])
    gemeente = SelectField(_l("Gemeente"), coerce=int, validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()],
                         choices=[("", _l("Alle sectoren"))] + list(ref.SECTORS))

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = [(0, _l("Alle gemeenten"))] + [(m.id, m.name) for m in municipalities]


class SroiForm(FlaskForm):
    contract_value = DecimalField(_l("Opdrachtwaarde in euro's (excl. btw)"), places=2,
                                  validators=[InputRequired(_l("Vul de opdrachtwaarde in.")),
                                              NumberRange(1, 10_000_000_000)])
    share_pct = DecimalField(_l("SROI-percentage"), places=2, default=5,
                             description=_l("Het deel van de opdrachtwaarde als social return; "
                                            "5 procent is gebruikelijk."),
                             validators=[InputRequired(_l("Vul het percentage in.")), NumberRange(0.1, 100)])
    start_date = DateField(_l("Looptijd van"), validators=[InputRequired(_l("Vul de begindatum in."))])
    end_date = DateField(_l("Looptijd tot en met"), validators=[InputRequired(_l("Vul de einddatum in."))])


class WijkPlaceForm(FlaskForm):
    kind = RadioField(_l("Soort plek"), choices=list(WIJK_KIND_LABELS.items()),
                      validators=[InputRequired(_l("Kies het soort plek."))])
    area = SelectField(_l("Wijk"), choices=[("", _l("Kies een wijk"))] + list(WIJK_AREA_LABELS.items()),
                       validators=[DataRequired(_l("Kies de wijk."))])
    field = SelectField(_l("Vakgebied"), choices=[("", _l("Kies een vakgebied"))] + list(ref.SECTORS),
                        validators=[DataRequired(_l("Kies het vakgebied."))])
    places = IntegerField(_l("Aantal plekken"), default=1,
                          validators=[InputRequired(_l("Vul het aantal plekken in.")), NumberRange(1, 50)])
    period_start = DateField(_l("Beschikbaar vanaf"), validators=[InputRequired(_l("Vul de begindatum in."))])
    period_end = DateField(_l("Beschikbaar tot en met"), validators=[Optional()],
                           description=_l("Leeg laten als de plek open blijft."))
    join_pilot = BooleanField(_l("Wij doen mee aan de pilot Wijk naar Werk"))
    attends_kickoff = BooleanField(_l("Wij komen naar de kick-off"),
                                   description=_l("Ook wie niet bij de kick-off kan zijn, kan meedoen."))
    note = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=2000)],
                         description=_l("Over het werk en de begeleiding; geen namen of gegevens van personen."))


class FillPlaceForm(FlaskForm):
    route = SelectField(_l("Route"), choices=[("", _l("Kies de route"))] + list(ref.ROUTES),
                        validators=[DataRequired(_l("Kies de route."))])
    filled_on = DateField(_l("Vervuld op"), validators=[InputRequired(_l("Vul de datum in."))])
    lasting = BooleanField(_l("Duurzame plek (6 maanden of langer)"), default=True)


class AgreementForm(FlaskForm):
    kind = RadioField(_l("Soort afspraak"), choices=list(AGREEMENT_KIND_LABELS.items()),
                      validators=[InputRequired(_l("Kies het soort afspraak."))])
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)])
    area = StringField(_l("Bedrijventerrein of gebied"), validators=[Optional(), Length(max=120)],
                       description=_l("Bij een gebiedsafspraak van het Ondernemersfonds."))
    kvks = TextAreaField(_l("KvK-nummers van de werkgevers"),
                         validators=[DataRequired(_l("Vul minstens één KvK-nummer in."))],
                         description=_l("Eén per regel; bij een gebiedsafspraak alle deelnemende bedrijven."))
    start_date = DateField(_l("Ingang"), validators=[InputRequired(_l("Vul de ingangsdatum in."))])
    end_date = DateField(_l("Looptijd tot en met"), validators=[InputRequired(_l("Vul de einddatum in."))])
    description = TextAreaField(_l("Omschrijving"), validators=[Optional(), Length(max=4000)])


class GoalForm(FlaskForm):
    side = RadioField(_l("Wie belooft het"), choices=list(GOAL_SIDE_LABELS.items()),
                      validators=[InputRequired(_l("Kies wie het belooft."))])
    description = TextAreaField(_l("Wat is beloofd"), validators=[DataRequired(_l("Beschrijf de afspraak.")),
                                                                  Length(max=2000)])
    measure = SelectField(_l("Hoe meten we het"), choices=list(GOAL_MEASURE_LABELS.items()),
                          validators=[Optional()])
    target = DecimalField(_l("Doel (aantal of euro's)"), places=2,
                          validators=[Optional(), NumberRange(0, 1_000_000_000)])
    due_date = DateField(_l("Uiterlijk"), validators=[InputRequired(_l("Vul de datum in."))])


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Datum van het gesprek"), validators=[InputRequired(_l("Vul de datum in."))])
    note = TextAreaField(_l("Wat is besproken"), validators=[DataRequired(_l("Beschrijf wat is besproken.")),
                                                             Length(max=4000)])
    done_goals = SelectMultipleField(_l("Afspraken die nu zijn nagekomen"), coerce=int, validators=[Optional()])
