"""What the navigation shows each role. Items whose endpoint does not exist (yet) are left out."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.permissions import current_membership

PUBLIC = [
    ("label.register", _l("Register labelhouders")),
    ("events.calendar", _l("Evenementen")),
    ("partners.public_stageplekken", _l("Stageplekken")),
]

ORGANISATION = [
    ("partners.org_home", _l("Mijn organisatie")),
    ("label.assessment", _l("Zelfscan")),
    ("partners.jobs", _l("Banen met impact")),
    # "Onze": the public list of all partners' stageplekken is in the menu too, as "Stageplekken".
    ("partners.stageplekken", _l("Onze stageplekken")),
    ("impact.org_wijk", _l("Wijk naar Werk")),
    ("impact.org_agreements", _l("Afspraken")),
    ("events.calendar", _l("Evenementen")),
]

# Only partners work on the label: before the partnership is approved the zelfscan is not offered.
PARTNERS_ONLY = {"label.assessment"}


def may_register_organisation(user) -> bool:
    """The next step "meld uw organisatie aan" is for entrepreneurs without an organisation (not for staff,
    inkoop or gemeente accounts, who work for the municipality or St. MBO)."""
    if not user.is_authenticated or user.role_names & {"mbo_staff", "admin", "inkoop", "gemeente"}:
        return False  # every account also carries the base role "ondernemer"
    return current_membership() is None

BY_ROLE = {
    "mbo_staff": [
        ("dashboard.index", _l("Dashboard")),
        ("partners.staff_list", _l("Partners")),
        ("partners.applications", _l("Aanvragen")),
        ("label.review_queue", _l("Zelfscans")),
        ("label.criteria_sets", _l("Criteria")),
        ("events.manage", _l("Evenementen beheren")),
        ("impact.social_value", _l("Sociale waarde")),
        ("impact.wijk_overview", _l("Wijk naar Werk")),
        ("impact.agreements", _l("Afspraken")),
        ("audit.log", _l("Auditlog")),
        ("privacy.requests", _l("Privacyverzoeken")),
    ],
    "inkoop": [
        ("inkoop.check", _l("Labelcheck")),
        ("inkoop.procedures", _l("Procedures")),
        ("impact.sroi_list", _l("SROI")),
    ],
    "gemeente": [
        ("dashboard.index", _l("Dashboard")),
        ("inkoop.check", _l("Labelcheck")),
        ("inkoop.procedures", _l("Procedures")),
        ("inkoop.commitments", _l("Toezeggingen")),
        ("impact.sroi_list", _l("SROI")),
        ("impact.social_value", _l("Sociale waarde")),
        ("impact.agreements", _l("Afspraken")),
    ],
    "admin": [
        ("dashboard.index", _l("Dashboard")),
        ("admin.users", _l("Accounts")),
        ("admin.outbox", _l("E-mail")),
        ("audit.log", _l("Auditlog")),
    ],
}


def navigation_items():
    """(endpoint, label) pairs for the current user, in order, without duplicates."""
    endpoints = current_app.view_functions
    items = []
    if current_user.is_authenticated:
        for role in ("mbo_staff", "gemeente", "inkoop", "admin"):
            if current_user.has_role(role):
                items.extend(BY_ROLE[role])
        membership = current_membership()
        if membership is not None:
            is_partner = membership.organisation.partner_status == "partner"
            items.extend(item for item in ORGANISATION if is_partner or item[0] not in PARTNERS_ONLY)
        elif may_register_organisation(current_user):
            items.append(("partners.start", _l("Organisatie aanmelden")))
    items.extend(PUBLIC)
    seen, result = set(), []
    for endpoint, label in items:
        if endpoint in endpoints and endpoint not in seen:
            seen.add(endpoint)
            result.append((endpoint, label))
    return result
