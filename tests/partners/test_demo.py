"""The demo data: the partner network of the progress report 2024 in every status, Bouwbedrijf De Merwede for the
demo ondernemer, and (the whole seed-demo) the programme's story: Dordrecht 75 / 30 / 45 on 30 September 2024."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.partners import demo, services
from portal.partners.models import ImpactJob, Membership, Organisation, Stageplek
from tests.conftest import login


def test_seed_gives_every_page_something_real(app, client, make_user):
    accounts = {"ondernemer": make_user(email="ondernemer@demo.example"), "mbo_staff": make_user("mbo_staff")}
    demo.seed(accounts)
    db.session.commit()

    orgs = db.session.scalars(select(Organisation)).all()
    assert 100 <= len(orgs) <= 130
    assert {o.partner_status for o in orgs} == {"geen", "aanvraag", "partner", "geweigerd", "geschorst", "beeindigd"}
    assert sum(o.municipality.name == "Dordrecht" for o in orgs) > len(orgs) / 2
    # The history agrees with today's status for every organisation.
    today = services.partner_status_on([o.id for o in orgs], clock.today())
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
    assert first <= clock.today() - timedelta(days=600) and last >= clock.today() - timedelta(days=60)
    assert db.session.scalar(select(func.count()).select_from(ImpactJob).where(ImpactJob.durable.is_(True))) > 20
    assert db.session.scalar(select(func.count()).select_from(Organisation).where(
        ~Organisation.memberships.any())) == 0

    login(client, accounts["ondernemer"].email)
    for url in ("/organisatie", "/organisatie/banen", "/organisatie/stageplekken", "/organisatie/leden"):
        assert client.get(url).status_code == 200, url
    assert "Bouwbedrijf De Merwede" in client.get("/organisatie").get_data(as_text=True)
    assert "stageplek" in client.get("/stageplekken").get_data(as_text=True)


def test_seed_demo_tells_the_programmes_story(app, client):
    """seed-demo as `make run` runs it: 75 Dordrecht partners on 30 September 2024, 30 with the label, 45 working
    on it; Zwijndrecht and Sliedrecht partners only from 2025; targets for every year up to today; the kick-off."""
    from portal import clock
    from portal.dashboard import metrics
    from portal.dashboard.models import Target
    from portal.demo import DEMO_ACCOUNTS, seed_demo
    from portal.events.models import Event
    from portal.events.services import to_local
    from portal.label.models import Label
    from portal.partners import path
    from portal.partners.models import Municipality, PartnerStatusChange

    assert seed_demo() is True
    munis = {m.name: m.id for m in db.session.scalars(select(Municipality))}
    q3 = date(2024, 9, 30)
    counts = metrics.status_counts([q3], metrics.Filters(start=date(2024, 7, 1), end=q3))[q3].counted
    dordrecht = counts[munis["Dordrecht"]]
    stages = {c.code: c.count for c in path.stage_counts(q3, munis["Dordrecht"])}
    assert (dordrecht.partners, dordrecht.labels, dordrecht.working, sum(stages.values())) == (75, 30, 45, 45)
    assert stages["intake"] > 0 and stages["inspiratiesessie"] > 0 and stages["partnerovereenkomst"] > 0
    assert set(counts) == {munis["Dordrecht"]}  # nobody else was a partner yet
    first_elsewhere = db.session.scalar(
        select(func.min(PartnerStatusChange.valid_from)).join(Organisation)
        .where(PartnerStatusChange.status == "partner", Organisation.municipality_id != munis["Dordrecht"]))
    assert first_elsewhere >= date(2025, 1, 1)
    assert db.session.scalar(select(func.min(Label.valid_from))) >= date(2024, 1, 1)
    years = set(db.session.scalars(select(Target.year).where(Target.municipality_id == munis["Dordrecht"])))
    assert years == set(range(2024, clock.today().year + 1))
    t2024 = db.session.scalar(select(Target).where(Target.year == 2024))
    assert (t2024.partners, t2024.labels, t2024.working_on_label) == (75, 50, 25)
    kickoff = db.session.scalar(select(Event).where(Event.title == "Kick-off Wijk naar Werk"))
    assert to_local(kickoff.start_at).strftime("%A %Y-%m-%d %H:%M") == "Friday 2024-09-27 09:00"

    # The demo logins work and show their pages.
    for email, _name, roles in DEMO_ACCOUNTS:
        login(client, email, "Impact-Drechtsteden-demo")
        home = {"ondernemer": "/organisatie", "mbo_staff": "/partners/traject", "inkoop": "/inkoop/labelcheck",
                "gemeente": "/dashboard/", "admin": "/beheer/accounts/"}[roles[0]]
        assert client.get(home).status_code == 200, (roles[0], home)
        client.post("/account/uitloggen")
    # Last, the headline figure as the dashboard counts it ("werkt aan het label" = every other partner on the date).
    assert dordrecht.working == 45
