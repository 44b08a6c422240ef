"""Every registered route, as every kind of visitor: a route without an access rule fails the suite."""
import pytest
from werkzeug.routing.converters import NumberConverter, UUIDConverter

from tests.conftest import login

# Who visits: (name, roles, membership role or None)
VISITORS = [
    ("anonymous", None, None),
    ("ondernemer_zonder_organisatie", ["ondernemer"], None),
    ("lid", ["ondernemer"], "lid"),
    ("beheerder", ["ondernemer"], "beheerder"),
    ("mbo_staff", ["mbo_staff"], None),
    ("inkoop", ["inkoop"], None),
    ("gemeente", ["gemeente"], None),
    ("admin", ["admin"], None),
]

def _sample_url(app, rule):
    from flask import url_for

    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if arg in ("kvk",):
            values[arg] = "12345678"
        elif isinstance(converter, NumberConverter):
            values[arg] = 999999
        elif isinstance(converter, UUIDConverter):
            values[arg] = "00000000-0000-0000-0000-000000000000"
        else:
            values[arg] = "onbekend"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _expected(rule_kind, roles, visitor):
    """'login', 'forbidden', 'no-org' or 'allowed' for this visitor."""
    name, visitor_roles, membership = visitor
    if rule_kind == "public":
        return "allowed"
    if visitor_roles is None:
        return "login"
    if rule_kind == "login":
        return "allowed"
    if rule_kind == "roles":
        return "allowed" if set(roles) & set(visitor_roles) else "forbidden"
    if rule_kind in ("org_member", "org_admin"):
        if membership is None:
            return "no-org"
        if rule_kind == "org_admin" and membership != "beheerder":
            return "forbidden"
        return "allowed"
    raise AssertionError(f"unknown access rule {rule_kind}")


@pytest.fixture
def visitors(app, make_user, make_org):
    clients = {}
    org = make_org(name="Matrixbedrijf")
    from portal.extensions import db
    from portal.partners.models import Membership

    for name, roles, membership in VISITORS:
        client = app.test_client()
        if roles is not None:
            user = make_user(roles[0], email=f"{name}@matrix.nl", roles=roles)
            if membership:
                db.session.add(Membership(user_id=user.id, organisation_id=org.id, role=membership))
                db.session.commit()
            login(client, user.email)
        clients[name] = client
    return clients


def test_every_view_declares_an_access_rule(app):
    missing = sorted(
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access_rule")
    )
    assert missing == [], f"views without an access rule from portal.permissions: {missing}"


def test_every_route_answers_each_role_as_declared(app, visitors):
    problems = []
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        access = view.access_rule
        url = _sample_url(app, rule)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        for visitor in VISITORS:
            expected = _expected(access["kind"], access["roles"], visitor)
            # A POST by someone allowed would really act; the matrix only proves who is kept out.
            if method != "GET" and expected == "allowed":
                continue
            client = visitors[visitor[0]]
            response = client.open(url, method=method)
            checked += 1
            status = response.status_code
            location = response.headers.get("Location", "")
            to_login = status == 302 and "/account/inloggen" in location
            missing_headers = [h for h in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")
                               if h not in response.headers]
            if status >= 500:
                outcome = f"server error {status}"
            elif missing_headers:
                outcome = f"missing security headers {missing_headers}"
            elif expected == "login":
                outcome = None if to_login else f"expected redirect to login, got {status} {location}"
            elif expected == "forbidden":
                outcome = None if status == 403 else f"expected 403, got {status} {location}"
            elif expected == "no-org":
                outcome = (None if status == 302 and not to_login
                           else f"expected redirect to register an organisation, got {status}")
            else:
                outcome = None if status != 403 and not to_login else f"expected access, got {status} {location}"
            if outcome:
                problems.append(f"{method} {url} as {visitor[0]} ({access['kind']} {access['roles']}): {outcome}")
    assert checked > 0
    assert problems == [], "\n".join(problems)


def test_staff_routes_exist_for_each_role(app):
    """The matrix is only meaningful if each role has routes of its own."""
    kinds = {}
    for endpoint, view in app.view_functions.items():
        rule = getattr(view, "access_rule", None)
        if rule:
            for role in rule["roles"]:
                kinds.setdefault(role, []).append(endpoint)
    assert "admin" in kinds and "mbo_staff" in kinds


# Routes anyone may open. A new public route must be added here on purpose.
PUBLIC_ENDPOINTS = {
    "main.home", "main.health", "main.accessibility", "main.privacy", "main.favicon", "main.set_language",
    "auth.login", "auth.logout", "auth.register", "auth.verify_email", "auth.resend_verification",
    "auth.forgot_password", "auth.reset_password",
    "api.label", "api.labels", "api.openapi",
    "label.register", "label.verify", "label.verify_qr_png", "label.verify_qr_svg",
    "events.calendar", "events.detail", "events.event_ics", "events.feed", "events.register_public",
    "events.confirm_registration", "events.my_registration", "events.cancel",
    "partners.public_stageplekken", "partners.invitation",
    # A public event registrant's own data, behind the personal link's token (like events.my_registration).
    "privacy.registrant", "privacy.registrant_download", "privacy.registrant_erase",
}

# The most any route of a blueprint may let in (by URL prefix where a blueprint serves several audiences).
ROLE_CEILINGS = [
    ("admin.", {"admin"}),
    ("audit.", {"mbo_staff", "admin"}),
    ("dashboard.", {"mbo_staff", "gemeente", "admin"}),
    ("programme.", {"mbo_staff", "admin"}),
    ("inkoop.", {"inkoop", "gemeente", "admin"}),
    ("partners.", {"mbo_staff", "admin"}),
    ("label.", {"mbo_staff", "admin"}),
    ("events.", {"mbo_staff", "admin"}),
    ("privacy.", {"mbo_staff", "admin"}),
]


def test_public_routes_are_only_the_intended_ones(app):
    public = {e for e, v in app.view_functions.items() if getattr(v, "access_rule", {}).get("kind") == "public"}
    assert public - PUBLIC_ENDPOINTS == set(), "new public routes; add them to PUBLIC_ENDPOINTS only if intended"


def test_role_routes_stay_within_their_audience(app):
    problems = []
    for endpoint, view in app.view_functions.items():
        rule = getattr(view, "access_rule", None)
        if not rule or rule["kind"] != "roles":
            continue
        for prefix, ceiling in ROLE_CEILINGS:
            if endpoint.startswith(prefix) and not set(rule["roles"]) <= ceiling:
                problems.append(f"{endpoint} lets in {set(rule['roles']) - ceiling}")
    assert problems == []


def test_procurement_and_dashboard_are_never_open_to_organisations(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith(("inkoop.", "dashboard.", "audit.", "admin.")):
            assert view.access_rule["kind"] == "roles", endpoint
