"""Forms of the inkoop pages, and the Dutch names of the domain's values."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from portal.inkoop.labelcheck import VERDICTS as VERDICT_LABELS  # one list of verdicts
from portal.inkoop.models import DEVELOPMENT_AREAS
from portal.inkoop.presets import preset_choices

KIND_LABELS = {"aanbesteding": _l("Aanbesteding"), "gronduitgifte": _l("Gronduitgifte")}
STATUS_LABELS = {"concept": _l("Concept"), "open": _l("Open voor inschrijving"), "beoordeling": _l("In beoordeling"),
                 "gegund": _l("Gegund"), "ingetrokken": _l("Ingetrokken")}
PRICE_METHOD_LABELS = {
    "relatief": _l("Prijs ten opzichte van de laagste inschrijving"),
    "fictieve_korting": _l("Prijs-kwaliteitverhouding met fictieve korting per kwaliteitspunt"),
}
SCORE_MODE_LABELS = {"consensus": _l("Consensus: de voorzitter stelt de score vast na overleg"),
                     "gemiddelde": _l("Gemiddelde van de scores van het panel")}
CRITERION_KIND_LABELS = {"price": _l("Prijs"), "quality": _l("Kwaliteit (panel)"),
                         "label": _l("Label op de sluitingsdatum"), "commitment": _l("Toezegging (formule)")}
COMMITMENT_KIND_LABELS = {"impact_jobs": _l("Banen met impact"), "stageplekken": _l("Stageplekken"),
                          "jobs_residents": _l("Banen voor inwoners"), "jobs": _l("Banen op de locatie")}
FORMULA_LABELS = {"doel": _l("Lineair tot een doel (volle punten bij het doel of meer)"),
                  "relatief": _l("Ten opzichte van de hoogste toezegging")}
LABEL_LEVEL_LABELS = {"label": _l("Heeft het label"), "werkt_aan_label": _l("Partner, werkt aan het label"),
                      "geen": _l("Geen label")}
LABEL_STATUS_LABELS = {"geen": _l("Geen label"), "geldig": _l("Geldig label"), "geschorst": _l("Label geschorst"),
                       "ingetrokken": _l("Label ingetrokken"), "verlopen": _l("Label verlopen")}
PARTNER_STATUS_LABELS = {"geen": _l("Geen partner"), "aanvraag": _l("Aanvraag partnerschap"),
                         "partner": _l("Partner"), "geweigerd": _l("Aanvraag geweigerd"),
                         "geschorst": _l("Partnerschap geschorst"), "beeindigd": _l("Partnerschap beëindigd")}


def labels():
    """Everything templates need to show values in Dutch."""
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "price_method_labels": PRICE_METHOD_LABELS,
            "score_mode_labels": SCORE_MODE_LABELS, "criterion_kind_labels": CRITERION_KIND_LABELS,
            "commitment_kind_labels": COMMITMENT_KIND_LABELS, "formula_labels": FORMULA_LABELS,
            "label_level_labels": LABEL_LEVEL_LABELS, "label_status_labels": LABEL_STATUS_LABELS,
            "partner_status_labels": PARTNER_STATUS_LABELS, "verdict_labels": VERDICT_LABELS}


class LabelSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("KvK-nummer of naam"), validators=[Optional(), Length(max=200)])
    op = DateField(_l("Peildatum"), validators=[Optional()],
                   description=_l("Bijvoorbeeld de sluitingsdatum van een aanbesteding. Leeg: vandaag."))


class CheckDateForm(FlaskForm):
    class Meta:
        csrf = False

    op = DateField(_l("Peildatum"), validators=[Optional()])


class BulkCheckForm(FlaskForm):
    file = FileField(_l("Leverancierslijst"), validators=[FileRequired(_l("Kies een CSV- of XLSX-bestand."))],
                     description=_l("CSV of XLSX met een kolom 'KvK-nummer'. Andere kolommen worden genegeerd."))
    op = DateField(_l("Peildatum"), validators=[Optional()], description=_l("Leeg: vandaag."))


class ProcedureForm(FlaskForm):
    kind = RadioField(_l("Soort procedure"), choices=list(KIND_LABELS.items()),
                      validators=[DataRequired(_l("Kies het soort procedure."))])
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)])
    reference = StringField(_l("Kenmerk"), validators=[Optional(), Length(max=60)])
    category = StringField(_l("Inkoopcategorie (aanbesteding)"), validators=[Optional(), Length(max=120)],
                           description=_l("Bijvoorbeeld inzameling bedrijfsafval, schoonmaak, groenonderhoud."))
    vulnerable_jobs = BooleanField(_l("Categorie met kwetsbare banen"))
    development_area = SelectField(_l("Ontwikkelgebied (gronduitgifte)"),
                                   choices=[("", _l("Geen (aanbesteding)"))] + [(a, a) for a in DEVELOPMENT_AREAS],
                                   validators=[Optional()])
    plot = StringField(_l("Kavel (gronduitgifte)"), validators=[Optional(), Length(max=120)])
    closing_date = DateField(_l("Sluitingsdatum"), validators=[DataRequired(_l("Vul de sluitingsdatum in."))],
                             description=_l("Op deze datum wordt de labelstatus van elke inschrijver vastgelegd."))
    preset = SelectField(_l("Sjabloon met criteria"), choices=[("", _l("Geen: zelf criteria toevoegen"))]
                         + preset_choices(), validators=[Optional()])
    price_method = RadioField(_l("Prijsmethode"), choices=list(PRICE_METHOD_LABELS.items()), default="relatief",
                              validators=[DataRequired()])
    discount_per_point = DecimalField(_l("Fictieve korting per kwaliteitspunt (euro)"), places=2,
                                      validators=[Optional(), NumberRange(min=0)],
                                      description=_l("Alleen bij de prijs-kwaliteitverhouding met fictieve korting."))
    score_mode = RadioField(_l("Kwaliteitsscore van het panel"), choices=list(SCORE_MODE_LABELS.items()),
                            default="consensus", validators=[DataRequired()])
    quality_scale = StringField(_l("Schaal voor kwaliteit"), default="0,2,4,6,8,10",
                                validators=[DataRequired(), Length(max=60)])
    commitment_months = IntegerField(_l("Termijn voor toezeggingen (maanden na gunning)"), default=24,
                                     validators=[DataRequired(), NumberRange(min=1, max=120)])
    description = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=5000)])


class CriterionForm(FlaskForm):
    kind = SelectField(_l("Soort criterium"), choices=list(CRITERION_KIND_LABELS.items()))
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)])
    weight = DecimalField(_l("Gewicht (%)"), places=2,
                          validators=[DataRequired(_l("Vul een gewicht in.")), NumberRange(min=0.01, max=100)])
    description = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=2000)])
    commitment_kind = SelectField(_l("Toezegging over"), choices=[("", "-")] + list(COMMITMENT_KIND_LABELS.items()),
                                  validators=[Optional()])
    formula = SelectField(_l("Formule (toezegging)"), choices=list(FORMULA_LABELS.items()))
    target = DecimalField(_l("Doel (aantal voor de volle punten)"), places=0, validators=[Optional()])
    working_share = DecimalField(_l("Deel van het gewicht voor 'werkt aan het label' (0 tot 1)"), places=2,
                                 default=0.5, validators=[Optional(), NumberRange(min=0, max=1)])


class PanelForm(FlaskForm):
    user_id = SelectField(_l("Beoordelaar"), coerce=int, validators=[DataRequired(_l("Kies een beoordelaar."))])
    is_chair = BooleanField(_l("Voorzitter van het panel"))


class BidForm(FlaskForm):
    kvk = StringField(_l("KvK-nummer van de inschrijver"), validators=[DataRequired(_l("Vul het KvK-nummer in."))])
    name = StringField(_l("Naam (als de organisatie nog niet in het portaal staat)"),
                       validators=[Optional(), Length(max=200)])
    price = DecimalField(_l("Inschrijfprijs (euro)"), places=2, validators=[Optional()])
    impact_jobs = IntegerField(_l("Toegezegd: banen met impact"), default=0,
                               validators=[Optional(), NumberRange(min=0)])
    stageplekken = IntegerField(_l("Toegezegd: stageplekken"), default=0, validators=[Optional(), NumberRange(min=0)])
    jobs_residents = IntegerField(_l("Toegezegd: banen voor inwoners"), default=0,
                                  validators=[Optional(), NumberRange(min=0)])
    jobs = IntegerField(_l("Toegezegd: banen op de locatie"), default=0, validators=[Optional(), NumberRange(min=0)])
    note = TextAreaField(_l("Opmerking"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(_l("Geef de reden van het intrekken.")),
                                                    Length(max=2000)])


class CloseEarlyForm(FlaskForm):
    reason = TextAreaField(_l("Waarom sluit de inschrijving vóór de sluitingsdatum?"),
                           validators=[DataRequired(_l("Geef de reden om eerder te sluiten.")), Length(max=2000)],
                           description=_l("De reden komt in het auditlog en in het dossier van de procedure."))


class ConfirmForm(FlaskForm):
    """The confirmation of an irreversible action: posted only from the page that says what will happen."""

    confirm = HiddenField(validators=[AnyOf(["ja"], message=_l("Bevestig de actie op deze pagina."))])


class WeightForm(FlaskForm):
    weight = DecimalField(_l("Gewicht (%)"), places=2,
                          validators=[DataRequired(_l("Vul een gewicht in.")), NumberRange(min=0.01, max=100)])


class FollowUpForm(FlaskForm):
    held_on = DateField(_l("Datum van het gesprek"), validators=[DataRequired(_l("Vul de datum in."))])
    procedure_id = SelectField(_l("Over procedure"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Verslag"), validators=[DataRequired(_l("Beschrijf wat er is besproken.")),
                                                    Length(max=5000)])
