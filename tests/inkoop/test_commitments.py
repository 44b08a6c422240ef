"""Wederkerigheid: progress from what the organisation logs itself, follow-ups, and who sees what."""
from datetime import timedelta
from decimal import Decimal as D

from portal import clock
from portal.extensions import db
from portal.inkoop import commitments, procedures
from portal.inkoop.models import Commitment, FollowUp
from portal.panels import render_panels
from portal.partners.models import ImpactJob, Stageplek
from tests.conftest import login
from tests.inkoop.helpers import make_procedure, open_with_bids
from tests.querycount import count_queries


def awarded(make_user, make_org, org=None, promised=None, start=None, title="Inzameling bedrijfsafval"):
    buyer = make_user("gemeente")
    org = org or make_org(name="Schoon en Heel BV")
    procedure = make_procedure(buyer, criteria=(("price", D(100)),), title=title)
    open_with_bids(procedure, buyer, [(org, D(50000), promised or {"impact_jobs": 3, "stageplekken": 4,
                                                                  "jobs_residents": 10})])
    procedures.close_procedure(procedure, by=buyer)
    procedures.award_procedure(procedure, by=buyer, today=start or clock.today() - timedelta(days=60))
    db.session.commit()
    return procedure, org, buyer


def log_job(org, start):
    db.session.add(ImpactJob(organisation_id=org.id, title="Chauffeur", contract_type="bepaald",
                             hours_per_week=D(32), start_date=start))


def test_progress_is_counted_from_logged_jobs_and_stageplekken_since_the_award(make_user, make_org):
    procedure, org, _ = awarded(make_user, make_org)
    award_day = procedure.awarded_on
    log_job(org, award_day - timedelta(days=10))      # before the award: does not count
    log_job(org, award_day)
    log_job(org, award_day + timedelta(days=20))
    log_job(make_org(), award_day + timedelta(days=1))  # another organisation
    db.session.add(Stageplek(organisation_id=org.id, title="BBL monteur", education_level="mbo", stage_type="bbl",
                             field="techniek", places=3, period_start=award_day + timedelta(days=5)))
    db.session.add(Stageplek(organisation_id=org.id, title="Oud", education_level="mbo", stage_type="bol",
                             field="logistiek", places=5, period_start=award_day - timedelta(days=400)))
    db.session.commit()
    progress = {p.commitment.kind: p for p in commitments.progress(commitments.organisation_commitments(org.id))}
    assert (progress["impact_jobs"].commitment.promised, progress["impact_jobs"].realised) == (3, 2)
    assert progress["impact_jobs"].percent == 67 and progress["impact_jobs"].state == "loopt"
    assert progress["stageplekken"].realised == 3
    assert progress["jobs_residents"].realised is None and not progress["jobs_residents"].measured
    log_job(org, award_day + timedelta(days=30))
    db.session.commit()
    progress = {p.commitment.kind: p for p in commitments.progress(commitments.organisation_commitments(org.id))}
    assert progress["impact_jobs"].state == "gerealiseerd"


def test_gemeente_records_follow_up_with_reported_numbers(client, make_user, make_org):
    procedure, org, _ = awarded(make_user, make_org)
    officer = make_user("gemeente")
    login(client, officer.email)
    page = client.get("/inkoop/toezeggingen").get_data(as_text=True)
    assert "Schoon en Heel BV" in page and "Inzameling bedrijfsafval" in page
    page = client.get("/inkoop/toezeggingen?per=procedure").get_data(as_text=True)
    assert "Schoon en Heel BV" in page and "Banen voor inwoners" in page
    residents = next(c for c in commitments.organisation_commitments(org.id) if c.kind == "jobs_residents")
    response = client.post(f"/inkoop/toezeggingen/{org.id}", data={"held_on": "2999-01-01", "note": "x",
                                                                   "procedure_id": "0"})
    assert response.status_code == 400 and "toekomst" in response.get_data(as_text=True)
    response = client.post(f"/inkoop/toezeggingen/{org.id}", data={
        "held_on": clock.today().isoformat(), "procedure_id": str(procedure.id),
        "note": "Zes inwoners uit Dordt-West zijn begonnen.", f"reported-{residents.id}": "6"})
    assert response.status_code == 302
    assert db.session.get(Commitment, residents.id).reported_realised == 6
    assert db.session.scalar(db.select(FollowUp.note)) == "Zes inwoners uit Dordt-West zijn begonnen."
    page = client.get(f"/inkoop/toezeggingen/{org.id}").get_data(as_text=True)
    assert "Zes inwoners uit Dordt-West" in page and "gemeld in gesprek" in page


def test_commitments_overview_runs_a_fixed_number_of_queries(client, make_user, make_org):
    officer = make_user("gemeente")
    awarded(make_user, make_org, title="Eerste")
    login(client, officer.email)
    few = {}
    for view in ("", "?per=procedure"):
        with count_queries() as q:
            client.get("/inkoop/toezeggingen" + view)
        few[view] = q.count
    for n in range(4):
        awarded(make_user, make_org, org=make_org(name=f"Extra {n}"), title=f"Procedure {n}")
    for view in ("", "?per=procedure"):
        with count_queries() as many:
            assert client.get("/inkoop/toezeggingen" + view).status_code == 200
        assert many.count == few[view], view


def test_procedure_list_runs_a_fixed_number_of_queries(client, make_user, make_org):
    buyer = make_user("inkoop")
    login(client, buyer.email)
    awarded(make_user, make_org, title="Eerste")
    with count_queries() as few:
        client.get("/inkoop/procedures")
    for n in range(4):
        awarded(make_user, make_org, org=make_org(name=f"Extra {n}"), title=f"Procedure {n}")
    with count_queries() as many:
        page = client.get("/inkoop/procedures")
    assert page.status_code == 200 and "Procedure 3" in page.get_data(as_text=True)
    assert many.count == few.count


def test_an_ondernemer_sees_only_its_own_commitments_on_its_home_page(client, make_user, make_org):
    owner = make_user("ondernemer")
    org = make_org(name="Eigen Bedrijf", members=[owner])
    other = make_org(name="Ander Bedrijf")
    awarded(make_user, make_org, org=org, title="Groenonderhoud Sliedrecht")
    awarded(make_user, make_org, org=other, title="Schoonmaak stadhuis")
    def ours(org):
        return [ctx for template, ctx in render_panels("org_home", org) if template.startswith("inkoop/")]

    assert {p.commitment.procedure.title for p in ours(other)[0]["commitment_progress"]} == {"Schoonmaak stadhuis"}
    assert ours(make_org(name="Zonder toezeggingen")) == []
    login(client, owner.email)
    page = client.get("/organisatie").get_data(as_text=True)
    assert "Groenonderhoud Sliedrecht" in page and "Toezeggingen" in page
    assert "Schoonmaak stadhuis" not in page


def test_st_mbo_staff_see_the_commitments_on_the_partner_page(client, make_user, make_org):
    procedure, org, _ = awarded(make_user, make_org)
    login(client, make_user("mbo_staff").email)
    page = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Toezeggingen uit aanbestedingen en gronduitgifte" in page and "Inzameling bedrijfsafval" in page
