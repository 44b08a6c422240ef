"""Forms of the partner pages. The rules in services.py check everything again; forms only parse."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.extensions import db
from portal.inputs import bounded_id
from portal.partners import reference as ref
from portal.partners.models import Municipality
from portal.validators import KvkNumber, Postcode


def _no_nul(value):
    # PostgreSQL text cannot hold NUL characters; a pasted or forged one must not become a server error.
    return value.replace("\x00", "") if isinstance(value, str) else value


class PartnerForm(FlaskForm):
    """Every partner form: text arrives without NUL characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            options = dict(options, filters=[*unbound_field.kwargs.get("filters", ()), _no_nul])
            return unbound_field.bind(form=form, **options)


def _choices(pairs, empty=None):
    choices = [(code, label) for code, label in pairs]
    return ([("", empty)] if empty is not None else []) + choices


def municipality_rows() -> list[Municipality]:
    # Read only: the municipalities are reference data inserted by migration 0002 (and the demo seed).
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def municipality_choices(empty=_l("Kies een gemeente"), rows=None):
    rows = municipality_rows() if rows is None else rows
    return [("", empty)] + [(str(m.id), m.name) for m in rows]


class _Coerce:
    """Select values as int or None, never raising on bad input."""

    def __call__(self, value):
        return bounded_id(value)  # ids only; a huge number would overflow the column


