"""Self-registration of an organisation, validation at the field, and a duplicate KvK leading to a join request."""
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.partners.models import JoinRequest, Membership, Municipality, Organisation
from portal.partners.reference import ensure_municipalities
from tests.conftest import Mailbox, login


def org_form(**overrides):
    ensure_municipalities()
    db.session.commit()
    dordrecht = db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))
    data = {
        "org-name": "Installatietechniek Wantij", "org-kvk": "24 12 34 56", "org-street": "Wantijkade 3",
        "org-postcode": "3312ab", "org-city": "Dordrecht", "org-municipality_id": str(dordrecht.id),
        "org-sector": "installatietechniek", "org-size_class": "10-49", "org-website": "wantij.example",
        "org-contact_name": "Fatima el Amrani", "org-contact_phone": "078 123 4567",
        "org-contact_email": "info@wantij.example",
    }
    data.update(overrides)
    return data


def test_register_an_organisation_with_valid_kvk_and_postcode(client, login_as):
    user = login_as("ondernemer")
    response = client.post("/organisatie/aanmelden", data=org_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisatie/partnerschap")

    org = db.session.scalar(select(Organisation).where(Organisation.kvk == "24123456"))
    assert org is not None
    assert org.postcode == "3312 AB"
    assert org.website == "https://wantij.example"
    assert org.partner_status == "geen"
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == org.id))
    assert membership.user_id == user.id and membership.role == "beheerder"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.registered",
                                                      AuditEntry.organisation_id == org.id)) is not None
    home = client.get("/organisatie")
    assert home.status_code == 200
    assert "Installatietechniek Wantij" in home.get_data(as_text=True)


def test_bad_kvk_and_postcode_are_shown_at_the_field(client, login_as):
    login_as("ondernemer")
    for field, value, message in [
        ("org-kvk", "1234", "Een KvK-nummer heeft 8 cijfers."),
        ("org-kvk", "12ab5678", "Een KvK-nummer bestaat alleen uit cijfers."),
        ("org-kvk", "", "Vul een KvK-nummer in."),
        ("org-postcode", "123", "Vul een geldige postcode in"),
        ("org-postcode", "0123 AB", "Vul een geldige postcode in"),
        ("org-municipality_id", "99999", "Ongeldige keuze."),
        ("org-municipality_id", "abc", ""),
    ]:
        response = client.post("/organisatie/aanmelden", data=org_form(**{field: value}))
        text = response.get_data(as_text=True)
        assert response.status_code == 400, (field, value)
        assert 'aria-invalid="true"' in text and "Er is een probleem" in text
        assert message in text, (field, value)
    assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == 0


def test_duplicate_kvk_becomes_a_join_request_that_the_beheerder_accepts(client, app, make_user, make_org, mailbox):
    owner = make_user(email="eigenaar@wantij.example")
    org = make_org(name="Installatietechniek Wantij", kvk="24123456", members=[owner])
    newcomer = make_user(email="nieuw@wantij.example")
    login(client, newcomer.email)

    response = client.post("/organisatie/aanmelden", data=org_form(**{"org-kvk": "24123456"}))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lid worden van Installatietechniek Wantij" in text
    assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == 1

    response = client.post("/organisatie/aansluiten", data={"join-kvk": "24123456", "join-message": "Ik ben HR."})
    assert response.status_code == 302
    join = db.session.scalar(select(JoinRequest))
    assert join.status == "open" and join.user_id == newcomer.id
    mail = mailbox.last_to(owner.email)
    assert "Verzoek om lid te worden" in mail["Subject"]
    assert "Ik ben HR." in Mailbox.text(mail)

    # Asking twice is refused at the page.
    again = client.post("/organisatie/aansluiten", data={"join-kvk": "24123456"})
    assert again.status_code == 400 and "al gevraagd" in again.get_data(as_text=True)

    client.post("/account/uitloggen")
    login(client, owner.email)
    page = client.get("/organisatie/leden").get_data(as_text=True)
    assert "nieuw@wantij.example" in page
    response = client.post(f"/organisatie/verzoeken/{join.id}", data={"decision": "accept"})
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.organisation_id == org.id and membership.role == "lid"
    assert "U bent lid van" in mailbox.last_to(newcomer.email)["Subject"]

    # A second decision on the same request is refused with a message.
    response = client.post(f"/organisatie/verzoeken/{join.id}", data={"decision": "refuse"}, follow_redirects=True)
    assert "Over dit verzoek is al beslist." in response.get_data(as_text=True)


def test_join_request_can_be_refused(client, make_user, make_org, mailbox):
    from portal.partners import services

    owner = make_user()
    org = make_org(members=[owner])
    asker = make_user()
    join = services.request_to_join(asker, org, "")
    db.session.commit()
    login(client, owner.email)
    client.post(f"/organisatie/verzoeken/{join.id}", data={"decision": "refuse", "reason": "Onbekend bij ons."})
    db.session.refresh(join)
    assert join.status == "geweigerd"
    assert db.session.scalar(select(Membership).where(Membership.user_id == asker.id)) is None
    assert "Onbekend bij ons." in Mailbox.text(mailbox.last_to(asker.email))


def test_join_request_for_an_unknown_kvk_says_so(client, login_as):
    login_as()
    response = client.post("/organisatie/aansluiten", data={"join-kvk": "87654321"})
    assert response.status_code == 400
    assert "Er is geen organisatie met dit KvK-nummer" in response.get_data(as_text=True)


def test_ensure_municipalities_is_idempotent_with_label_dates(app):
    from datetime import date

    first = ensure_municipalities()
    second = ensure_municipalities()
    db.session.commit()
    assert set(first) == set(second) and len(second) == 7
    assert db.session.scalar(select(db.func.count()).select_from(Municipality)) == 7
    # Dordrecht takes part from the start, Zwijndrecht and Sliedrecht from 2025; the others not (yet).
    assert (second["Dordrecht"].joins_on, second["Dordrecht"].active) == (None, True)
    assert (second["Zwijndrecht"].joins_on, second["Zwijndrecht"].active) == (date(2025, 1, 1), True)
    assert (second["Sliedrecht"].joins_on, second["Sliedrecht"].active) == (date(2025, 1, 1), True)
    assert second["Papendrecht"].active is False


def test_pages_need_an_organisation_or_a_login(client, login_as):
    assert client.get("/organisatie").status_code == 302
    login_as()
    response = client.get("/organisatie")
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisatie/aanmelden")
    assert client.get("/organisatie/aanmelden").status_code == 200


def test_a_seven_digit_kvk_is_refused_never_padded(client, login_as, make_org):
    """Registration and the join request refuse 7 digits (a dropped digit would name another organisation)."""
    login_as("ondernemer")
    make_org(name="Nul Vooraan BV", kvk="01234567")
    response = client.post("/organisatie/aanmelden", data=org_form(**{"org-kvk": "1234567"}))
    assert response.status_code == 400
    assert "Een KvK-nummer heeft 8 cijfers." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == 1
    # A join request with 7 digits does not find the organisation whose number starts with a 0.
    response = client.post("/organisatie/aansluiten", data={"join-kvk": "1234567"})
    assert response.status_code == 400
    assert "Een KvK-nummer heeft 8 cijfers." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(JoinRequest)) == 0
