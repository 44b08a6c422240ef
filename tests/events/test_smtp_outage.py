"""Issue 8 fault: the SMTP server is down during event sign-up. The sign-up succeeds, the seat is taken, the mail
waits in the outbox and `flask mail send` delivers it, once, when the server is back."""
from datetime import timedelta

from sqlalchemy import select, update

from portal.database import utcnow
from portal.events.models import Event, Registration
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.conftest import Mailbox, free_port, login
from tests.events.conftest import path


def _smtp(app, port):
    app.config["MAIL_PORT"] = port
    app.extensions["mail"].port = port


def _deliver_when_back(app, mailbox):
    _smtp(app, mailbox.port)
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    return app.test_cli_runner().invoke(args=["mail", "send"]).output


def test_member_sign_up_with_smtp_down(app, client, make_event, member, mailbox):
    user, org = member
    event = make_event(audience="partners", capacity=3)
    login(client, user.email)
    _smtp(app, free_port())  # nothing listens there
    response = client.post(f"/evenementen/{event.id}/aanmelden")
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    assert registration.status == "confirmed" and registration.organisation_id == org.id
    assert db.session.get(Event, event.id).seats_taken == 1
    waiting = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error
    assert mailbox.to(user.email) == []

    assert "sent 1" in _deliver_when_back(app, mailbox)
    assert mailbox.last_to(user.email)["Subject"].startswith("Aanmelding bevestigd")
    assert "sent 0" in _deliver_when_back(app, mailbox)  # never twice
    assert len(mailbox.to(user.email)) == 1


def test_public_sign_up_with_smtp_down_is_confirmed_once_the_mail_arrives(app, client, make_event, mailbox):
    event = make_event(title="Studentenfestival Drechtsteden", capacity=5)
    _smtp(app, free_port())
    response = client.post(f"/evenementen/{event.id}/inschrijven",
                           data={"name": "Sanne de Vries", "email": "sanne@example.nl",
                                 "organisation_name": "Da Vinci College"})
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    registration = db.session.scalar(select(Registration).where(Registration.email == "sanne@example.nl"))
    assert registration.status == "pending"

    assert "sent 1" in _deliver_when_back(app, mailbox)
    link = path(Mailbox.link(mailbox.last_to("sanne@example.nl"), "/bevestigen"))
    assert client.post(link).status_code == 302
    db.session.refresh(registration)
    assert registration.status == "confirmed"
    assert db.session.get(Event, event.id).seats_taken == 1