to_int = _Coerce()


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN and infinity (a signalling NaN would crash the range check)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class OrganisationForm(PartnerForm):
    name = StringField(_l("Naam van de organisatie"), validators=[DataRequired(_l("Vul de naam in.")),
                                                                  Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    kvk = StringField(_l("KvK-nummer"), validators=[KvkNumber()], description=_l("8 cijfers, bijvoorbeeld 24123456."),
                      render_kw={"inputmode": "numeric"})
    street = StringField(_l("Bezoekadres (straat en huisnummer)"),
                         validators=[DataRequired(_l("Vul het bezoekadres in.")), Length(max=200)],
                         render_kw={"autocomplete": "street-address"})
    postcode = StringField(_l("Postcode"), validators=[Postcode()], description=_l("Bijvoorbeeld 3311 AB."),
                           render_kw={"autocomplete": "postal-code"})
    city = StringField(_l("Plaats"), validators=[DataRequired(_l("Vul de plaats in.")), Length(max=100)],
                       render_kw={"autocomplete": "address-level2"})
    municipality_id = SelectField(_l("Gemeente"), coerce=to_int,
                                  validators=[InputRequired(_l("Kies een gemeente."))])
    sector = SelectField(_l("Sector"), choices=_choices(ref.SECTORS, _l("Kies een sector")),
                         validators=[DataRequired(_l("Kies een sector."))])
    size_class = SelectField(_l("Aantal medewerkers"), choices=_choices(ref.SIZE_CLASSES, _l("Kies een grootte")),
                             validators=[DataRequired(_l("Kies het aantal medewerkers."))])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)],
                          render_kw={"autocomplete": "url"})
    contact_name = StringField(_l("Contactpersoon"), validators=[DataRequired(_l("Vul een contactpersoon in.")),
                                                                 Length(max=120)])
    contact_phone = StringField(_l("Telefoonnummer"), validators=[DataRequired(_l("Vul een telefoonnummer in.")),
                                                                  Length(max=40)],
                                render_kw={"autocomplete": "tel", "type": "tel"})
    contact_email = EmailField(_l("E-mailadres voor de organisatie"),
                               validators=[Optional(), Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = municipality_choices()

    def data_for_rules(self) -> dict:
        return {name: self[name].data for name in ("name", "kvk", "street", "postcode", "city", "municipality_id",
                                                   "sector", "size_class", "website", "contact_name",
                                                   "contact_phone", "contact_email") if name in self}


class EditOrganisationForm(OrganisationForm):
    kvk = None


class JoinRequestForm(PartnerForm):
    kvk = StringField(_l("KvK-nummer"), validators=[KvkNumber()])
    message = TextAreaField(_l("Bericht aan de beheerder (optioneel)"), validators=[Optional(), Length(max=2000)],
                            description=_l("Bijvoorbeeld uw functie, zodat de beheerder u herkent."))


class ApplicationForm(PartnerForm):
    motivation = TextAreaField(_l("Waarom wilt u partner worden?"),
                               validators=[DataRequired(_l("Vertel kort waarom uw organisatie partner wil worden.")),
                                           Length(max=5000)],
                               description=_l("Bijvoorbeeld wat u al doet voor inclusief werk en wat u wilt bereiken."))
    accept_terms = BooleanField(_l("Ik ga akkoord met de partnervoorwaarden van St. MBO"),
                                validators=[DataRequired(_l("U moet akkoord gaan met de partnervoorwaarden."))])


class ConfirmForm(PartnerForm):
    """The confirmation of an irreversible action: posted only from the page that says what will happen."""

    confirm = HiddenField(validators=[AnyOf(["ja"], message=_l("Bevestig de actie op deze pagina."))])


class StatusChangeForm(PartnerForm):
    action = SelectField(_l("Actie"), choices=[("approve", _l("Goedkeuren")), ("refuse", _l("Weigeren")),
                                               ("suspend", _l("Schorsen")), ("reinstate", _l("Herstellen")),
                                               ("end", _l("Beëindigen"))])
    reason = TextAreaField(_l("Reden"), validators=[Optional(), Length(max=2000)],
                           description=_l("Verplicht bij weigeren, schorsen en beëindigen. De organisatie krijgt "
                                          "de reden per e-mail."))


class InviteForm(PartnerForm):
    email = EmailField(_l("E-mailadres van uw collega"),
                       validators=[DataRequired(_l("Vul een e-mailadres in.")),
                                   Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    role = SelectField(_l("Rol"), choices=_choices(ref.MEMBER_ROLES), default="lid",
                       description=_l("Een beheerder kan collega's uitnodigen en de gegevens van de organisatie "
                                      "wijzigen."))


class RoleForm(PartnerForm):
    role = SelectField(_l("Rol"), choices=_choices(ref.MEMBER_ROLES))


class DecisionForm(PartnerForm):
    decision = SelectField(_l("Besluit"), choices=[("accept", _l("Accepteren")), ("refuse", _l("Weigeren"))])
    reason = TextAreaField(_l("Toelichting (optioneel)"), validators=[Optional(), Length(max=2000)])


class ImpactJobForm(PartnerForm):
    title = StringField(_l("Functie"), validators=[DataRequired(_l("Vul de functie in.")), Length(max=120)],
                        description=_l("Bijvoorbeeld: magazijnmedewerker. Geen naam van de persoon."))
    target_groups = SelectMultipleField(_l("Doelgroep(en)"), choices=_choices(ref.TARGET_GROUPS),
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                        validate_choice=False)
    contract_type = SelectField(_l("Soort contract"), choices=_choices(ref.CONTRACT_TYPES, _l("Kies een contract")),
                                validators=[DataRequired(_l("Kies het soort contract."))])
    hours_per_week = FiniteDecimalField(_l("Uren per week"), places=1,
                                  validators=[InputRequired(_l("Vul het aantal uren per week in.")),
                                              NumberRange(min=1, max=60, message=_l("Tussen 1 en 60 uur."))],
                                  render_kw={"inputmode": "decimal"})
    start_date = DateField(_l("Startdatum"), validators=[InputRequired(_l("Vul de startdatum in."))])
    end_date = DateField(_l("Einddatum (optioneel)"), validators=[Optional()])
    end_reason = SelectField(_l("Reden einde"), choices=_choices(ref.END_REASONS, _l("Nog niet gestopt")),
                             validators=[Optional()])
    route = SelectField(_l("Route naar werk (optioneel)"), choices=_choices(ref.ROUTES, _l("Onbekend")),
                        validators=[Optional()])
    neighbourhood = SelectField(_l("Wijk waar de persoon woont (optioneel)"),
                                choices=_choices(ref.NEIGHBOURHOODS, _l("Onbekend")), validators=[Optional()])
    profile = SelectField(_l("Profiel (optioneel)"), choices=_choices(ref.PROFILES, _l("Onbekend")),
                          validators=[Optional()])
    job_coaching = BooleanField(_l("Met jobcoaching of een buddy op de werkvloer"))
    note = TextAreaField(_l("Notitie (optioneel)"), validators=[Optional(), Length(max=2000)],
                         description=_l("Schrijf hier geen namen, BSN, geboortedatum of andere gegevens waarmee "
                                        "iemand te herkennen is."))

    def data_for_rules(self) -> dict:
        return {name: self[name].data for name in ("title", "target_groups", "contract_type", "hours_per_week",
                                                   "start_date", "end_date", "end_reason", "route",
                                                   "neighbourhood", "profile", "job_coaching", "note")}


class CloseJobForm(PartnerForm):
    end_date = DateField(_l("Einddatum"), validators=[InputRequired(_l("Vul de einddatum in."))])
    end_reason = SelectField(_l("Reden einde"), choices=_choices(ref.END_REASONS, _l("Kies een reden")),
                             validators=[DataRequired(_l("Kies waarom de plaatsing is gestopt."))])


class JobFilterForm(PartnerForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[("", _l("Alle")), ("lopend", _l("Lopend")),
                                                 ("afgesloten", _l("Afgesloten")), ("duurzaam", _l("Duurzaam"))],
                         validators=[Optional()])
    contract_type = SelectField(_l("Contract"), choices=_choices(ref.CONTRACT_TYPES, _l("Alle")),
                                validators=[Optional()])
    target_group = SelectField(_l("Doelgroep"), choices=_choices(ref.TARGET_GROUPS, _l("Alle")),
                               validators=[Optional()])
    year = IntegerField(_l("Startjaar"), validators=[Optional(), NumberRange(min=2000, max=2100)])


class StageplekForm(PartnerForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=120)],
                        description=_l("Bijvoorbeeld: stage monteur installatietechniek."))
    education_level = SelectField(_l("Opleidingsniveau"), choices=_choices(ref.EDUCATION_LEVELS, _l("Kies een niveau")),
                                  validators=[DataRequired(_l("Kies het opleidingsniveau."))])
    stage_type = SelectField(_l("Soort"), choices=_choices(ref.STAGE_TYPES, _l("Kies een soort")),
                             validators=[DataRequired(_l("Kies het soort stage."))])
    field = SelectField(_l("Vakgebied"), choices=_choices(ref.SECTORS, _l("Kies een vakgebied")),
                        validators=[DataRequired(_l("Kies het vakgebied."))])
    places = IntegerField(_l("Aantal plaatsen"), default=1,
                          validators=[InputRequired(_l("Vul het aantal plaatsen in.")),
                                      NumberRange(min=1, max=500, message=_l("Tussen 1 en 500."))])
    places_filled = IntegerField(_l("Waarvan bezet"), default=0,
                                 validators=[InputRequired(_l("Vul het aantal bezette plaatsen in.")),
                                             NumberRange(min=0, max=500, message=_l("Tussen 0 en 500."))])
    period_start = DateField(_l("Begin van de periode (optioneel)"), validators=[Optional()])
    period_end = DateField(_l("Einde van de periode (optioneel)"), validators=[Optional()])
    school = StringField(_l("School (optioneel)"), validators=[Optional(), Length(max=120)])
    sbb_recognised = BooleanField(_l("Erkend leerbedrijf (SBB)"))
    published = BooleanField(_l("Openbaar tonen op de stagepagina"),
                             description=_l("Studenten en scholen zien de plek zodra uw organisatie partner is."))
    description = TextAreaField(_l("Omschrijving (optioneel)"), validators=[Optional(), Length(max=4000)])

    def data_for_rules(self) -> dict:
        return {name: self[name].data for name in ("title", "education_level", "stage_type", "field", "places",
                                                   "places_filled", "period_start", "period_end", "school",
                                                   "sbb_recognised", "published", "description")}


class PublicStageFilterForm(PartnerForm):
    class Meta:
        csrf = False

    niveau = SelectField(_l("Opleidingsniveau"), choices=_choices(ref.EDUCATION_LEVELS, _l("Alle niveaus")),
                         validators=[Optional()])
    vakgebied = SelectField(_l("Vakgebied"), choices=_choices(ref.SECTORS, _l("Alle vakgebieden")),
                            validators=[Optional()])
    gemeente = SelectField(_l("Gemeente"), coerce=to_int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente.choices = municipality_choices(_l("Alle gemeenten"))


class PartnerFilterForm(PartnerForm):
    class Meta:
        csrf = False

    q = StringField(_l("Zoek op naam, plaats of KvK-nummer"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Partnerstatus"), choices=_choices(ref.PARTNER_STATUSES, _l("Alle")),
                         validators=[Optional()])
    gemeente = SelectField(_l("Gemeente"), coerce=to_int, validators=[Optional()])
    sector = SelectField(_l("Sector"), choices=_choices(ref.SECTORS, _l("Alle")), validators=[Optional()])
    grootte = SelectField(_l("Grootte"), choices=_choices(ref.SIZE_CLASSES, _l("Alle")), validators=[Optional()])
    label = SelectField(_l("Labelstatus"), validators=[Optional()])

    def __init__(self, *args, label_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Kept on the form: while it lives, org.municipality of a listed organisation is found in the session.
        self.municipalities = municipality_rows()
        self.gemeente.choices = municipality_choices(_l("Alle"), self.municipalities)
        self.label.choices = _choices(label_choices, _l("Alle"))

    def filters(self) -> dict:
        """The filters as the query wants them; a value that is not a choice is ignored, never an error."""
        def pick(field):
            return field.data if field.data in {str(c[0]) for c in field.choices} and field.data else ""
        return {"q": (self.q.data or "")[:200], "status": pick(self.status),
                "municipality_id": self.gemeente.data or None, "sector": pick(self.sector),
                "size_class": pick(self.grootte), "label": pick(self.label)}


class ImportForm(PartnerForm):
    file = FileField(_l("Bestand (CSV of XLSX)"),
                     description=_l("Eén rij per organisatie, met een kopregel. Verplichte kolommen: naam, kvk, "
                                    "postcode en gemeente."))
