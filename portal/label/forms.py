"""Forms of the label pages. The answer form of a theme is built per request from its criteria."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class VersionForm(FlaskForm):
    """A button-only form that carries the version the page was loaded with."""

    version = HiddenField()


class StartForm(FlaskForm):
    pass


class EvidenceForm(FlaskForm):
    file = FileField(_l("Bewijsstuk toevoegen"), validators=[FileRequired(_l("Kies een bestand."))],
                     description=_l("PDF, afbeelding (PNG, JPG) of Office-document, tot 10 MB."))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Bericht"), validators=[DataRequired(_l("Schrijf een bericht.")), Length(max=5000)])


class DecisionForm(FlaskForm):
    version = HiddenField()
    decision = RadioField(_l("Besluit"), choices=[
        ("wijzigingen", _l("Vraag de organisatie om aan te vullen")),
        ("goedkeuren", _l("Goedkeuren en label toekennen")),
        ("afwijzen", _l("Afwijzen")),
    ], validators=[InputRequired(_l("Kies een besluit."))])
    reason = TextAreaField(_l("Toelichting voor de organisatie"), validators=[Length(max=5000)],
                           description=_l("Verplicht bij aanvullen en afwijzen."))
    override = TextAreaField(_l("Toch goedkeuren: waarom?"), validators=[Length(max=2000)],
                             description=_l("Alleen nodig als er nog bewijsstukken of vragen open staan. "
                                            "De reden komt in het auditlog."))


VERDICT_LABELS = {"voldoet": _l("Voldoet"), "aanvullen": _l("Aanvullen"), "nvt": _l("Niet van toepassing")}


class VerdictForm(FlaskForm):
    verdict = RadioField(_l("Oordeel"), choices=list(VERDICT_LABELS.items()),
                         validators=[InputRequired(_l("Kies een oordeel."))])


class EvidenceStateForm(FlaskForm):
    state = SelectField(_l("Beoordeling bewijsstuk"), choices=[
        ("nieuw", _l("Nog niet bekeken")),
        ("klaar", _l("Klaar voor beoordeling")),
        ("aanvullen", _l("Moet aangevuld worden")),
    ])


class LabelStatusForm(FlaskForm):
    action = RadioField(_l("Handeling"), choices=[
        ("schorsen", _l("Schorsen")),
        ("intrekken", _l("Intrekken")),
        ("herstellen", _l("Schorsing opheffen")),
    ], validators=[InputRequired(_l("Kies een handeling."))])
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(_l("Geef een reden.")), Length(max=2000)])


class SetForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=5000)])
    min_total_pct = IntegerField(_l("Minimale totaalscore (%)"), validators=[InputRequired(), NumberRange(0, 100)])
    min_theme_pct = IntegerField(_l("Minimale score per thema (%)"), validators=[InputRequired(), NumberRange(0, 100)],
                                 description=_l("Geldt voor elk thema zonder eigen minimum."))


class ThemeForm(FlaskForm):
    title = StringField(_l("Thema"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Omschrijving"), validators=[Optional(), Length(max=5000)])
    weight = IntegerField(_l("Gewicht"), default=1, validators=[InputRequired(), NumberRange(1, 100)])
    min_pct = IntegerField(_l("Eigen minimum (%)"), validators=[Optional(), NumberRange(0, 100)],
                           description=_l("Leeg: het minimum per thema van de set."))
    title_en = StringField(_l("Thema in het Engels"), validators=[Optional(), Length(max=200)],
                           description=_l("Leeg: in het Engels ziet men de Nederlandse tekst, "
                                          "gemarkeerd als Nederlands."))
    description_en = TextAreaField(_l("Omschrijving in het Engels"), validators=[Optional(), Length(max=5000)])


class CriterionForm(FlaskForm):
    question = TextAreaField(_l("Vraag"), validators=[DataRequired(), Length(max=2000)])
    help_text = TextAreaField(_l("Uitleg bij de vraag"), validators=[Optional(), Length(max=5000)])
    evidence_required = BooleanField(_l("Bewijsstuk verplicht"))
    options = TextAreaField(_l("Antwoordmogelijkheden"), validators=[DataRequired()],
                            description=_l("Eén per regel: punten | tekst, bijvoorbeeld '2 | Ja, structureel'."))
    question_en = TextAreaField(_l("Vraag in het Engels"), validators=[Optional(), Length(max=2000)],
                                description=_l("Leeg: in het Engels ziet men de Nederlandse tekst, gemarkeerd als "
                                               "Nederlands."))
    help_text_en = TextAreaField(_l("Uitleg in het Engels"), validators=[Optional(), Length(max=5000)])
    options_en = TextAreaField(_l("Antwoordmogelijkheden in het Engels"), validators=[Optional()],
                               description=_l("Eén tekst per regel, in dezelfde volgorde als de Nederlandse "
                                              "antwoorden (zonder punten)."))


class RegisterFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Zoek op naam of plaats"), validators=[Optional(), Length(max=100)])
    gemeente = SelectField(_l("Gemeente"), choices=[], validate_choice=False)
    sector = SelectField(_l("Sector"), choices=[], validate_choice=False)
    alleen_label = BooleanField(_l("Alleen organisaties met het label"))


class PlanActionForm(FlaskForm):
    description = TextAreaField(_l("Wat gaat de organisatie verbeteren?"),
                                validators=[DataRequired(_l("Beschrijf de stap.")), Length(max=2000)])
    due_on = DateField(_l("Klaar op (optioneel)"), validators=[Optional()])
