"""The words of social value and reciprocity: codes stored in the database, Dutch labels shown."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

# Kinds of contribution that a value table prices (Bouwblokkenmethode). "fte_jaar": an amount per full-time
# year of employment, pro rata the hours per week and the days in the period; "plek": an amount per student
# placed in a stageplek, counted in the year the place starts.
CONTRIBUTIONS = (
    ("baan_banenafspraak", _l("Baan voor iemand uit de banenafspraak (Wajong, arbeidsbeperking)"), "fte_jaar"),
    ("baan_bijstand", _l("Baan voor iemand met een bijstandsuitkering"), "fte_jaar"),
    ("baan_ww", _l("Baan voor iemand met een WW-uitkering"), "fte_jaar"),
    ("baan_overig", _l("Baan voor iemand uit een andere doelgroep"), "fte_jaar"),
    ("bbl_baan", _l("BBL-leerwerkbaan"), "fte_jaar"),
    ("werkervaringsplek", _l("Werkervaringsplek"), "fte_jaar"),
    ("stage_bol", _l("BOL-stage (per geplaatste student)"), "plek"),
    ("stage_bbl", _l("BBL-leerwerkplek (per geplaatste student)"), "plek"),
    ("stage_afstudeeropdracht", _l("Afstudeeropdracht (per student)"), "plek"),
    ("stage_snuffelstage", _l("Snuffelstage (per student)"), "plek"),
)
CONTRIBUTION_KINDS = tuple(code for code, _label, _unit in CONTRIBUTIONS)
CONTRIBUTION_LABELS = {code: label for code, label, _unit in CONTRIBUTIONS}
CONTRIBUTION_UNITS = {code: unit for code, _label, unit in CONTRIBUTIONS}
UNIT_LABELS = {"fte_jaar": _l("per fte-jaar"), "plek": _l("per student")}

# Example amounts, only for the seed (migration 0006_h8 and the demo): policy sets the real ones in the
# portal. They follow the order of magnitude of the Bouwblokkenmethode and are shown as examples.
EXAMPLE_RATES = {
    "baan_banenafspraak": Decimal("30000"),
    "baan_bijstand": Decimal("35000"),
    "baan_ww": Decimal("25000"),
    "baan_overig": Decimal("15000"),
    "bbl_baan": Decimal("10000"),
    "werkervaringsplek": Decimal("12000"),
    "stage_bol": Decimal("2500"),
    "stage_bbl": Decimal("5000"),
    "stage_afstudeeropdracht": Decimal("2500"),
    "stage_snuffelstage": Decimal("250"),
}

TABLE_STATUS_LABELS = {"concept": _l("Concept"), "gepubliceerd": _l("Vastgesteld")}

WIJK_KIND_LABELS = {"werkervaringsplek": _l("Werkervaringsplek"), "leerwerkplek": _l("Leerwerkplek"),
                    "baan": _l("Baan")}
WIJK_AREA_LABELS = {"dordt_west": _l("Dordt-West (Wielwijk, Crabbehof, Oud en Nieuw Krispijn)"),
                    "dordt_oost": _l("Dordt-Oost"), "dordt_centrum": _l("Dordt-Centrum")}
WIJK_STATUS_LABELS = {"aangeboden": _l("Aangeboden"), "ingetrokken": _l("Ingetrokken")}
# The yearly target of the neighbourhood approach (DOMAIN.md): residents guided to a lasting place.
WIJK_YEARLY_TARGET = 100

AGREEMENT_KIND_LABELS = {"mbo_akkoord": _l("MBO-akkoord"), "werkgeversaanpak": _l("Een-op-een werkgeversaanpak"),
                         "gebiedsafspraak": _l("Gebiedsafspraak Ondernemersfonds")}
GOAL_SIDE_LABELS = {"organisatie": _l("Werkgever"), "gemeente": _l("Gemeente")}
GOAL_MEASURE_LABELS = {"": _l("Niet te tellen: gemeld in een gesprek"),
                       "impact_jobs": _l("Banen met impact (gestart)"),
                       "stageplekken": _l("Stageplekken (aangeboden plaatsen)"),
                       "wijk_plaatsingen": _l("Wijk naar Werk: vervulde plekken"),
                       "sociale_waarde": _l("Sociale waarde in euro's")}
