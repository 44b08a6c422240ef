"""The rules around registration (window, audience) and what staff changes mean for registrants:
change and cancellation mails, reminders exactly once, and the purge that keeps the counts."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.database import utcnow
from portal.events import services
from portal.events.models import Answer, CheckIn, Event, Invitation, Registration, ReminderLog
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.conftest import login
from tests.events.conftest import deliver, ics_events


def public_post(client, event, email="inwoner@example.nl", **extra):
    return client.post(f"/evenementen/{event.id}/inschrijven",
                       data={"name": "Inwoner", "email": email, "organisation_name": "", **extra})


# --------------------------------------------------------------------------- window
def test_registration_before_the_window_opens_is_refused(client, make_event, member, mailbox):
    user, _ = member
    event = make_event(registration_opens_at=utcnow() + timedelta(days=2))
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "Inschrijving nog niet open" in page
    response = public_post(client, event)
    assert response.status_code == 400
    assert "De inschrijving is nog niet open." in response.get_data(as_text=True)
    login(client, user.email)
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 400 and "De inschrijving is nog niet open." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert mailbox.messages == []


def test_registration_after_the_window_closes_is_refused(client, make_event, member):
    user, _ = member
    start = utcnow() + timedelta(days=3)
    event = make_event(start_at=start, registration_closes_at=utcnow() + timedelta(minutes=1))
    event.registration_closes_at = utcnow() - timedelta(minutes=1)  # the deadline has just passed
    db.session.commit()
    assert services.event_state(event) == "closed"
    response = public_post(client, event)
    assert response.status_code == 400 and "De inschrijving is gesloten." in response.get_data(as_text=True)
    login(client, user.email)
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert "De inschrijving is gesloten." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_pending_registration_cannot_be_confirmed_after_the_window(client, make_event, mailbox):
    event = make_event()
    public_post(client, event)
    registration = db.session.scalar(select(Registration))
    event = db.session.get(Event, event.id)
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/evenementen/inschrijving/{registration.token}/bevestigen")
    assert response.status_code == 400 and "De inschrijving is gesloten." in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.status == "pending"


def test_drafts_and_cancelled_events_take_no_registrations(client, make_event, staff):
    draft = make_event(publish=False)
    assert client.get(f"/evenementen/{draft.id}").status_code == 404
    assert public_post(client, draft).status_code == 404
    event = make_event()
    services.cancel_event(event, "", staff)
    db.session.commit()
    response = public_post(client, event)
    assert response.status_code == 400 and "Dit evenement is geannuleerd." in response.get_data(as_text=True)


# --------------------------------------------------------------------------- audience
def test_partner_events_are_for_members_of_partner_organisations(client, app, make_event, make_user, make_org,
                                                                 member, mailbox):
    event = make_event(audience="partners")
    # The public form is refused with a clear message.
    response = public_post(client, event)
    assert response.status_code == 400
    assert "alleen voor partners" in response.get_data(as_text=True)
    # A member of an organisation that is still applying is refused.
    applicant = make_user(email="aanvrager@bedrijf.nl")
    make_org(name="Nog geen partner", status="aanvraag", members=[applicant])
    login(client, applicant.email)
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 400 and "alleen voor partners" in response.get_data(as_text=True)
    # A partner's member is welcome.
    other = app.test_client()
    login(other, member[0].email)
    assert other.post(f"/evenementen/{event.id}/aanmelden").status_code == 302
    assert db.session.scalar(select(Registration.status)) == "confirmed"


def test_invitation_only_events_take_only_invited_addresses(client, app, make_event, staff, member, mailbox):
    user, _ = member
    event = make_event(audience="invitation")
    services.invite(event, ["gast@example.nl"], staff)
    db.session.commit()
    deliver()
    assert mailbox.last_to("gast@example.nl")["Subject"] == f"Uitnodiging: {event.title}"

    # A member who was not invited is told so on the page.
    login(client, user.email)
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 400 and "alleen op uitnodiging" in response.get_data(as_text=True)

    # The public form says the same for everyone; the mail tells an uninvited address why nothing happens.
    anonymous = app.test_client()
    response = public_post(anonymous, event, email="onbekend@example.nl")
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    assert mailbox.last_to("onbekend@example.nl")["Subject"].startswith("Aanmelding niet mogelijk")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0

    public_post(anonymous, event, email="Gast@Example.nl")
    assert mailbox.last_to("gast@example.nl")["Subject"].startswith("Bevestig uw aanmelding")

    services.invite(db.session.get(Event, event.id), [user.email], staff)
    db.session.commit()
    assert client.post(f"/evenementen/{event.id}/aanmelden").status_code == 302


def test_questions_are_asked_and_required_answers_enforced(client, make_event, staff, member):
    user, _ = member
    event = make_event(audience="partners")
    question = services.add_question(event, "Biedt u een werkplek aan een wijkbewoner?", "yesno", "", True, staff)
    db.session.commit()
    login(client, user.email)
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "Biedt u een werkplek aan een wijkbewoner?" in page
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 400 and "Beantwoord deze vraag." in response.get_data(as_text=True)
    response = client.post(f"/evenementen/{event.id}/aanmelden", data={f"q_{question.id}": "ja"})
    assert response.status_code == 302
    assert db.session.scalar(select(Answer.value)) == "ja"


# --------------------------------------------------------------------------- staff changes
def _confirmed_public(event, email):
    registration = services.register_public(event, email.split("@")[0], email)
    services.confirm_public_registration(registration.token)
    return registration


def test_a_change_of_time_or_place_is_mailed_with_a_new_calendar_file(app, make_event, staff, mailbox):
    event = make_event(capacity=1)
    _confirmed_public(event, "eerste@example.nl")
    _confirmed_public(event, "wacht@example.nl")
    db.session.commit()
    deliver()
    mailbox.clear()

    # A new title alone is no reason to mail everyone.
    services.change_event(event, {"title": "Praktijktafel: werven op vaardigheden"}, staff)
    db.session.commit()
    deliver()
    assert mailbox.messages == []

    new_start = event.start_at + timedelta(days=1, hours=2)
    changes = services.change_event(event, {"start_at": new_start, "end_at": new_start + timedelta(hours=2),
                                            "location": "Energiehuis, Dordrecht"}, staff)
    db.session.commit()
    deliver()
    assert set(changes) == {"start_at", "end_at", "location"}
    for email in ("eerste@example.nl", "wacht@example.nl"):
        mail = mailbox.last_to(email)
        assert mail["Subject"] == "Gewijzigd: Praktijktafel: werven op vaardigheden"
        _, items = ics_events(mail)
        assert items[0].decoded("dtstart") == new_start
        assert str(items[0]["location"]) == "Energiehuis, Dordrecht"
        assert int(items[0]["sequence"]) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.changed")
                              .order_by(AuditEntry.id.desc()))
    assert "location" in entry.changes


def test_raising_the_capacity_promotes_the_waiting_list(make_event, staff, mailbox):
    event = make_event(capacity=1)
    _confirmed_public(event, "eerste@example.nl")
    waiting = _confirmed_public(event, "wacht@example.nl")
    assert waiting.status == "waitlisted"
    with pytest.raises(services.EventError):
        services.change_event(event, {"capacity": 0}, staff)
    services.change_event(event, {"capacity": 2}, staff)
    db.session.commit()
    deliver()
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    assert mailbox.last_to("wacht@example.nl")["Subject"].startswith("Er is een plek vrij")


def test_cancelling_an_event_mails_everyone(client, make_event, staff, mailbox):
    event = make_event(capacity=1)
    _confirmed_public(event, "eerste@example.nl")
    _confirmed_public(event, "wacht@example.nl")
    services.register_public(event, "Nog niet bevestigd", "pending@example.nl")
    db.session.commit()
    deliver()
    mailbox.clear()

    login(client, staff.email)
    response = client.post(f"/evenementen/beheer/{event.id}/annuleren", data={"reason": "Te weinig sprekers."})
    assert response.status_code == 302
    for email in ("eerste@example.nl", "wacht@example.nl", "pending@example.nl"):
        mail = mailbox.last_to(email)
        assert mail["Subject"] == f"Geannuleerd: {event.title}"
        assert "Te weinig sprekers." in mail.get_body(preferencelist=("plain",)).get_content()
        calendar, items = ics_events(mail)
        assert str(calendar["method"]) == "CANCEL" and str(items[0]["status"]) == "CANCELLED"
    assert db.session.get(Event, event.id).status == "cancelled"
    assert "Geannuleerd" in client.get("/evenementen/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "event.cancelled")) == 1


# --------------------------------------------------------------------------- cron
def test_reminders_go_out_once(runner, make_event, mailbox):
    soon = make_event(title="HR-tafel", start_at=utcnow() + timedelta(days=1), reminder_days=2)
    later = make_event(title="Studentenfestival", start_at=utcnow() + timedelta(days=20), reminder_days=2)
    for event in (soon, later):
        _confirmed_public(event, "deelnemer@example.nl")
    services.register_public(soon, "Onbevestigd", "pending@example.nl")
    db.session.commit()
    deliver()
    mailbox.clear()

    result = runner.invoke(args=["events", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s)" in result.output
    deliver()
    reminders = [m for m in mailbox.to("deelnemer@example.nl") if m["Subject"].startswith("Herinnering")]
    assert [m["Subject"] for m in reminders] == ["Herinnering: HR-tafel"]
    body = reminders[0].get_body(preferencelist=("plain",)).get_content()
    assert "/evenementen/inschrijving/" in body
    # Sent from cron, shown in Dordrecht time all the same.
    assert services.to_local(soon.start_at).strftime("%H:%M") in body
    assert mailbox.to("pending@example.nl") == []

    result = runner.invoke(args=["events", "remind"])
    assert "0 reminder(s)" in result.output
    deliver()
    assert len([m for m in mailbox.to("deelnemer@example.nl") if m["Subject"].startswith("Herinnering")]) == 1
    assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "events-reminder")) == 1


def test_purge_removes_public_personal_data_and_keeps_the_counts(app, runner, make_event, member, staff):
    user, org = member
    event = make_event(title="Studentenfestival 2024")
    services.change_event(event, {"audience": "invitation"}, staff)
    services.invite(event, ["sanne@example.nl", "nooit@example.nl", user.email], staff)
    question = services.add_question(event, "Dieetwensen", "text", "", False, staff)
    public = services.register_public(event, "Sanne de Vries", "sanne@example.nl", "Da Vinci College",
                                      {question.id: "vegetarisch"})
    services.confirm_public_registration(public.token)
    services.register_member(event, user, org)
    services.register_public(event, "Nooit bevestigd", "nooit@example.nl")
    services.check_in(public, staff)
    recent = make_event(title="Recent")
    services.register_public(recent, "Recent Iemand", "recent@example.nl")
    db.session.commit()
    before = services.counts_for([event.id])[event.id]

    # The event took place eight months ago; EVENT_PURGE_MONTHS is six.
    event = db.session.get(Event, event.id)
    event.start_at = utcnow() - timedelta(days=240)
    event.end_at = event.start_at + timedelta(hours=3)
    db.session.commit()
    app.config["EVENT_PURGE_MONTHS"] = 6

    result = runner.invoke(args=["events", "purge"])
    assert result.exit_code == 0, result.output
    assert "purged 2 registration(s) of 1 event(s)" in result.output

    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)
                              .order_by(Registration.id)).all()
    public_rows = [r for r in rows if r.user_id is None]
    assert all(r.name == "" and r.email == "" and r.organisation_name == "" and r.anonymised_at
               for r in public_rows)
    member_row = next(r for r in rows if r.user_id == user.id)
    assert member_row.email == user.email  # members keep their registration history
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert services.counts_for([event.id])[event.id] == before
    # The personal link of a purged registration is dead.
    assert services.registration_for_token(public.token) is None
    # Recent events are untouched and a second run does nothing.
    assert db.session.scalar(select(Registration.email).where(Registration.event_id == recent.id)) == \
        "recent@example.nl"
    assert "purged 0 registration(s) of 0 event(s)" in runner.invoke(args=["events", "purge"]).output
