"""The partnership: application, approval or refusal by St. MBO with mails, suspension and ending, history."""
import threading
from datetime import date, timedelta

from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.partners import services
from portal.partners.models import Organisation, PartnerStatusChange
from tests.conftest import Mailbox, login


def apply(client, motivation="Wij bieden werk aan inwoners van Crabbehof.", terms="y"):
    data = {"motivation": motivation}
    if terms:
        data["accept_terms"] = terms
    return client.post("/organisatie/partnerschap", data=data)


def test_apply_then_staff_approve_with_mails_and_audit(app, client, make_user, make_org, mailbox):
    owner = make_user(email="eigenaar@crabbehof.example")
    org = make_org(name="Schoonmaak Crabbehof", status="geen", members=[owner])
    login(client, owner.email)

    refused = apply(client, motivation="", terms="")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Vertel kort waarom" in text and "akkoord gaan met de partnervoorwaarden" in text

    assert apply(client).status_code == 302
    db.session.refresh(org)
    assert org.partner_status == "aanvraag" and org.applied_at is not None and org.terms_accepted_at is not None
    assert "ontvangen" in mailbox.last_to(owner.email)["Subject"]

    # Staff see it in the queue and approve it.
    staff = make_user("mbo_staff")
    staff_client = app.test_client()
    login(staff_client, staff.email)
    queue = staff_client.get("/partners/aanvragen").get_data(as_text=True)
    assert "Schoonmaak Crabbehof" in queue
    # Approving is irreversible: the list links to a page that says what will happen; only its POST approves.
    assert f"/partners/{org.id}/goedkeuren" in queue
    response = staff_client.post(f"/partners/{org.id}/status", data={"action": "approve"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/partners/{org.id}/goedkeuren")
    page = staff_client.get(f"/partners/{org.id}/goedkeuren").get_data(as_text=True)
    assert "Als u goedkeurt, gebeurt het volgende" in page and owner.email in page
    db.session.refresh(org)
    assert org.partner_status == "aanvraag"
    assert staff_client.post(f"/partners/{org.id}/goedkeuren", data={}).status_code == 400
    db.session.refresh(org)
    assert org.partner_status == "aanvraag"
    response = staff_client.post(f"/partners/{org.id}/goedkeuren", data={"confirm": "ja"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.partner_status == "partner" and org.partner_since == clock.today()
    mail = mailbox.last_to(owner.email)
    assert mail["Subject"] == "Welkom als partner van St. MBO"
    assert "/organisatie" in Mailbox.text(mail)

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.organisation_id == org.id)).all()
    assert "partnership.applied" in actions and "partnership.approved" in actions
    statuses = [h.status for h in db.session.scalars(select(PartnerStatusChange).where(
        PartnerStatusChange.organisation_id == org.id).order_by(PartnerStatusChange.id))]
    assert statuses == ["aanvraag", "partner"]
    assert "Er wachten geen aanvragen." in staff_client.get("/partners/aanvragen").get_data(as_text=True)


def test_refusal_needs_a_reason_and_mails_it(app, client, make_user, make_org, mailbox):
    owner = make_user()
    org = make_org(status="geen", members=[owner])
    services.apply_for_partnership(org, owner, "Graag.", True)
    db.session.commit()
    login(client, make_user("mbo_staff").email)

    response = client.post(f"/partners/{org.id}/status", data={"action": "refuse", "reason": "  "})
    assert response.status_code == 400
    assert "Geef een reden op" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.partner_status == "aanvraag"

    response = client.post(f"/partners/{org.id}/status",
                           data={"action": "refuse", "reason": "Geen vestiging in de Drechtsteden."})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.partner_status == "geweigerd" and org.status_reason == "Geen vestiging in de Drechtsteden."
    mail = mailbox.last_to(owner.email)
    assert mail["Subject"] == "Uw aanvraag voor het partnerschap"
    assert "Geen vestiging in de Drechtsteden." in Mailbox.text(mail)

    # A refused organisation may apply again.
    services.apply_for_partnership(org, owner, "Nu wel met vestiging.", True)
    db.session.commit()
    assert org.partner_status == "aanvraag"


def test_suspend_reinstate_and_end_with_reasons(client, make_user, make_org, mailbox):
    owner = make_user()
    org = make_org(members=[owner])
    login(client, make_user("mbo_staff").email)
    for action, reason, status, subject in [
        ("suspend", "Afspraken niet nagekomen.", "geschorst", "Uw partnerschap is geschorst"),
        ("reinstate", "", "partner", "Uw partnerschap is hersteld"),
        ("end", "Op eigen verzoek.", "beeindigd", "Uw partnerschap is beëindigd"),
    ]:
        response = client.post(f"/partners/{org.id}/status", data={"action": action, "reason": reason})
        assert response.status_code == 302, action
        db.session.refresh(org)
        assert org.partner_status == status
        assert mailbox.last_to(owner.email)["Subject"] == subject
    # Nothing left to do on an ended partnership: a stale form gets a clear message, not a 500.
    response = client.post(f"/partners/{org.id}/status", data={"action": "suspend", "reason": "x"})
    assert response.status_code == 409
    assert "intussen gewijzigd" in response.get_data(as_text=True)


def test_second_staff_member_approving_gets_a_clear_message(app, make_user, make_org, mailbox):
    owner = make_user()
    org = make_org(status="geen", members=[owner])
    services.apply_for_partnership(org, owner, "Graag.", True)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, make_user("mbo_staff").email)
    login(second, make_user("mbo_staff").email)
    # Both opened the detail page while the application was open.
    assert "Goedkeuren" in first.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Goedkeuren" in second.get(f"/partners/{org.id}").get_data(as_text=True)
    assert first.post(f"/partners/{org.id}/goedkeuren", data={"confirm": "ja"}).status_code == 302
    response = second.post(f"/partners/{org.id}/goedkeuren", data={"confirm": "ja"})
    assert response.status_code == 409
    assert "intussen gewijzigd in ‘Partner’" in response.get_data(as_text=True)
    approvals = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "partnership.approved")).all()
    assert len(approvals) == 1
    assert len([m for m in mailbox.to(owner.email) if m["Subject"] == "Welkom als partner van St. MBO"]) == 1


