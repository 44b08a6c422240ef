"""SROI obligations: promised share of the contract value against the social value the winner logs after award."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.impact import sroi
from portal.impact.errors import ImpactError
from portal.impact.models import SroiObligation
from tests.conftest import login
from tests.impact.conftest import log_job
from tests.inkoop.helpers import make_procedure, open_with_bids
from tests.querycount import count_queries


def awarded_procedure(make_user, make_org, *, award_day, title="Groenonderhoud gemeentelijke parken", promised=None):
    from portal.inkoop import procedures

    buyer = make_user("inkoop")
    owner = make_user()
    org = make_org(name=f"Groen {title[:10]}", members=[owner])
    procedure = make_procedure(buyer, criteria=(("price", Decimal(100)),), title=title)
    open_with_bids(procedure, buyer, [(org, Decimal(100000), promised or {})])
    procedures.close_procedure(procedure, by=buyer)
    procedures.award_procedure(procedure, by=buyer, today=award_day)
    db.session.commit()
    return procedure, org, buyer, owner


def test_realised_counts_only_after_the_award_and_per_year(app, make_user, make_org, publish_year):
    today = clock.today()
    award = today - timedelta(days=200)
    procedure, org, buyer, owner = awarded_procedure(make_user, make_org, award_day=award)
    for year in range(award.year - 1, today.year + 1):
        publish_year(year, {"baan_bijstand": Decimal("36500")})
    log_job(org, owner, start=award - timedelta(days=100), end=award - timedelta(days=1))  # before: not counted
    log_job(org, owner, start=award)
    ob = sroi.set_obligation(procedure, by=buyer, contract_value=Decimal("1000000"), share_pct=Decimal("5"),
                             start_date=award - timedelta(days=30), end_date=award + timedelta(days=3 * 365))
    db.session.commit()
    [p] = sroi.progress([ob], today=today)
    assert p.promised == Decimal("50000.00")
    assert p.counts_from == award
    days = (today - award).days + 1
    assert abs(p.realised - Decimal(36500 * days) / 365) < Decimal("0.10") or abs(
        p.realised - Decimal(36500 * days) / 366) < Decimal("150")
    assert sum(y.promised for y in p.years) == p.promised
    assert sum(y.realised for y in p.years) == p.realised
    assert p.state in ("loopt", "gerealiseerd")


def test_behind_warns_the_buyer_once_per_quarter(app, make_user, make_org, publish_year, mailbox):
    today = clock.today()
    award = today - timedelta(days=180)
    procedure, org, buyer, owner = awarded_procedure(make_user, make_org, award_day=award)
    publish_year(award.year - 1)
    sroi.set_obligation(procedure, by=buyer, contract_value=Decimal("2000000"), share_pct=Decimal("5"),
                        start_date=award, end_date=award + timedelta(days=730))
    db.session.commit()
    [p] = sroi.progress(db.session.scalars(select(SroiObligation)).all())
    assert p.state == "achter" and p.behind and p.realised == 0
    assert sroi.send_warnings() == 1
    db.session.commit()
    from portal.mail.outbox import send_pending

    send_pending()  # the daily cron runs `flask mail send` after the warnings
    db.session.commit()
    mail = mailbox.last_to(buyer.email)
    assert procedure.title in mail["Subject"] and "loopt achter" in mailbox.text(mail)
    assert sroi.send_warnings() == 0  # not twice in the same quarter
    # The buyer sees the warning on the obligation's page; a supplier that logs catches up.
    client = app.test_client()
    login(client, buyer.email)
    page = client.get(f"/impact/sroi/procedure/{procedure.id}").get_data(as_text=True)
    assert "De social return loopt achter" in page


def test_only_an_awarded_procedure_gets_an_obligation_and_bad_input_is_refused(app, make_user, make_org):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", Decimal(100)),), title="Schoonmaak")
    db.session.commit()
    with pytest.raises(ImpactError):
        sroi.set_obligation(procedure, by=buyer, contract_value=Decimal(1000), share_pct=Decimal(5),
                            start_date=date(2025, 1, 1), end_date=date(2026, 1, 1))
    awarded, *_ = awarded_procedure(make_user, make_org, award_day=clock.today() - timedelta(days=5))
    client = app.test_client()
    login(client, buyer.email)
    response = client.post(f"/impact/sroi/procedure/{awarded.id}", data={
        "contract_value": "100000", "share_pct": "5", "start_date": "2026-01-01", "end_date": "2025-01-01"})
    assert response.status_code == 400 and "De einddatum ligt vóór de begindatum." in response.get_data(as_text=True)
    response = client.post(f"/impact/sroi/procedure/{awarded.id}", data={
        "contract_value": "veel", "share_pct": "5", "start_date": "2026-01-01", "end_date": "2027-01-01"})
    assert response.status_code == 400
    assert db.session.scalar(select(SroiObligation)) is None


def test_report_commitments_page_and_supplier_see_promised_against_realised(app, make_user, make_org,
                                                                              publish_year):
    today = clock.today()
    award = today - timedelta(days=30)
    procedure, org, buyer, owner = awarded_procedure(make_user, make_org, award_day=award,
                                                     promised={"impact_jobs": 2})
    publish_year(award.year - 1, {"baan_bijstand": Decimal("36500")})
    client = app.test_client()
    login(client, buyer.email)
    response = client.post(f"/impact/sroi/procedure/{procedure.id}", data={
        "contract_value": "400000", "share_pct": "5", "start_date": award.isoformat(),
        "end_date": (award + timedelta(days=365)).isoformat()})
    assert response.status_code == 302
    report = client.get(f"/inkoop/procedures/{procedure.id}/rapport")
    assert report.status_code == 200 and "€ 20.000" in report.get_data(as_text=True)
    listing = client.get("/impact/sroi").get_data(as_text=True)
    assert procedure.title in listing and "€ 20.000" in listing
    gemeente = make_user("gemeente")
    other = app.test_client()
    login(other, gemeente.email)
    for per in ("", "?per=procedure"):
        commitments_page = other.get("/inkoop/toezeggingen" + per).get_data(as_text=True)
        assert "Social return (SROI)" in commitments_page and "€ 20.000" in commitments_page
    supplier = app.test_client()
    login(supplier, owner.email)
    home = supplier.get("/organisatie").get_data(as_text=True)
    assert "Social return (SROI)" in home and "€ 20.000" in home


def test_progress_of_many_obligations_takes_a_fixed_number_of_queries(app, make_user, make_org, publish_year):
    today = clock.today()
    publish_year(today.year - 3)
    obligations = []
    for n in range(4):
        procedure, org, buyer, owner = awarded_procedure(make_user, make_org, award_day=today - timedelta(days=40),
                                                         title=f"Opdracht {n}")
        log_job(org, owner, start=today - timedelta(days=20))
        obligations.append(sroi.set_obligation(procedure, by=buyer, contract_value=Decimal("100000"),
                                               share_pct=Decimal("5"), start_date=today - timedelta(days=40),
                                               end_date=today + timedelta(days=300)))
    db.session.commit()
    listed = select(SroiObligation).order_by(SroiObligation.id)
    with count_queries() as two:
        sroi.progress(db.session.scalars(listed.limit(2)).all())
    with count_queries() as four:
        rows = sroi.progress(db.session.scalars(listed).all())
    assert two.count == four.count <= 4  # the obligations, the value tables and their rates, the aggregate
    assert all(r.realised > 0 for r in rows)
