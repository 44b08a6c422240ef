"""The registration life cycle through the real SMTP server: register, confirm by link, the confirmation
with its calendar file and QR code, cancel by the personal link, and promotion from the waiting list."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.events import services
from portal.events.models import Event, Registration
from portal.extensions import db
from tests.conftest import Mailbox, login
from tests.events.conftest import attachment, ics_events, path


def register_public(client, event, name="Sanne de Vries", email="sanne@example.nl", **extra):
    data = {"name": name, "email": email, "organisation_name": "Da Vinci College", **extra}
    return client.post(f"/evenementen/{event.id}/inschrijven", data=data)


def confirm_link(mailbox, email):
    return path(Mailbox.link(mailbox.last_to(email), "/bevestigen"))


def test_public_registration_is_confirmed_by_the_mailed_link_with_ics_and_qr(client, make_event, mailbox):
    event = make_event(title="Studentenfestival Drechtsteden", capacity=5)
    response = register_public(client, event)
    assert response.status_code == 200
    assert "Kijk in uw mailbox" in response.get_data(as_text=True)

    # Until the link is followed, nothing is booked: nobody can sign up someone else.
    registration = db.session.scalar(select(Registration).where(Registration.email == "sanne@example.nl"))
    assert registration.status == "pending" and registration.active_key is None
    assert db.session.get(Event, event.id).seats_taken == 0

    mail = mailbox.last_to("sanne@example.nl")
    assert mail["Subject"] == "Bevestig uw aanmelding: Studentenfestival Drechtsteden"
    link = confirm_link(mailbox, "sanne@example.nl")
    page = client.get(link)
    assert page.status_code == 200 and "Ja, ik kom" in page.get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302
    assert "U bent aangemeld." in client.get(response.headers["Location"]).get_data(as_text=True)

    db.session.refresh(registration)
    assert registration.status == "confirmed"
    assert db.session.get(Event, event.id).seats_taken == 1

    mail = mailbox.last_to("sanne@example.nl")
    assert mail["Subject"] == "Aanmelding bevestigd: Studentenfestival Drechtsteden"
    calendar, items = ics_events(mail)
    assert len(items) == 1
    item = items[0]
    assert str(item["summary"]) == "Studentenfestival Drechtsteden"
    assert item.decoded("dtstart") == event.start_at
    assert item.decoded("dtend") == event.end_at
    assert str(item["location"]) == "Stadskantoor Dordrecht"
    assert str(item["uid"]) == f"event-{event.id}@ondernemenmetimpact.nl"
    assert str(calendar["method"]) == "PUBLISH"
    png = attachment(mail, "toegangscode.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # The QR code is exactly the code of this attendee's staff check-in link.
    assert png == services.qr_png(f"http://localhost/evenementen/inchecken/{registration.token}")
    # The personal cancel link is in the mail; the QR code points at the staff check-in of this attendee.
    manage = path(Mailbox.link(mail, "/evenementen/inschrijving/"))
    assert registration.token in manage

    # A second click on the confirmation link changes nothing.
    assert client.post(link).status_code == 302
    assert db.session.get(Event, event.id).seats_taken == 1

    response = client.post(manage + "/afmelden")
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.status == "cancelled" and registration.active_key is None
    assert db.session.get(Event, event.id).seats_taken == 0
    assert mailbox.last_to("sanne@example.nl")["Subject"] == "Afmelding ontvangen: Studentenfestival Drechtsteden"

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "Registration")).all()
    assert {"event.registration_pending", "event.registration_confirmed",
            "event.registration_cancelled"} <= set(actions)
    # The audit log does not hold the public registrant's name or address.
    summaries = " ".join(db.session.scalars(select(AuditEntry.summary)).all())
    assert "sanne@example.nl" not in summaries and "Sanne" not in summaries


def test_cancellation_promotes_the_first_on_the_waiting_list_and_mails_them(app, make_event, mailbox):
    event = make_event(capacity=1)
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    for client, email in ((first, "een@example.nl"), (second, "twee@example.nl"), (third, "drie@example.nl")):
        register_public(client, event, name=email.split("@")[0].title(), email=email)
        client.post(confirm_link(mailbox, email))
    statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {"een@example.nl": "confirmed", "twee@example.nl": "waitlisted",
                        "drie@example.nl": "waitlisted"}
    assert mailbox.last_to("twee@example.nl")["Subject"].startswith("Op de wachtlijst")

    manage = path(Mailbox.link(mailbox.to("een@example.nl")[-1], "/evenementen/inschrijving/"))
    first.post(manage + "/afmelden")

    statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {"een@example.nl": "cancelled", "twee@example.nl": "confirmed",
                        "drie@example.nl": "waitlisted"}
    assert db.session.get(Event, event.id).seats_taken == 1
    promoted = mailbox.last_to("twee@example.nl")
    assert promoted["Subject"] == f"Er is een plek vrij: {event.title}"
    _, items = ics_events(promoted)
    assert str(items[0]["summary"]) == event.title
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "event.registration_promoted")) == 1


def test_member_registers_with_one_click_and_sees_the_state(client, make_event, member, mailbox):
    user, org = member
    event = make_event(audience="partners", capacity=1)
    login(client, user.email)
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "Aanmelden namens Bouwbedrijf De Merwede" in page

    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    assert registration.status == "confirmed" and registration.organisation_id == org.id
    mail = mailbox.last_to(user.email)
    assert mail["Subject"].startswith("Aanmelding bevestigd")
    ics_events(mail)
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "U bent aangemeld." in page and "Afmelden" in page


def test_double_registration_is_refused_politely(client, make_event, member, mailbox):
    user, _org = member
    event = make_event(audience="public")
    login(client, user.email)
    client.post(f"/evenementen/{event.id}/aanmelden")
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 400
    assert "U bent al aangemeld voor dit evenement" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1

    # The same address through the public form: the page looks the same, the mail explains.
    client.post("/account/uitloggen")
    mailbox.clear()
    response = register_public(client, event, name="Petra", email=user.email.upper())
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    mail = mailbox.last_to(user.email)
    assert mail["Subject"].startswith("U bent al aangemeld")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_two_pending_registrations_of_one_address_give_one_seat(app, make_event, mailbox):
    event = make_event()
    a, b = app.test_client(), app.test_client()
    register_public(a, event, email="dubbel@example.nl")
    first_link = confirm_link(mailbox, "dubbel@example.nl")
    register_public(b, event, email="dubbel@example.nl")
    second_link = confirm_link(mailbox, "dubbel@example.nl")
    assert first_link != second_link
    assert a.post(first_link).status_code == 302
    response = b.post(second_link)
    assert response.status_code == 400
    assert "al aangemeld" in response.get_data(as_text=True)
    assert db.session.get(Event, event.id).seats_taken == 1


def test_bad_or_unknown_links_never_fail_the_server(client):
    for url in ("/evenementen/inschrijving/onzin", "/evenementen/inschrijving/onzin/bevestigen",
                "/evenementen/inschrijving/" + "x" * 200):
        assert client.get(url).status_code == 404
    assert client.post("/evenementen/inschrijving/onzin/afmelden").status_code == 404
    assert client.get("/evenementen/999999").status_code == 404


def test_cancel_after_the_start_is_refused(client, make_event, mailbox):
    from portal.events import services

    event = make_event()
    register_public(client, event)
    client.post(confirm_link(mailbox, "sanne@example.nl"))
    registration = db.session.scalar(select(Registration))
    event = db.session.get(Event, event.id)
    event.start_at = event.start_at - timedelta(days=11)
    event.end_at = event.start_at + timedelta(days=2)
    db.session.commit()
    response = client.post(f"/evenementen/inschrijving/{registration.token}/afmelden")
    assert response.status_code == 302
    assert "afmelden kan niet meer" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == "confirmed"
    assert services.event_state(event) == "closed"
