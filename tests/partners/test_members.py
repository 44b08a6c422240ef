"""Members: invitation through the real SMTP server, single-use links, the last-beheerder rule, switching."""
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.extensions import db
from portal.mail.outbox import send_pending
from portal.partners import services
from portal.partners.models import Invitation, Membership
from tests.conftest import Mailbox, login


def path(link):
    parts = urlsplit(link)
    return parts.path


def test_invite_a_colleague_by_mail_and_accept_once(app, client, make_user, make_org, mailbox):
    admin = make_user(email="beheer@merwede.example")
    org = make_org(name="Bouwbedrijf Oude Maas", members=[admin])
    login(client, admin.email)
    response = client.post("/organisatie/leden/uitnodigen", data={"email": "Collega@Merwede.example", "role": "lid"})
    assert response.status_code == 302

    mail = mailbox.last_to("collega@merwede.example")
    assert mail["Subject"] == "Uitnodiging voor Bouwbedrijf Oude Maas in Ondernemen met impact"
    link = path(Mailbox.link(mail, "/uitnodiging/"))

    colleague = make_user(email="collega@merwede.example")
    other = app.test_client()
    # Not signed in: the page explains what to do.
    page = other.get(link)
    assert page.status_code == 200 and "Log in of maak een account aan" in page.get_data(as_text=True)
    login(other, colleague.email)
    assert "Uitnodiging aanvaarden" in other.get(link).get_data(as_text=True)
    response = other.post(link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisatie")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    assert membership.organisation_id == org.id and membership.role == "lid"
    assert "Bouwbedrijf Oude Maas" in other.get("/organisatie").get_data(as_text=True)

    # Single use: the link is dead now.
    response = other.get(link)
    assert response.status_code == 400
    assert "ongeldig, al gebruikt" in response.get_data(as_text=True)
    assert other.post(link).status_code == 400


def test_invitation_for_someone_else_or_forged_is_refused(app, client, make_user, make_org, mailbox):
    admin = make_user()
    org = make_org(members=[admin])
    services.invite_member(org, admin, "bedoeld@voorbeeld.example", "beheerder")
    db.session.commit()
    send_pending()  # rules called outside a request leave mail to the outbox runner
    link = path(Mailbox.link(mailbox.last_to("bedoeld@voorbeeld.example"), "/uitnodiging/"))
    stranger = make_user(email="vreemde@voorbeeld.example")
    login(client, stranger.email)
    response = client.post(link)
    assert response.status_code == 400
    assert "verstuurd naar bedoeld@voorbeeld.example" in response.get_data(as_text=True)
    assert client.get(link + "x").status_code == 400
    assert db.session.scalar(select(Membership).where(Membership.user_id == stranger.id)) is None


def test_a_new_invitation_replaces_the_old_link_and_expired_links_die(app, client, make_user, make_org, mailbox):
    admin = make_user()
    org = make_org(members=[admin])
    services.invite_member(org, admin, "twee@voorbeeld.example", "lid")
    db.session.commit()
    send_pending()
    first = path(Mailbox.link(mailbox.last_to("twee@voorbeeld.example"), "/uitnodiging/"))
    services.invite_member(org, admin, "twee@voorbeeld.example", "lid")
    db.session.commit()
    send_pending()
    second = path(Mailbox.link(mailbox.last_to("twee@voorbeeld.example"), "/uitnodiging/"))
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    app.config["INVITE_TOKEN_MAX_AGE"] = -1
    assert client.get(second).status_code == 400


def test_inviting_a_member_twice_or_a_bad_address_is_refused_at_the_field(client, make_user, make_org):
    admin = make_user(email="beheer@voorbeeld.example")
    make_org(members=[admin])
    login(client, admin.email)
    response = client.post("/organisatie/leden/uitnodigen", data={"email": "beheer@voorbeeld.example", "role": "lid"})
    assert response.status_code == 400 and "al lid van uw organisatie" in response.get_data(as_text=True)
    response = client.post("/organisatie/leden/uitnodigen", data={"email": "geen-adres", "role": "lid"})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(as_text=True)
    response = client.post("/organisatie/leden/uitnodigen", data={"email": "a@b.example", "role": "eigenaar"})
    assert response.status_code == 400


def test_only_a_beheerder_invites(client, make_user, make_org):
    admin, lid = make_user(), make_user()
    make_org(members=[admin, (lid, "lid")])
    login(client, lid.email)
    assert client.get("/organisatie/leden").status_code == 200
    assert client.post("/organisatie/leden/uitnodigen", data={"email": "x@y.example", "role": "lid"}).status_code == 403
    assert client.get("/organisatie/gegevens").status_code == 403


def test_the_last_beheerder_cannot_leave_be_removed_or_demoted(client, make_user, make_org):
    admin, lid = make_user(), make_user()
    org = make_org(members=[admin, (lid, "lid")])
    admin_membership = db.session.scalar(select(Membership).where(Membership.user_id == admin.id))
    admin_membership_id = admin_membership.id
    login(client, admin.email)

    response = client.post("/organisatie/verlaten", follow_redirects=True)
    assert "U bent de laatste beheerder" in response.get_data(as_text=True)
    response = client.post(f"/organisatie/leden/{admin_membership.id}/rol", data={"role": "lid"},
                           follow_redirects=True)
    assert "altijd minstens één beheerder" in response.get_data(as_text=True)
    assert db.session.get(Membership, admin_membership.id).role == "beheerder"

    # Rule level too: removing the last beheerder is refused.
    try:
        services.remove_member(db.session.get(Membership, admin_membership.id), admin)
        raise AssertionError("removing the last beheerder should be refused")
    except services.PartnerError as exc:
        assert "laatste beheerder" in str(exc)
    db.session.rollback()

    # With a second beheerder the first may leave.
    lid_membership = db.session.scalar(select(Membership).where(Membership.user_id == lid.id))
    client.post(f"/organisatie/leden/{lid_membership.id}/rol", data={"role": "beheerder"})
    assert db.session.get(Membership, lid_membership.id).role == "beheerder"
    response = client.post("/organisatie/verlaten")
    assert response.status_code == 302
    assert db.session.get(Membership, admin_membership_id) is None
    assert [m.user_id for m in db.session.scalars(select(Membership).where(Membership.organisation_id == org.id))] \
        == [lid.id]


def test_beheerder_removes_a_member(client, make_user, make_org):
    admin, lid = make_user(), make_user()
    make_org(members=[admin, (lid, "lid")])
    lid_membership_id = db.session.scalar(select(Membership.id).where(Membership.user_id == lid.id))
    login(client, admin.email)
    assert client.post(f"/organisatie/leden/{lid_membership_id}/verwijderen").status_code == 302
    assert db.session.get(Membership, lid_membership_id) is None


def test_a_user_in_two_organisations_switches_between_them(client, make_user, make_org):
    user = make_user()
    first = make_org(name="Eerste Bedrijf", members=[user])
    second = make_org(name="Tweede Bedrijf", members=[(user, "lid")])
    login(client, user.email)
    assert "<h1>Eerste Bedrijf</h1>" in client.get("/organisatie").get_data(as_text=True)
    client.post("/organisatie-wisselen", data={"organisation_id": str(second.id)})
    assert "<h1>Tweede Bedrijf</h1>" in client.get("/organisatie").get_data(as_text=True)
    # In the second organisation the user is lid: no admin pages.
    assert client.get("/organisatie/gegevens").status_code == 403
    client.post("/organisatie-wisselen", data={"organisation_id": str(first.id)})
    assert client.get("/organisatie/gegevens").status_code == 200


def test_revoked_invitation_link_is_dead(client, make_user, make_org, mailbox):
    admin = make_user()
    make_org(members=[admin])
    login(client, admin.email)
    client.post("/organisatie/leden/uitnodigen", data={"email": "weg@voorbeeld.example", "role": "lid"})
    link = path(Mailbox.link(mailbox.last_to("weg@voorbeeld.example"), "/uitnodiging/"))
    invitation = db.session.scalar(select(Invitation))
    assert client.post(f"/organisatie/uitnodigingen/{invitation.id}/intrekken").status_code == 302
    assert client.get(link).status_code == 400
