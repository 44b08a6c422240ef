"""The right next step per person (issue 15): start pages and menus follow the role, an invited colleague is shown
the invitation, St. MBO sees what waits, and the organisation page tells the truth before and after approval."""
import re
from datetime import timedelta

from portal.database import utcnow
from portal.events import services as events
from portal.extensions import db
from portal.partners import services as partners
from portal.partners.models import Organisation
from tests.conftest import login
from tests.querycount import count_queries

REGISTER_NEXT = "Volgende stap: meld uw organisatie aan"


def test_inkoop_and_gemeente_are_not_sent_to_register_an_organisation(app, client, make_user):
    for role in ("inkoop", "gemeente"):
        user = make_user(role, email=f"{role}@gemeente.nl")
        login(client, user.email)
        page = client.get("/").get_data(as_text=True)
        assert REGISTER_NEXT not in page and 'href="/organisatie/aanmelden"' not in page, role
        assert "labelcheck" in page  # their own next step
        client.post("/account/uitloggen")
    ondernemer = make_user("ondernemer", email="nieuw@bedrijf.nl")
    login(client, ondernemer.email)
    page = client.get("/").get_data(as_text=True)
    assert REGISTER_NEXT in page and 'href="/organisatie/aanmelden"' in page


def test_an_invited_colleague_sees_the_invitation_not_registration(app, client, make_user, make_org):
    admin = make_user("ondernemer", email="baas@schilder.nl")
    org = make_org(name="Schilder B.V.", members=[admin])
    invitation = partners.invite_member(org, admin, "collega@schilder.nl", "lid")
    db.session.commit()
    token = partners._invitation_token(invitation)

    # The invitation page's "Account aanmaken" carries the invitation and fills in the address.
    page = client.get(f"/uitnodiging/{token}").get_data(as_text=True)
    assert f"/account/registreren?uitnodiging={token}" in page
    assert "als lid mee te werken" in page  # the role in lower case inside the sentence
    form = client.get(f"/account/registreren?uitnodiging={token}").get_data(as_text=True)
    assert 'value="collega@schilder.nl"' in form

    colleague = make_user("ondernemer", email="collega@schilder.nl")
    login(client, colleague.email)
    home = client.get("/").get_data(as_text=True)
    assert REGISTER_NEXT not in home
    assert "Uitnodiging van Schilder B.V. bekijken en aanvaarden" in home
    link = re.search(r'href="(/uitnodiging/[^"]+)"', home).group(1)
    assert "Uitnodiging aanvaarden" in client.get(link).get_data(as_text=True)
    # Accepting works the first time: one POST on the page the start page links to.
    response = client.post(link)
    assert response.status_code == 302
    assert [m.organisation_id for m in db.session.get(type(colleague), colleague.id).memberships] == [org.id]


def test_st_mbo_start_page_shows_what_waits_in_fixed_queries(app, client, make_user, make_org):
    staff = make_user("mbo_staff", email="staf@stmbo.nl")
    applicant = make_user("ondernemer", email="aanvrager@bedrijf.nl")
    org = make_org(name="Aanvrager", status="geen", members=[applicant])
    org = db.session.get(Organisation, org.id)
    org.partner_status, org.applied_at = "aanvraag", utcnow() - timedelta(days=9)
    start = utcnow().replace(microsecond=0) + timedelta(minutes=5)
    event = events.create_event({
        "title": "Ontbijtsessie vandaag", "kind": "praktijktafel", "description": "", "start_at": start,
        "end_at": start + timedelta(hours=1), "location": "Dordrecht", "capacity": 10, "audience": "public",
        "registration_opens_at": None, "registration_closes_at": None, "reminder_days": 2}, staff)
    events.publish_event(event, staff)
    db.session.commit()
    login(client, staff.email)
    client.get("/")  # warm up the session's membership and role lookups
    with count_queries() as few:
        page = client.get("/").get_data(as_text=True)
    assert "Wat op u wacht" in page
    assert "1 aanvraag voor partnerschap" in page and "de oudste wacht 9 dagen" in page
    assert "0 zelfscans wachten op beoordeling" in page
    assert "Ontbijtsessie vandaag" in page

    more = make_user("ondernemer", email="tweede@bedrijf.nl")
    second = make_org(name="Tweede aanvrager", status="aanvraag", members=[more])
    second.applied_at = utcnow() - timedelta(days=2)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert "2 aanvragen voor partnerschap" in page and "de oudste wacht 9 dagen" in page
    assert many.count == few.count


