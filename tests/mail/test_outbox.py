"""The outbox: mail is stored with the action, survives an SMTP outage, is retried with backoff and
delivered exactly once."""
from datetime import timedelta

from sqlalchemy import select, update

from portal.database import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import _claim, deliver, queue_mail, send_pending
from tests.conftest import PASSWORD, free_port


def register(client, email="nieuw@bedrijf.nl"):
    return client.post("/account/registreren", data={"name": "N", "email": email, "password": PASSWORD,
                                                     "password2": PASSWORD})


def make_due():
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_smtp_down_never_fails_the_action_and_mail_is_delivered_later(make_app, smtp_server):
    smtp_server.clear()
    app = make_app(MAIL_PORT=free_port())  # nothing listens there: the SMTP server is "down"
    client = app.test_client()
    response = register(client)
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)

    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.attempts == 1 and "Connection refused" in row.last_error
        assert row.next_attempt_at > utcnow()
        # Not yet due: the cron run leaves it alone.
        assert send_pending() == {"sent": 0, "failed": 0, "skipped": 0}

    # The server is back; cron runs `flask mail send` once the retry is due.
    app.config["MAIL_PORT"] = smtp_server.port
    app.extensions["mail"].port = smtp_server.port
    with app.app_context():
        make_due()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "sent 1, failed 0" in result.output
    assert smtp_server.last_to("nieuw@bedrijf.nl")["Subject"] == "Bevestig uw e-mailadres"
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "sent" and row.sent_at is not None and row.attempts == 2
        # Sending again delivers nothing twice.
        make_due()
        assert send_pending()["sent"] == 0
    assert len(smtp_server.to("nieuw@bedrijf.nl")) == 1


def test_backoff_grows_and_gives_up_after_max_attempts(make_app, smtp_server):
    app = make_app(MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=3)
    with app.app_context():
        message = queue_mail("x@bedrijf.nl", "Onderwerp", "auth/password_changed",
                             user=type("U", (), {"name": "X", "email": "x@bedrijf.nl"})())
        db.session.commit()
        delays = []
        for _ in range(3):
            make_due()
            before = utcnow()
            deliver([message.id])
            db.session.refresh(message)
            delays.append(message.next_attempt_at - before)
        assert message.status == "failed" and message.attempts == 3
        assert delays[1] > delays[0]


def test_mail_of_a_rolled_back_action_is_never_stored_or_sent(app, smtp_server):
    smtp_server.clear()
    queue_mail("weg@bedrijf.nl", "Onderwerp", "auth/password_changed",
               user=type("U", (), {"name": "X", "email": "x"})())
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage)) is None
    assert send_pending()["sent"] == 0
    assert smtp_server.to("weg@bedrijf.nl") == []


def test_a_claimed_message_is_not_sent_by_a_second_sender(app, smtp_server):
    smtp_server.clear()
    message = queue_mail("een@bedrijf.nl", "Onderwerp", "auth/password_changed",
                         user=type("U", (), {"name": "X", "email": "x"})())
    db.session.commit()
    assert _claim(message.id) is True      # sender one holds it
    assert deliver([message.id]) == {"sent": 0, "failed": 0, "skipped": 1}   # sender two skips it
    assert smtp_server.to("een@bedrijf.nl") == []


def test_attachments_arrive_intact(app, smtp_server):
    smtp_server.clear()
    payload = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = queue_mail("bijlage@bedrijf.nl", "Met bijlage", "auth/password_changed",
                         user=type("U", (), {"name": "X", "email": "x"})(),
                         attachments=[{"filename": "afspraak.ics", "content_type": "text/calendar", "data": payload}])
    db.session.commit()
    assert deliver([message.id])["sent"] == 1
    received = smtp_server.last_to("bijlage@bedrijf.nl")
    parts = [p for p in received.iter_attachments()]
    assert parts[0].get_filename() == "afspraak.ics"
    assert parts[0].get_payload(decode=True) == payload


def test_admin_sees_failed_mail_and_sends_it_again(make_app, smtp_server, make_user):
    smtp_server.clear()
    app = make_app(MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=1)
    client = app.test_client()
    register(client, email="kwijt@bedrijf.nl")
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "kwijt@bedrijf.nl"))
        assert row.status == "failed"
        row_id = row.id
        admin = make_user("admin")
        admin_email = admin.email
    from tests.conftest import login

    login(client, admin_email)
    page = client.get("/beheer/outbox").get_data(as_text=True)
    assert "kwijt@bedrijf.nl" in page and "Connection refused" in page
    app.config["MAIL_PORT"] = smtp_server.port
    app.extensions["mail"].port = smtp_server.port
    response = client.post(f"/beheer/outbox/{row_id}/opnieuw")
    assert response.status_code == 302
    assert smtp_server.last_to("kwijt@bedrijf.nl")["Subject"] == "Bevestig uw e-mailadres"
