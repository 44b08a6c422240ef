"""Reference data of the Drechtsteden programme (DOMAIN.md): codes stored in the database, Dutch labels shown.

Each list is a tuple of (code, label) pairs; the code never changes once data uses it.
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db

# name -> the date the municipality joined the label (None: not yet).
# (name, takes part in the programme from (None: from the start), takes part at all). The starting list only:
# St. MBO manages municipalities in the portal (portal.programme.municipalities).
MUNICIPALITIES = (
    ("Dordrecht", None, True),
    ("Zwijndrecht", date(2025, 1, 1), True),
    ("Sliedrecht", date(2025, 1, 1), True),
    ("Alblasserdam", None, False),
    ("Hendrik-Ido-Ambacht", None, False),
    ("Hardinxveld-Giessendam", None, False),
    ("Papendrecht", None, False),
)
MUNICIPALITY_NAMES = tuple(name for name, *_ in MUNICIPALITIES)

NEIGHBOURHOODS = (
    ("wielwijk", _l("Wielwijk (Dordt-West)")),
    ("crabbehof", _l("Crabbehof (Dordt-West)")),
    ("oud_krispijn", _l("Oud Krispijn (Dordt-West)")),
    ("nieuw_krispijn", _l("Nieuw Krispijn (Dordt-West)")),
    ("dordt_oost", _l("Dordt-Oost")),
    ("dordt_centrum", _l("Dordt-Centrum")),
    ("elders_dordrecht", _l("Elders in Dordrecht")),
    ("elders_drechtsteden", _l("Elders in de Drechtsteden")),
    ("buiten_drechtsteden", _l("Buiten de Drechtsteden")),
)

TARGET_GROUPS = (
    ("banenafspraak", _l("Arbeidsbeperking (banenafspraak, Wajong)")),
    ("bijstand", _l("Bijstand")),
    ("ww", _l("WW")),
    ("langdurig_werkloos", _l("Langdurig werkloos (meer dan 2 jaar)")),
    ("vijftig_plus", _l("50-plus")),
    ("vijfenvijftig_plus", _l("55-plus")),
    ("statushouder", _l("Statushouder")),
    ("alleenstaande_ouder", _l("Alleenstaande ouder")),
    ("jongere_zonder_startkwalificatie", _l("Jongere 16-27 zonder startkwalificatie")),
    ("vrouw_migratieachtergrond", _l("Vrouw met een migratieachtergrond")),
    ("laaggeletterd", _l("Laaggeletterd")),
    ("ggz", _l("GGZ-achtergrond")),
)

ROUTES = (
    ("wijk_naar_werk", _l("Wijk naar Werk")),
    ("werkshop", _l("Werkshop")),
    ("baanbrekend", _l("Baanbrekend Drechtsteden")),
    ("perspct", _l("Perspct")),
    ("leerwerkloket", _l("Leerwerkloket")),
    ("sociale_dienst", _l("Sociale Dienst Drechtsteden")),
    ("eigen_werving", _l("Eigen werving")),
    ("anders", _l("Anders")),
)

PROFILES = (
    ("aanpakker_doorzetter", _l("Aanpakker en doorzetter")),
    ("snel_precies_fit", _l("Snel, precies en fysiek fit")),
    ("handig_sociaal", _l("Handig en sociaal")),
    ("klantgericht_communicatief", _l("Klantgericht en communicatief")),
    ("administratief_nauwkeurig", _l("Administratief en nauwkeurig")),
    ("aanpakker_fysiek_sterk", _l("Aanpakker en fysiek sterk")),
)

# Learning lines and growth sectors of the region, then the usual others.
SECTORS = (
    ("zorg", _l("Zorg en welzijn")),
    ("vervoer_logistiek", _l("Vervoer en logistiek")),
    ("ict", _l("ICT")),
    ("techniek", _l("Techniek en industrie")),
    ("installatietechniek", _l("Installatietechniek")),
    ("energietransitie", _l("Energietransitie")),
    ("maritiem", _l("Maritiem")),
    ("kinderopvang", _l("Kinderopvang en onderwijs")),
    ("bouw_infra", _l("Bouw en infra")),
    ("detailhandel", _l("Detailhandel")),
    ("horeca", _l("Horeca en catering")),
    ("schoonmaak", _l("Schoonmaak en facilitair")),
    ("groen", _l("Groen en recreatie")),
    ("zakelijke_dienstverlening", _l("Zakelijke dienstverlening")),
    ("overheid", _l("Overheid en non-profit")),
    ("overig", _l("Overig")),
)

SIZE_CLASSES = (
    ("1-9", _l("1-9 medewerkers")),
    ("10-49", _l("10-49 medewerkers")),
    ("50-249", _l("50-249 medewerkers")),
    ("250+", _l("250 of meer medewerkers")),
)

CONTRACT_TYPES = (
    ("vast", _l("Vast contract")),
    ("tijdelijk_lang", _l("Tijdelijk, 6 maanden of langer")),
    ("tijdelijk_kort", _l("Tijdelijk, korter dan 6 maanden")),
    ("bbl", _l("BBL-leerwerkbaan")),
    ("proefplaatsing", _l("Proefplaatsing")),
    ("werkervaringsplek", _l("Werkervaringsplek")),
    ("detachering", _l("Detachering")),
)
# Contracts that are durable by their nature; any other placement counts once it has lasted 6 months.
DURABLE_CONTRACTS = ("vast", "tijdelijk_lang")
DURABLE_MONTHS = 6

END_REASONS = (
    ("doorgestroomd", _l("Doorgestroomd")),
    ("contract_beeindigd", _l("Contract beëindigd")),
    ("uitgevallen", _l("Uitgevallen")),
    ("anders", _l("Anders")),
)

EDUCATION_LEVELS = (
    ("vmbo", _l("vmbo")),
    ("mbo1", _l("mbo niveau 1")),
    ("mbo2", _l("mbo niveau 2")),
    ("mbo3", _l("mbo niveau 3")),
    ("mbo4", _l("mbo niveau 4")),
    ("hbo", _l("hbo")),
    ("wo", _l("wo")),
)

STAGE_TYPES = (
    ("bol", _l("BOL-stage")),
    ("bbl", _l("BBL-leerwerkplek")),
    ("afstudeeropdracht", _l("Afstudeeropdracht")),
    ("snuffelstage", _l("Snuffelstage")),
)

PARTNER_STATUSES = (
    ("geen", _l("Geen partner")),
    ("aanvraag", _l("Aanvraag ingediend")),
    ("partner", _l("Partner")),
    ("geweigerd", _l("Aanvraag geweigerd")),
    ("geschorst", _l("Geschorst")),
    ("beeindigd", _l("Beëindigd")),
)

MEMBER_ROLES = (
    ("beheerder", _l("Beheerder")),
    ("lid", _l("Lid")),
)


def label_of(pairs, code, default=""):
    """The shown label of ``code`` in one of the lists above."""
    for key, label in pairs:
        if key == code:
            return label
    return default or code or ""


def codes(pairs) -> tuple[str, ...]:
    return tuple(key for key, _ in pairs)


def ensure_municipalities():
    """Insert the Drechtsteden municipalities that are missing; returns {name: Municipality}. Idempotent."""
    from portal.partners.models import Municipality

    existing = {m.name: m for m in db.session.scalars(select(Municipality))}
    for name, joins_on, active in MUNICIPALITIES:
        if name not in existing:
            existing[name] = Municipality(name=name, joins_on=joins_on, active=active)
            db.session.add(existing[name])
    db.session.flush()
    return existing
