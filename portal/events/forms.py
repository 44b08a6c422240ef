"""Forms of the events pages: the event itself, programme, questions, invitations and registration."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from portal.inputs import bounded_id

KIND_LABELS = [
    ("kick-off", _l("Kick-off")),
    ("festival", _l("Festival")),
    ("workshop", _l("Workshop")),
    ("praktijktafel", _l("Praktijktafel")),
    ("hr-tafel", _l("HR-tafel")),
    ("award", _l("Award")),
    ("netwerkbijeenkomst", _l("Netwerkbijeenkomst")),
]
AUDIENCE_LABELS = [
    ("partners", _l("Alleen partners")),
    ("public", _l("Openbaar")),
    ("invitation", _l("Op uitnodiging")),
]
QUESTION_KIND_LABELS = [("text", _l("Vrije tekst")), ("yesno", _l("Ja of nee")), ("choice", _l("Keuze uit een lijst"))]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)])
    kind = SelectField(_l("Soort"), choices=KIND_LABELS)
    description = TextAreaField(_l("Beschrijving"), validators=[Length(max=20000)],
                                description=_l("Opmaak met Markdown: **vet**, *cursief*, "
                                               "lijstjes met -, koppen met ##."))
    start_at = DateTimeLocalField(_l("Begin"), format=DATETIME_FORMAT,
                                  validators=[InputRequired(_l("Vul het begin in (datum en tijd)."))])
    end_at = DateTimeLocalField(_l("Einde"), format=DATETIME_FORMAT,
                                validators=[InputRequired(_l("Vul het einde in (datum en tijd)."))])
    location = StringField(_l("Locatie"), validators=[Length(max=300)])
    capacity = IntegerField(_l("Aantal plaatsen"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Laat leeg voor onbeperkt."))
    audience = SelectField(_l("Voor wie"), choices=AUDIENCE_LABELS)
    registration_opens_at = DateTimeLocalField(_l("Inschrijving opent"), format=DATETIME_FORMAT,
                                               validators=[Optional()], description=_l("Leeg: direct na publiceren."))
    registration_closes_at = DateTimeLocalField(_l("Inschrijving sluit"), format=DATETIME_FORMAT,
                                                validators=[Optional()], description=_l("Leeg: bij het begin."))
    reminder_days = IntegerField(_l("Herinnering (dagen vooraf)"), default=2,
                                 validators=[Optional(), NumberRange(min=0, max=60)],
                                 description=_l("0: geen herinnering."))


class SlotForm(FlaskForm):
    starts = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Vul de begintijd in."))])
    ends = TimeField(_l("Eindtijd"), validators=[Optional()])
    title = StringField(_l("Onderdeel"), validators=[DataRequired(_l("Vul het onderdeel in.")), Length(max=200)])
    speaker = StringField(_l("Spreker"), validators=[Length(max=200)])
    room = StringField(_l("Zaal"), validators=[Length(max=100)])


class QuestionForm(FlaskForm):
    label = StringField(_l("Vraag"), validators=[DataRequired(_l("Vul de vraag in.")), Length(max=300)])
    kind = SelectField(_l("Soort antwoord"), choices=QUESTION_KIND_LABELS)
    choices = TextAreaField(_l("Keuzes"), description=_l("Eén keuze per regel (alleen bij een keuzelijst)."))
    required = BooleanField(_l("Verplicht"))


class CancelEventForm(FlaskForm):
    reason = TextAreaField(_l("Reden (staat in de mail aan de deelnemers)"), validators=[Length(max=2000)])


GROUPS = (
    ("", _l("Geen groep")),
    ("alle", _l("Alle partners")),
    ("geldig", _l("Partners met een geldig label")),
    ("werkt_aan", _l("Partners die werken aan het label")),
    ("geen", _l("Partners zonder geldig label")),
)


class InviteForm(FlaskForm):
    emails = TextAreaField(_l("E-mailadressen"), validators=[Optional()],
                           description=_l("Eén adres per regel (of gescheiden door komma's)."))
    groep = SelectField(_l("Of nodig alle leden van partnerorganisaties uit"), choices=GROUPS,
                        validators=[Optional()],
                        description=_l("Iedere medewerker met een account bij die organisaties krijgt de uitnodiging."))
    gemeente = SelectField(_l("Gemeente van de organisaties"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = [("", _l("Alle gemeenten"))] + [(str(m.id), m.name) for m in municipalities]

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not (self.emails.data or "").strip() and not self.groep.data:
            self.emails.errors.append(_l("Vul e-mailadressen in of kies een groep organisaties."))
            return False
        return True

    @property
    def municipality_id(self) -> int | None:
        return bounded_id(self.gemeente.data)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AnswersMixin:
    def answers(self, questions) -> dict[int, str]:
        return {q.id: (getattr(self, f"q_{q.id}").data or "") for q in questions}


class MemberRegistrationForm(AnswersMixin, FlaskForm):
    pass


class PublicRegistrationForm(AnswersMixin, FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul uw naam in.")), Length(max=120)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                                      Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    organisation_name = StringField(_l("Organisatie of school"), validators=[Length(max=200)],
                                    description=_l("Optioneel."))


class StaffRegistrationForm(FlaskForm):
    """St. MBO registers someone who called or mailed; the confirmation mail goes to that person."""

    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=120)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul het e-mailadres in.")),
                                                      Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    organisation_name = StringField(_l("Organisatie of school"), validators=[Length(max=200)],
                                    description=_l("Optioneel; "
                                                   "een account met dit adres wordt aan zijn organisatie gekoppeld."))


def with_questions(form_class, questions):
    """A subclass of ``form_class`` with one field per registration question (q_<id>)."""

    class Form(form_class):
        pass

    for question in questions:
        checks = [DataRequired(_l("Beantwoord deze vraag."))] if question.required else [Optional()]
        if question.kind == "yesno":
            field = RadioField(question.label, choices=[("ja", _l("Ja")), ("nee", _l("Nee"))], validators=checks)
        elif question.kind == "choice":
            field = RadioField(question.label, choices=[(c, c) for c in question.choice_list], validators=checks)
        else:
            field = TextAreaField(question.label, validators=[*checks, Length(max=2000)])
        setattr(Form, f"q_{question.id}", field)
    return Form
