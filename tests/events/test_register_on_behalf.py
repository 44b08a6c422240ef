"""St. MBO registers someone on their behalf: a seat (or the waiting list) at once, the mail to that person."""
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.database import utcnow
from portal.events.models import Event, Registration
from portal.extensions import db
from tests.conftest import Mailbox, login


def _add(client, event, **data):
    values = {"aanmelden-name": "Jan Bellers", "aanmelden-email": "jan@example.nl",
              "aanmelden-organisation_name": "Bellers BV"}
    values.update({f"aanmelden-{k}": v for k, v in data.items()})
    return client.post(f"/evenementen/beheer/{event.id}/deelnemers/aanmelden", data=values, follow_redirects=True)


def test_staff_register_a_caller_who_gets_the_confirmation(client, make_event, staff, mailbox):
    event = make_event(title="HR-tafel", capacity=1)
    login(client, staff.email)
    assert "Iemand aanmelden" in client.get(f"/evenementen/beheer/{event.id}/deelnemers").get_data(as_text=True)
    page = _add(client, event).get_data(as_text=True)
    assert "Jan Bellers is aangemeld" in page
    registration = db.session.scalar(select(Registration).where(Registration.email == "jan@example.nl"))
    assert registration.status == "confirmed" and registration.organisation_name == "Bellers BV"
    assert db.session.get(Event, event.id).seats_taken == 1
    mail = mailbox.last_to("jan@example.nl")
    assert mail["Subject"] == "Aanmelding bevestigd: HR-tafel"
    assert "/evenementen/aanmelding/" in Mailbox.text(mail) or registration.token in Mailbox.text(mail)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.registration_confirmed"))
    assert entry.actor_id == staff.id and "aangemeld door St. MBO" in entry.summary

    # Full: the next caller goes on the waiting list; the same address twice is refused at the field.
    page = _add(client, event, name="Els", email="els@example.nl").get_data(as_text=True)
    assert "staat op de wachtlijst" in page
    page = _add(client, event).get_data(as_text=True)
    assert "jan@example.nl is al aangemeld" in page
    assert db.session.scalar(select(Registration).where(Registration.email == "els@example.nl")).status == "waitlisted"


def test_an_account_is_linked_to_its_organisation(client, make_event, staff, member, mailbox):
    user, org = member
    event = make_event(audience="invitation")
    login(client, staff.email)
    _add(client, event, name=user.name, email=user.email.upper(), organisation_name="")
    registration = db.session.scalar(select(Registration).where(Registration.event_id == event.id))
    assert (registration.user_id, registration.organisation_id) == (user.id, org.id)
    assert registration.organisation_name == org.name and registration.status == "confirmed"


def test_not_after_the_start_and_not_for_others(app, client, make_event, staff, make_user):
    event = make_event()
    db.session.get(Event, event.id).start_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(client, staff.email)
    assert "Iemand aanmelden" not in client.get(f"/evenementen/beheer/{event.id}/deelnemers").get_data(as_text=True)
    assert "al begonnen" in _add(client, event).get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None
    other = app.test_client()
    login(other, make_user("ondernemer").email)
    assert other.post(f"/evenementen/beheer/{event.id}/deelnemers/aanmelden", data={}).status_code == 403