def test_two_approvals_at_the_same_moment_change_the_status_once(app, make_user, make_org, mailbox):
    owner = make_user()
    org = make_org(status="geen", members=[owner])
    services.apply_for_partnership(org, owner, "Graag.", True)
    db.session.commit()
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        login(c, make_user("mbo_staff").email)
    results = []
    barrier = threading.Barrier(2)

    org_id = org.id
    db.session.commit()  # release this session's SQLite write lock before the two requests race

    def approve(c):
        with app.app_context():
            barrier.wait()
            results.append(c.post(f"/partners/{org_id}/goedkeuren", data={"confirm": "ja"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=approve, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [302, 409]
    assert db.session.scalar(select(db.func.count()).select_from(PartnerStatusChange).where(
        PartnerStatusChange.organisation_id == org_id, PartnerStatusChange.status == "partner")) == 1


def test_partner_status_on_a_past_date(app, make_user, make_org):
    staff = make_user("mbo_staff")
    old = make_org(name="Sinds 2024")  # partner since 2024-01-15 (fixture)
    fresh = make_org(name="Nieuw", status="geen")
    assert services.partner_status_on([old.id, fresh.id], date(2024, 1, 14)) == {old.id: "geen", fresh.id: "geen"}
    assert services.partner_status_on([old.id], date(2024, 1, 15)) == {old.id: "partner"}

    services.suspend_partnership(old, staff, "Even pauze.")
    db.session.commit()
    yesterday = clock.today() - timedelta(days=1)
    assert services.partner_status_on([old.id], yesterday)[old.id] == "partner"
    assert services.partner_status_on([old.id], clock.today())[old.id] == "geschorst"
    everything = services.partner_status_on(None, clock.today())
    assert everything[old.id] == "geschorst" and everything[fresh.id] == "geen"
    assert services.partner_status_on([], clock.today()) == {}


def test_status_history_is_kept_for_orm_changes_too(app, make_org):
    org = make_org(status="aanvraag")
    org.partner_status = "partner"
    org.partner_since = date(2024, 6, 1)
    db.session.commit()
    assert services.partner_status_on([org.id], date(2024, 6, 1))[org.id] == "partner"


def test_ondernemer_cannot_reach_staff_pages(client, login_as, make_org):
    user = login_as()
    org = make_org(members=[user])
    for url in ("/partners", "/partners/aanvragen", f"/partners/{org.id}", "/partners/export.csv",
                "/partners/import"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/partners/{org.id}/status", data={"action": "approve"}).status_code == 403


def test_approving_a_deleted_or_unknown_organisation_is_404(client, login_as):
    login_as("mbo_staff")
    assert client.post("/partners/999999/status", data={"action": "approve"}).status_code == 404
    assert client.get("/partners/999999").status_code == 404


def test_partner_status_changes_keep_orgs_apart(app, make_org):
    a, b = make_org(status="geen"), make_org(status="geen")
    assert db.session.get(Organisation, a.id).partner_status == "geen"
    assert services.partner_status_on([a.id, b.id], clock.today()) == {a.id: "geen", b.id: "geen"}


def test_staff_are_mailed_about_a_new_application(app, client, make_user, make_org, mailbox):
    first = make_user("mbo_staff", email="aanvragen1@stmbo.example")
    second = make_user("mbo_staff", email="aanvragen2@stmbo.example")
    make_user("gemeente", email="gemeente@dordrecht.example")
    owner = make_user(email="eigenaar@merwede.example", name="Eva Eigenaar")
    make_org(name="Werkplaats Merwede", status="geen", members=[owner])
    login(client, owner.email)
    assert apply(client, motivation="Wij bieden vijf werkplekken voor statushouders.").status_code == 302
    for staff in (first, second):
        mail = mailbox.last_to(staff.email)
        assert mail["Subject"] == "Nieuwe aanvraag voor het partnerschap: Werkplaats Merwede"
        text = Mailbox.text(mail)
        assert "vijf werkplekken voor statushouders" in text and "eigenaar@merwede.example" in text
        assert "/partners/aanvragen" in text
    assert mailbox.to("gemeente@dordrecht.example") == []


def test_one_address_for_applications_when_configured(app, client, make_user, make_org, mailbox):
    app.config["PARTNERS_STAFF_EMAIL"] = "partners@stmbo.example"
    staff = make_user("mbo_staff", email="collega@stmbo.example")
    owner = make_user(email="eigenaar@wielwijk.example")
    make_org(name="Bakkerij Wielwijk", status="geen", members=[owner])
    login(client, owner.email)
    assert apply(client).status_code == 302
    assert "Bakkerij Wielwijk" in mailbox.last_to("partners@stmbo.example")["Subject"]
    assert mailbox.to(staff.email) == []
