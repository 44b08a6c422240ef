"""What a procedure allows now is one function: the page offers exactly that, the rules refuse the rest.

Closing early needs a reason (audited); a weight can change until publication; deleting a criterion and
awarding ask for confirmation on a page; a panel member is mailed when added.
"""
from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.inkoop import procedures, sources
from portal.inkoop.models import Procedure
from tests.conftest import Mailbox, login
from tests.inkoop.helpers import make_procedure, open_with_bids


def test_before_the_closing_date_only_early_closing_with_a_reason_is_offered(client, make_user, make_org):
    buyer, chair = make_user("inkoop"), make_user("gemeente")
    closing = sources.today() + timedelta(days=5)
    procedure = make_procedure(buyer, closing_date=closing)
    open_with_bids(procedure, buyer, [(make_org(name="Vroeg BV"), D(100), {})], panel=[chair])
    base = f"/inkoop/procedures/{procedure.id}"
    login(client, buyer.email)
    page = client.get(base).get_data(as_text=True)
    assert "Inschrijving sluiten en labelstatus vastleggen" not in page
    assert f"{base}/vervroegd-sluiten" in page
    assert (procedures.allowed_actions(procedure) >= {"close_early"}
            and "close" not in procedures.allowed_actions(procedure))

    # The plain close is refused with the way out; early closing without a reason is refused at the field.
    page = client.post(f"{base}/status", data={"action": "close"}, follow_redirects=True).get_data(as_text=True)
    assert "Vervroegd sluiten" in page
    response = client.post(f"{base}/vervroegd-sluiten", data={"reason": "  "})
    assert response.status_code == 400 and "Geef de reden om eerder te sluiten." in response.get_data(as_text=True)
    assert db.session.get(Procedure, procedure.id).status == "open"

    response = client.post(f"{base}/vervroegd-sluiten", data={"reason": "Alle drie de genodigden hebben ingeschreven."})
    assert response.status_code == 302
    procedure = db.session.get(Procedure, procedure.id)
    assert procedure.status == "beoordeling" and procedure.closing_date == sources.today()
    assert procedure.bids[0].frozen_on == sources.today()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inkoop.procedure_closed_early"))
    assert "Alle drie de genodigden" in entry.summary and closing.isoformat() in str(entry.changes)


def test_after_the_closing_date_closing_is_offered_not_early_closing(client, make_user, make_org):
    buyer, chair = make_user("inkoop"), make_user("gemeente")
    procedure = make_procedure(buyer)  # closed three days ago
    open_with_bids(procedure, buyer, [(make_org(), D(100), {})], panel=[chair])
    login(client, buyer.email)
    page = client.get(f"/inkoop/procedures/{procedure.id}").get_data(as_text=True)
    assert "Inschrijving sluiten en labelstatus vastleggen" in page and "vervroegd-sluiten" not in page
    response = client.post(f"/inkoop/procedures/{procedure.id}/vervroegd-sluiten", data={"reason": "Waarom niet"})
    assert response.status_code == 400
    assert db.session.get(Procedure, procedure.id).status == "open"


def test_a_weight_can_be_changed_until_publication(client, make_user):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", D(50)), ("quality", D(40))))
    price = procedure.criteria[0]
    base = f"/inkoop/procedures/{procedure.id}"
    login(client, buyer.email)
    assert f"{base}/criteria/{price.id}/gewicht" in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/criteria/{price.id}/gewicht", data={"weight": "0"})
    assert response.status_code == 400
    response = client.post(f"{base}/criteria/{price.id}/gewicht", data={"weight": "60"})
    assert response.status_code == 302
    procedure = db.session.get(Procedure, procedure.id)
    assert procedure.criteria[0].weight == D(60)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inkoop.criterion_weight_changed"))
    assert "50" in str(entry.changes) and "60" in str(entry.changes)
    assert client.post(f"{base}/status", data={"action": "open"}).status_code == 302  # 60 + 40 = 100

    # Published: weights are fixed; the page no longer offers the change and the rule refuses it.
    assert f"{base}/criteria/{price.id}/gewicht" not in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/criteria/{price.id}/gewicht", data={"weight": "70"})
    assert response.status_code == 400 and "liggen de criteria en gewichten vast" in response.get_data(as_text=True)
    assert db.session.get(Procedure, procedure.id).criteria[0].weight == D(60)


def test_deleting_a_criterion_asks_for_confirmation_on_a_page(client, make_user):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer)
    quality = procedure.criteria[1]
    url = f"/inkoop/procedures/{procedure.id}/criteria/{quality.id}/verwijderen"
    login(client, buyer.email)
    page = client.get(url)
    assert page.status_code == 200
    assert "tellen de overige criteria samen op tot 40%" in page.get_data(as_text=True)
    assert client.post(url, data={}).status_code == 400  # a bare POST (the old one-click button) does nothing
    assert len(db.session.get(Procedure, procedure.id).criteria) == 2
    assert client.post(url, data={"confirm": "ja"}).status_code == 302
    assert [c.kind for c in db.session.get(Procedure, procedure.id).criteria] == ["price"]


def test_a_panel_member_is_mailed_when_added(client, make_user, mailbox):
    buyer = make_user("inkoop", name="Ineke Inkoop")
    member = make_user("gemeente", email="beoordelaar@dordrecht.nl")
    procedure = make_procedure(buyer, title="Groenonderhoud Wielwijk")
    login(client, buyer.email)
    response = client.post(f"/inkoop/procedures/{procedure.id}/panel", data={"user_id": member.id, "is_chair": "y"})
    assert response.status_code == 302
    mail = mailbox.last_to(member.email)
    assert "Groenonderhoud Wielwijk" in mail["Subject"]
    text = Mailbox.text(mail)
    assert "als voorzitter" in text and "Ineke Inkoop" in text and f"/inkoop/procedures/{procedure.id}" in text


def test_the_label_check_proof_has_a_print_view_without_script(client, make_user, make_org):
    org = make_org(name="Drukwerk Dordt")
    login(client, make_user("inkoop").email)
    page = client.get(f"/inkoop/labelcheck/{org.id}/bewijs").get_data(as_text=True)
    assert "Afdrukken of opslaan als PDF" in page and "afdruk=1" in page
    printable = client.get(f"/inkoop/labelcheck/{org.id}/bewijs?afdruk=1")
    text = printable.get_data(as_text=True)
    assert printable.status_code == 200 and "Drukwerk Dordt" in text and "Opslaan als PDF" in text
    assert "<script" not in text and 'class="site-header"' not in text and text.count("<h1") == 1


def test_deleting_a_bid_asks_for_confirmation_on_a_page(client, make_user, make_org):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, closing_date=sources.today() + timedelta(days=5))
    bid = open_with_bids(procedure, buyer, [(make_org(name="Weg BV"), D(1234), {})])[0]
    url = f"/inkoop/procedures/{procedure.id}/inschrijvingen/{bid.id}/verwijderen"
    login(client, buyer.email)
    page = client.get(url).get_data(as_text=True)
    assert "Inschrijving van Weg BV verwijderen" in page and "1.234,00" in page
    assert client.post(url, data={}).status_code == 400
    assert len(db.session.get(Procedure, procedure.id).bids) == 1
    assert client.post(url, data={"confirm": "ja"}).status_code == 302
    assert db.session.get(Procedure, procedure.id).bids == []
