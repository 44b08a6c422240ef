"""Agreements beyond procurement: both sides' promises, progress from logged data, who sees what."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.impact import agreements, wijk
from portal.impact.errors import ImpactError
from portal.impact.models import Agreement
from tests.conftest import login
from tests.impact.conftest import log_job, log_place
from tests.querycount import count_queries


def _agreement(by, orgs, kind="mbo_akkoord", start=None, title="MBO-akkoord 2025", area=""):
    a = agreements.create_agreement(by=by, kind=kind, title=title, kvks=[o.kvk for o in orgs],
                                    start_date=start or clock.today() - timedelta(days=100),
                                    end_date=clock.today() + timedelta(days=600), area=area)
    db.session.commit()
    return a


def test_goals_of_both_sides_and_progress_from_the_parties_logs(app, make_user, make_org, publish_year):
    gemeente, staff, owner = make_user("gemeente"), make_user("mbo_staff"), make_user()
    a_org, b_org, outsider = (make_org(name=n, members=[owner]) for n in ("Haven A", "Haven B", "Elders"))
    area = _agreement(gemeente, [a_org, b_org], kind="gebiedsafspraak", title="Dordtse Kil IV",
                      area="Dordtse Kil IV")
    due = clock.today() + timedelta(days=300)
    jobs = agreements.add_goal(area, by=gemeente, side="organisatie", description="Samen 4 banen met impact",
                               measure="impact_jobs", target=4, due_date=due)
    places = agreements.add_goal(area, by=gemeente, side="organisatie", description="Een arbeidspool met stages",
                                 measure="stageplekken", target=6, due_date=due)
    filled = agreements.add_goal(area, by=gemeente, side="organisatie", description="Plekken in de wijk",
                                 measure="wijk_plaatsingen", target=2, due_date=due)
    euros = agreements.add_goal(area, by=gemeente, side="organisatie", description="Sociale waarde",
                                measure="sociale_waarde", target=10000, due_date=due)
    ours = agreements.add_goal(area, by=gemeente, side="gemeente", description="Gemeente betaalt de training",
                               due_date=due)
    db.session.commit()
    from portal.impact.reference import CONTRIBUTION_KINDS

    publish_year(clock.today().year - 1, {k: Decimal(0) for k in CONTRIBUTION_KINDS} | {"stage_bol": Decimal(2500)})
    start = area.start_date
    log_job(a_org, owner, start=start - timedelta(days=5))        # before the agreement: not counted
    log_job(a_org, owner, start=start + timedelta(days=1))
    log_job(b_org, owner, start=start + timedelta(days=2))
    log_job(outsider, owner, start=start + timedelta(days=2))     # not a party: not counted
    log_place(b_org, owner, start=start + timedelta(days=3), places=3, filled=2)
    place = wijk.offer_place(a_org, by=owner, kind="baan", area="dordt_west", field="zorg", places=2,
                             period_start=start)
    wijk.fill_place(place, by=staff, route="wijk_naar_werk", filled_on=clock.today(), lasting=True)
    db.session.commit()
    progress = agreements.progress([area])
    assert progress[jobs.id].realised == 2 and not progress[jobs.id].kept and progress[jobs.id].percent == 50
    assert progress[places.id].realised == 3
    assert progress[filled.id].realised == 1
    assert progress[euros.id].realised == Decimal("5000.00")
    assert progress[ours.id].realised is None and not progress[ours.id].kept
    agreements.add_meeting(area, by=gemeente, held_on=clock.today(), note="Training gegeven in november",
                           done_goal_ids=[ours.id])
    db.session.commit()
    assert agreements.progress([area])[ours.id].kept


def test_rules_refuse_what_does_not_fit(app, make_user, make_org):
    gemeente = make_user("gemeente")
    one, two = make_org(), make_org()
    with pytest.raises(ImpactError):  # an MBO-akkoord is with one employer
        _agreement(gemeente, [one, two])
    with pytest.raises(ImpactError):
        agreements.create_agreement(by=gemeente, kind="werkgeversaanpak", title="X", kvks=["99999999"],
                                    start_date=date(2025, 1, 1), end_date=date(2026, 1, 1))
    a = _agreement(gemeente, [one])
    with pytest.raises(ImpactError):  # the municipality's side is not counted from an employer's logs
        agreements.add_goal(a, by=gemeente, side="gemeente", description="x", measure="impact_jobs", target=3,
                            due_date=clock.today())
    with pytest.raises(ImpactError):
        agreements.add_goal(a, by=gemeente, side="organisatie", description="x", measure="impact_jobs",
                            target=None, due_date=clock.today())
    with pytest.raises(ImpactError):
        agreements.add_meeting(a, by=gemeente, held_on=clock.today() + timedelta(days=1), note="later")


def test_an_organisation_sees_its_own_agreements_only(app, client, make_user, make_org):
    gemeente = make_user("gemeente")
    mine, theirs = make_user(), make_user()
    my_org = make_org(name="Mijn Bedrijf", members=[mine])
    their_org = make_org(name="Hun Bedrijf", members=[theirs])
    own = _agreement(gemeente, [my_org], title="Akkoord Mijn Bedrijf")
    other = _agreement(gemeente, [their_org], title="Akkoord Hun Bedrijf")
    agreements.add_goal(own, by=gemeente, side="gemeente", description="Gemeente opent een leerwerkloket",
                        due_date=clock.today() + timedelta(days=30))
    db.session.commit()
    login(client, mine.email)
    page = client.get("/impact/organisatie/afspraken").get_data(as_text=True)
    assert "Akkoord Mijn Bedrijf" in page and "Gemeente opent een leerwerkloket" in page
    assert "Akkoord Hun Bedrijf" not in page
    assert "Akkoord Mijn Bedrijf" in client.get("/organisatie").get_data(as_text=True)
    assert client.get(f"/impact/afspraken/{other.id}").status_code == 403
    assert client.get(f"/impact/afspraken/{own.id}").status_code == 403  # the staff page, not the organisation's
    assert client.get("/impact/afspraken").status_code == 403


def test_inkoop_sees_agreements_next_to_the_label_check_but_cannot_change_them(app, client, make_user, make_org):
    gemeente = make_user("gemeente")
    org = make_org(name="Leverancier")
    a = _agreement(gemeente, [org], title="Een-op-een Leverancier", kind="werkgeversaanpak")
    login(client, make_user("inkoop").email)
    check = client.get(f"/inkoop/labelcheck/{org.id}").get_data(as_text=True)
    assert "Een-op-een Leverancier" in check
    assert client.get(f"/impact/afspraken/{a.id}").status_code == 200
    assert client.post(f"/impact/afspraken/{a.id}/doelen", data={
        "side": "gemeente", "description": "x", "due_date": clock.today().isoformat()}).status_code == 403
    assert client.post("/impact/afspraken", data={"kind": "mbo_akkoord", "title": "x", "kvks": org.kvk,
                                                   "start_date": "2025-01-01", "end_date": "2026-01-01"}
                       ).status_code == 403


def test_municipality_records_an_agreement_goals_and_a_conversation_through_the_pages(app, client, make_user,
                                                                                       make_org):
    org = make_org(name="Grote Werkgever")
    login(client, make_user("gemeente").email)
    response = client.post("/impact/afspraken", data={
        "kind": "mbo_akkoord", "title": "MBO-akkoord Grote Werkgever", "kvks": org.kvk,
        "start_date": "2025-01-01", "end_date": "2026-12-31"})
    assert response.status_code == 302
    a = db.session.scalar(select(Agreement))
    assert client.post(f"/impact/afspraken/{a.id}/doelen", data={
        "side": "organisatie", "description": "Tien banen met impact", "measure": "impact_jobs", "target": "10",
        "due_date": "2026-12-31"}).status_code == 302
    bad = client.post(f"/impact/afspraken/{a.id}/doelen", data={
        "side": "gemeente", "description": "Teller", "measure": "impact_jobs", "target": "3",
        "due_date": "2026-12-31"})
    assert bad.status_code == 400 and "Alleen wat de werkgever belooft" in bad.get_data(as_text=True)
    assert client.post(f"/impact/afspraken/{a.id}/gesprekken", data={
        "held_on": clock.today().isoformat(), "note": "Eerste voortgangsgesprek"}).status_code == 302
    page = client.get(f"/impact/afspraken/{a.id}").get_data(as_text=True)
    assert "Tien banen met impact" in page and "Eerste voortgangsgesprek" in page
    unknown = client.post("/impact/afspraken", data={"kind": "mbo_akkoord", "title": "x", "kvks": "12345678",
                                                     "start_date": "2025-01-01", "end_date": "2026-01-01"})
    assert unknown.status_code == 400 and "Onbekend in het portaal" in unknown.get_data(as_text=True)


def test_the_agreements_list_takes_a_fixed_number_of_queries(app, client, make_user, make_org):
    gemeente = make_user("gemeente")
    login(client, gemeente.email)

    def add(n):
        org = make_org(name=f"Werkgever {n}")
        a = _agreement(gemeente, [org], title=f"Akkoord {n}")
        agreements.add_goal(a, by=gemeente, side="organisatie", description="Banen", measure="impact_jobs",
                            target=3, due_date=clock.today() + timedelta(days=30))
        agreements.add_goal(a, by=gemeente, side="organisatie", description="Waarde", measure="sociale_waarde",
                            target=3, due_date=clock.today() + timedelta(days=30))
        db.session.commit()

    add(0)
    client.get("/impact/afspraken")
    with count_queries() as one:
        client.get("/impact/afspraken")
    for n in range(1, 5):
        add(n)
    with count_queries() as five:
        assert client.get("/impact/afspraken").status_code == 200
    assert one.count == five.count