def test_before_approval_the_organisation_page_does_not_offer_the_zelfscan(app, client, make_user, make_org):
    user = make_user("ondernemer", email="wacht@bedrijf.nl")
    org = make_org(name="Wachtend Bedrijf", status="aanvraag", members=[user])
    org.applied_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login(client, user.email)
    page = client.get("/organisatie").get_data(as_text=True)
    assert 'href="/label/zelfscan"' not in page  # neither the menu nor the page sends it there
    assert "Uw aanvraag wacht op St. MBO sinds" in page


def test_events_card_shows_attendance_and_the_organisations_registrations(app, client, make_user, make_org):
    staff = make_user("mbo_staff", email="staf2@stmbo.nl")
    user = make_user("ondernemer", email="lid@partner.nl")
    org = make_org(name="Aangemeld Bedrijf", members=[user])
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    data = {"kind": "praktijktafel", "description": "", "start_at": start, "end_at": start + timedelta(hours=2),
            "location": "Dordrecht", "capacity": 10, "audience": "public", "registration_opens_at": None,
            "registration_closes_at": None, "reminder_days": 2}
    mine = events.create_event({"title": "Praktijktafel werven", **data}, staff)
    other = events.create_event({"title": "Netwerkborrel", **data}, staff)
    events.publish_event(mine, staff)
    events.publish_event(other, staff)
    db.session.commit()
    events.register_member(mine, user, org)
    db.session.commit()
    login(client, user.email)
    page = client.get("/organisatie").get_data(as_text=True)
    assert "Uw organisatie was 0 keer aanwezig" in page
    assert "Uw aanmeldingen" in page and "Praktijktafel werven" in page and "1 aangemeld" in page
    assert "Netwerkborrel" in page
    assert "Er staan nu geen evenementen gepland" not in page


def test_ondernemer_menu_has_one_stageplekken_item_of_each_kind(app, client, make_user, make_org):
    user = make_user("ondernemer", email="menu@partner.nl")
    make_org(name="Menu Bedrijf", members=[user])
    login(client, user.email)
    page = client.get("/organisatie").get_data(as_text=True)
    nav = page.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    assert nav.count(">Stageplekken<") == 1 and nav.count(">Onze stageplekken<") == 1


def test_words_plurals_codes_and_full_stops(app, client, make_user, make_org):
    from portal.codes import code_label
    from portal.i18n import one_stop

    assert code_label("stageplek.created") == "Stageplek toegevoegd"
    assert code_label("iets.nieuws_gedaan") == "Iets nieuws gedaan"  # never the raw code
    assert (one_stop("Welkom bij Bouw B.V..") == "Welkom bij Bouw B.V."
            and one_stop("Even wachten...") == "Even wachten...")

    # A too-short password is flagged together with the mismatch.
    page = client.post("/account/registreren", data={"name": "Kort", "email": "kort@bedrijf.nl",
                                                     "password": "kort", "password2": "anders"})
    text = page.get_data(as_text=True)
    assert "Kies een wachtwoord van minstens 10 tekens." in text and "De wachtwoorden zijn niet gelijk." in text

    # The partner log on the staff page shows labels, and the contract type by its name.
    staff = make_user("mbo_staff", email="log@stmbo.nl")
    user = make_user("ondernemer", email="stage@partner.nl")
    org = make_org(name="Log B.V.", members=[user])
    partners.save_stageplek(org, user, {
        "title": "BBL monteur", "education_level": "mbo2", "stage_type": "bbl", "field": "techniek", "places": 1,
        "places_filled": 0, "period_start": None, "period_end": None, "school": "", "sbb_recognised": True,
        "published": False, "description": ""})
    db.session.commit()
    login(client, staff.email)
    page = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Stageplek toegevoegd" in page and "stageplek.created" not in page
