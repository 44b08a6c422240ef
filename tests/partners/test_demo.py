"""The demo data: about 80 organisations in every status, and Bouwbedrijf De Merwede for the demo ondernemer."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.partners import demo, services
from portal.partners.models import ImpactJob, Membership, Organisation, Stageplek
from tests.conftest import login


def test_seed_gives_every_page_something_real(app, client, make_user):
    accounts = {"ondernemer": make_user(email="ondernemer@demo.example"), "mbo_staff": make_user("mbo_staff")}
    demo.seed(accounts)
    db.session.commit()

    orgs = db.session.scalars(select(Organisation)).all()
    assert 75 <= len(orgs) <= 90
    assert {o.partner_status for o in orgs} == {"geen", "aanvraag", "partner", "geweigerd", "geschorst", "beeindigd"}
    assert sum(o.municipality.name == "Dordrecht" for o in orgs) > len(orgs) / 2
    # The history agrees with today's status for every organisation.
    today = services.partner_status_on([o.id for o in orgs], date.today())
    assert all(today[o.id] == o.partner_status for o in orgs)

    merwede = db.session.scalar(select(Organisation).where(Organisation.name == "Bouwbedrijf De Merwede"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == accounts["ondernemer"].id))
    assert membership.organisation_id == merwede.id and membership.role == "beheerder"
    assert merwede.partner_status == "partner"
    assert db.session.scalar(select(func.count()).select_from(ImpactJob).where(
        ImpactJob.organisation_id == merwede.id)) >= 10
    assert db.session.scalar(select(func.count()).select_from(Stageplek).where(
        Stageplek.organisation_id == merwede.id)) >= 2

    first, last = db.session.execute(select(func.min(ImpactJob.start_date), func.max(ImpactJob.start_date))).one()
    assert first <= date.today() - timedelta(days=600) and last >= date.today() - timedelta(days=60)
    assert db.session.scalar(select(func.count()).select_from(ImpactJob).where(ImpactJob.durable.is_(True))) > 20
    assert db.session.scalar(select(func.count()).select_from(Organisation).where(
        ~Organisation.memberships.any())) == 0

    login(client, accounts["ondernemer"].email)
    for url in ("/organisatie", "/organisatie/banen", "/organisatie/stageplekken", "/organisatie/leden"):
        assert client.get(url).status_code == 200, url
    assert "Bouwbedrijf De Merwede" in client.get("/organisatie").get_data(as_text=True)
    assert "stageplek" in client.get("/stageplekken").get_data(as_text=True)
