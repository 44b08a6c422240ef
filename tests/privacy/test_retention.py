"""The retention schedule, enforced by run_retention(today) (on SQLite and, with TEST_DATABASE_URL, PostgreSQL)."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.auth.models import User
from portal.auth.services import register_user
from portal.clock import today
from portal.database import utcnow
from portal.events import services as events
from portal.events.models import Registration
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import send_pending
from portal.partners import services as partners
from portal.partners.models import Organisation
from portal.privacy.retention import run_retention


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_each_kind_of_data_goes_after_its_term_and_only_then(app, make_user, make_org, runner):
    start = today()
    staff = make_user("mbo_staff")
    kept_user = make_user("ondernemer", email="bevestigd@example.nl")
    with app.test_request_context("/"):
        register_user("nooit.bevestigd@example.nl", "Groene-kikker-springt-2026", name="Nooit Bevestigd")
        applicant = make_user("ondernemer", name="Aanvrager Test")
        org = make_org(name="Afgewezen BV", status="geen", members=[applicant], contact_name="Cora Contact",
                       contact_email="cora@example.nl", contact_phone="078-1234567")
        partners.apply_for_partnership(org, applicant, "Wij willen graag meedoen.", True)
        partners.refuse_partnership(org, staff, "Past niet in het programma.")
        begins = utcnow().replace(microsecond=0) + timedelta(days=3)
        event = events.create_event({"title": "Wijk naar Werk", "kind": "workshop", "description": "",
                                     "start_at": begins, "end_at": begins + timedelta(hours=2), "location": "",
                                     "capacity": 10, "audience": "public", "registration_opens_at": None,
                                     "registration_closes_at": None, "reminder_days": 2}, staff)
        events.publish_event(event, staff)
        registration = events.register_public(event, "Piet Publiek", "piet@example.nl")
        record("inkoop.procedure_created", object_type="Procedure", object_id=1, summary="Bedrijfsafval")
    db.session.commit()
    send_pending()
    assert _count(OutboxMessage, OutboxMessage.status == "sent") >= 3

    # Nothing is due yet.
    first = run_retention(start)
    db.session.commit()
    assert set(first.values()) == {0}

    # After 31 days: the unconfirmed account and the delivered mail bodies.
    result = run_retention(start + timedelta(days=31))
    db.session.commit()
    assert result["unverified_accounts"] == 1 and result["mail_bodies"] >= 3
    assert db.session.scalar(select(User).where(User.email == "nooit.bevestigd@example.nl")) is None
    assert db.session.get(User, kept_user.id) is not None
    assert _count(OutboxMessage, OutboxMessage.body_text != "", OutboxMessage.status == "sent") == 0
    assert _count(AuditEntry, AuditEntry.summary.contains("nooit.bevestigd")) == 0
    assert db.session.get(Registration, registration.id).email == "piet@example.nl"

    # The same day again changes nothing.
    assert set(run_retention(start + timedelta(days=31)).values()) == {0}

    # Six months after the event: the public registrant.
    result = run_retention(start + timedelta(days=7 * 31))
    db.session.commit()
    assert result["event_registrants"] == 1
    assert db.session.get(Registration, registration.id).email == ""

    # Twelve months: the refused application's motivation and contact person; the mail rows.
    result = run_retention(start + timedelta(days=13 * 31))
    db.session.commit()
    assert result["rejected_applications"] == 1 and result["mail_rows"] >= 3
    org = db.session.get(Organisation, org.id)
    assert (org.motivation, org.contact_name, org.contact_email, org.contact_phone) == ("", "", "", "")
    assert org.name == "Afgewezen BV" and org.partner_status == "geweigerd"

    # Seven years: the audit log, except procurement (kept as the Archiefwet requires).
    result = runner.invoke(args=["privacy", "retention", "--date", (start + timedelta(days=7 * 366 + 1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "audit_entries" in result.output
    assert _count(AuditEntry, AuditEntry.action == "inkoop.procedure_created") == 1
    assert _count(AuditEntry, AuditEntry.action == "partnership.refused") == 0
    assert _count(AuditEntry, AuditEntry.action == "privacy.retention") >= 1  # the run of that day


def test_the_privacy_page_and_the_register_show_the_configured_terms(app, client, login_as):
    app.config["PRIVACY_OUTBOX_BODY_DAYS"] = 45
    page = client.get("/privacy").get_data(as_text=True)
    assert "45 dagen" in page and "6 maanden" in page and "Archiefwet" in page
    assert client.get("/privacy/verwerkingsregister").status_code == 302  # staff only
    login_as("mbo_staff")
    register = client.get("/privacy/verwerkingsregister").get_data(as_text=True)
    assert "Verwerkingsregister" in register and "45 dagen" in register and "Grondslag" in register
