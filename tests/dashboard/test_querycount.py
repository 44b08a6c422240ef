"""The dashboard answers in a fixed number of queries, whatever the number of organisations or quarters."""
from datetime import date

from portal.extensions import db
from tests.dashboard.conftest import add_assessment, add_label, job, stageplek
from tests.querycount import count_queries


def _grow(dataset, make_org, n=25):
    """More organisations, each with a label or an open assessment, jobs, stageplekken and a commitment."""
    from portal.events.models import CheckIn, Registration
    from portal.inkoop.models import Bid, Commitment, Procedure

    procedure = Procedure(kind="aanbesteding", title="Groenonderhoud", closing_date=date(2023, 11, 1))
    db.session.add(procedure)
    db.session.flush()
    for i in range(n):
        org = make_org(name=f"Groei {i}", sector="horeca" if i % 2 else "ict",
                       municipality="Dordrecht" if i % 3 else "Sliedrecht")
        if i % 2:
            add_label(org, date(2024, 1, 1 + i % 20), date(2026, 1, 1))
        else:
            add_assessment(org, dataset.criteria_set, date(2024, 2, 1))
        job(org, dataset.owner, start_date=date(2024, 3, 1 + i % 20), target_groups=["ww", "ggz"], route="perspct")
        stageplek(org, dataset.owner, places=2, places_filled=1, field="horeca")
        registration = Registration(event_id=dataset.event.id, organisation_id=org.id, status="confirmed",
                                    token=f"groei-{i}", email=f"groei{i}@example.nl")
        db.session.add(registration)
        db.session.flush()
        db.session.add(CheckIn(registration_id=registration.id))
        bid = Bid(procedure_id=procedure.id, organisation_id=org.id)
        db.session.add(bid)
        db.session.flush()
        db.session.add(Commitment(organisation_id=org.id, procedure_id=procedure.id, bid_id=bid.id,
                                  kind="stageplekken", promised=2, start_date=date(2024, 1, 1),
                                  due_date=date(2025, 1, 1)))
    db.session.commit()


def test_dashboard_query_count_does_not_grow_with_the_data(client, login_as, dataset, events_and_commitments,
                                                           make_org):
    dataset.event = events_and_commitments.event
    login_as("mbo_staff")
    url = "/dashboard/?van=2024-01-01&tot=2024-06-30"
    client.get(url)  # warm up: the first request loads things once per process
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _grow(dataset, make_org)
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    assert "Groei" not in response.get_data(as_text=True)  # aggregates only, no organisation names
    assert large.count == small.count, (small.count, large.count)
    # Eight quarters cost the same as two: all dates are counted in the same queries.
    with count_queries() as longer:
        assert client.get("/dashboard/?van=2023-01-01&tot=2024-12-31").status_code == 200
    assert longer.count == small.count
    assert small.count <= 25


def test_report_query_count_does_not_grow_with_the_data(client, login_as, dataset, events_and_commitments,
                                                        make_org):
    dataset.event = events_and_commitments.event
    login_as("gemeente")
    url = f"/dashboard/kwartaalrapportage.xlsx?jaar=2024&kwartaal=2&gemeente={dataset.dordrecht.id}&versie=extern"
    client.get(url)
    with count_queries() as small:
        client.get(url)
    _grow(dataset, make_org)
    with count_queries() as large:
        client.get(url)
    assert large.count == small.count
