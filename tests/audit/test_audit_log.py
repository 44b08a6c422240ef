"""The audit log is append-only and readable, with filters, by staff and admins."""
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry, AuditLogIsAppendOnly
from portal.audit.services import record
from portal.extensions import db
from tests.conftest import login


def test_entries_cannot_be_changed_or_deleted(app, make_user):
    user = make_user()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_id == user.id))
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_record_keeps_who_what_when_and_role(app, make_user):
    staff = make_user("mbo_staff")
    entry = record("test.action", staff, actor=staff, role="mbo_staff", changes={"status": ["a", "b"]})
    db.session.commit()
    assert entry.created_at is not None and entry.actor_email == staff.email
    assert entry.object_type == "User" and entry.object_id == staff.id and entry.acting_role == "mbo_staff"
    assert entry.changes == {"status": ["a", "b"]}


def test_staff_reads_and_filters_the_log(client, make_user):
    staff = make_user("mbo_staff", email="staf@stmbo.nl")
    make_user(email="een@bedrijf.nl")
    login(client, staff.email)
    html = client.get("/beheer/audit/").get_data(as_text=True)
    assert "account.created" in html and "een@bedrijf.nl" in html
    filtered = client.get("/beheer/audit/?action=account.roles").get_data(as_text=True)
    assert "account.created" not in filtered
    bad = client.get("/beheer/audit/?date_from=gisteren&object_id=abc")
    assert bad.status_code == 200


def test_admin_assigns_roles_in_the_ui_with_an_audit_entry(client, make_user):
    admin = make_user("admin")
    target = make_user(email="wordt-staf@stmbo.nl")
    login(client, admin.email)
    response = client.post(f"/beheer/accounts/{target.id}", data={"roles": ["mbo_staff"], "active": "y"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role_names == {"ondernemer", "mbo_staff"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.roles_changed"))
    assert entry.actor_id == admin.id and entry.acting_role == "admin"
    assert entry.changes["roles"] == [["ondernemer"], ["mbo_staff", "ondernemer"]]


def test_admin_cannot_remove_own_admin_role(client, make_user):
    admin = make_user("admin")
    login(client, admin.email)
    response = client.post(f"/beheer/accounts/{admin.id}", data={"roles": ["mbo_staff"], "active": "y"})
    assert response.status_code == 200
    assert "eigen beheerdersrol" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert "admin" in admin.role_names


def test_admin_creates_a_staff_account_which_gets_a_set_password_mail(client, make_user, mailbox):
    admin = make_user("admin")
    login(client, admin.email)
    response = client.post("/beheer/accounts/nieuw", data={"name": "Nieuwe Collega", "email": "collega@stmbo.nl",
                                                           "roles": ["mbo_staff"]})
    assert response.status_code == 302
    mail = mailbox.last_to("collega@stmbo.nl")
    assert "/account/wachtwoord-herstellen/" in mailbox.text(mail)


def test_cli_creates_users_with_roles(runner, app):
    result = runner.invoke(args=["users", "create", "inkoper@dordrecht.nl", "--role", "inkoop"])
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    from portal.auth.services import find_user

    assert find_user("inkoper@dordrecht.nl").role_names == {"ondernemer", "inkoop"}
    again = runner.invoke(args=["users", "create", "inkoper@dordrecht.nl", "--role", "inkoop"])
    assert again.exit_code != 0 and "bestaat al" in again.output
    wrong = runner.invoke(args=["users", "create", "x@dordrecht.nl", "--role", "koning"])
    assert wrong.exit_code != 0


def test_seed_demo_is_refused_in_production(make_app, mailbox):
    app = make_app(PORTAL_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refused" in result.output
