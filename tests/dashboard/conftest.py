"""A hand-built data set for the dashboard: six organisations whose partnership and label change in 2024.

Reference dates: Q1 2024 ends 31-03-2024, Q2 2024 ends 30-06-2024.

| org     | municipality | 31-03-2024                      | 30-06-2024                                   |
|---------|--------------|---------------------------------|----------------------------------------------|
| Alfa    | Dordrecht    | partner, label                  | partner, label                               |
| Beta    | Dordrecht    | partner, label                  | partner, label expired 31-05, renewal started |
| Gamma   | Dordrecht    | partner                         | left the partnership on 01-05                |
| Delta   | Dordrecht    | partner, working on the label   | partner, label since 10-04                   |
| Epsilon | Zwijndrecht  | partner, label                  | partner, label suspended since 01-06         |
| Zeta    | Dordrecht    | applied (no partner)            | applied                                      |
"""
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.extensions import db

Q1_END, Q2_START, Q2_END = date(2024, 3, 31), date(2024, 4, 1), date(2024, 6, 30)


def _criteria_set():
    from portal.label.models import CriteriaSet

    criteria_set = CriteriaSet(name="Label Ondernemen met impact", version=1, status="gepubliceerd")
    db.session.add(criteria_set)
    db.session.flush()
    return criteria_set


def add_label(org, valid_from, valid_until, changes=()):
    """A label with its history rows, as ``portal.label.awards`` writes them."""
    from portal.label.models import Label, LabelStatusChange

    label = Label(organisation_id=org.id, certificate_number=f"OMI-T-{org.id}-{valid_from.isoformat()}",
                  valid_from=valid_from, valid_until=valid_until, status="geldig")
    label.history.append(LabelStatusChange(status="geldig", effective_on=valid_from))
    for status, on in changes:
        label.history.append(LabelStatusChange(status=status, effective_on=on))
        label.status = status
    db.session.add(label)
    db.session.flush()
    return label


def add_assessment(org, criteria_set, started_on, closed_on=None, status="ingediend"):
    from portal.label.models import Assessment

    assessment = Assessment(organisation_id=org.id, criteria_set_id=criteria_set.id, status=status,
                            open_key=None if closed_on else org.id, started_on=started_on, closed_on=closed_on)
    db.session.add(assessment)
    db.session.flush()
    return assessment


def job(org, by, **data):
    from portal.partners.services import save_impact_job

    values = {"title": "Medewerker", "hours_per_week": 32, "target_groups": ["bijstand"], "contract_type": "vast"}
    values.update(data)
    return save_impact_job(org, by, values)


def stageplek(org, by, **data):
    from portal.partners.services import save_stageplek

    values = {"title": "Stage", "education_level": "mbo2", "stage_type": "bol", "field": "bouw_infra",
              "places": 1, "places_filled": 0}
    values.update(data)
    return save_stageplek(org, by, values)


@pytest.fixture
def dataset(app, make_org, make_user):
    from portal.partners.models import PartnerStatusChange
    from portal.partners.services import end_partnership

    staff = make_user("mbo_staff")
    owner = make_user("ondernemer")
    alfa = make_org(name="Alfa", sector="bouw_infra", members=[owner])
    beta = make_org(name="Beta", sector="zorg")
    gamma = make_org(name="Gamma", sector="bouw_infra")
    delta = make_org(name="Delta", sector="ict")
    epsilon = make_org(name="Epsilon", municipality="Zwijndrecht", sector="zorg")
    epsilon.municipality.joins_on = None  # in this data set Zwijndrecht takes part from the start
    zeta = make_org(name="Zeta", status="aanvraag")

    # Gamma leaves through the partners rule; the rule dates the change today, the data set a year back.
    end_partnership(gamma, staff, "Gestopt met het programma")
    change = db.session.scalar(select(PartnerStatusChange).where(PartnerStatusChange.organisation_id == gamma.id,
                                                                 PartnerStatusChange.status == "beeindigd"))
    change.valid_from = date(2024, 5, 1)

    criteria_set = _criteria_set()
    add_label(alfa, date(2024, 3, 1), date(2026, 2, 28))
    add_label(beta, date(2022, 6, 1), date(2024, 5, 31))  # expires within Q2 2024
    add_assessment(beta, criteria_set, date(2024, 5, 15))  # the renewal, still open
    add_assessment(delta, criteria_set, date(2024, 2, 1), closed_on=date(2024, 4, 10), status="goedgekeurd")
    add_label(delta, date(2024, 4, 10), date(2026, 4, 9))
    add_label(epsilon, date(2024, 1, 1), date(2025, 12, 31), changes=[("geschorst", date(2024, 6, 1))])

    # Impact jobs (Dordrecht, Q2 2024): j1 and j2 ran in the quarter, j3 ended before it.
    job(alfa, owner, start_date=date(2024, 2, 1), contract_type="vast", target_groups=["bijstand", "vijftig_plus"],
        route="wijk_naar_werk", neighbourhood="wielwijk")
    job(alfa, owner, start_date=date(2024, 4, 15), end_date=date(2024, 6, 15), end_reason="contract_beeindigd",
        contract_type="tijdelijk_kort", target_groups=["bijstand"], route="werkshop", neighbourhood="crabbehof")
    job(delta, owner, start_date=date(2023, 9, 1), end_date=date(2024, 3, 31), end_reason="doorgestroomd",
        contract_type="proefplaatsing", target_groups=["statushouder"])
    job(epsilon, owner, start_date=date(2024, 5, 1), contract_type="vast", target_groups=["ww"])

    stageplek(alfa, owner, education_level="mbo2", field="bouw_infra", places=3, places_filled=2,
              period_start=date(2024, 2, 1), period_end=date(2024, 7, 31))
    stageplek(delta, owner, education_level="hbo", field="ict", places=6, places_filled=6)
    stageplek(epsilon, owner, education_level="mbo4", field="zorg", places=2, places_filled=1)
    db.session.commit()
    return SimpleNamespace(staff=staff, owner=owner, alfa=alfa, beta=beta, gamma=gamma, delta=delta,
                           epsilon=epsilon, zeta=zeta, criteria_set=criteria_set,
                           dordrecht=alfa.municipality, zwijndrecht=epsilon.municipality)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def events_and_commitments(dataset):
    """A workshop in Q2 2024 (two partners checked in, one public guest who did not come) and a commitment."""
    from portal.events.models import CheckIn, Event, Registration
    from portal.inkoop.models import Bid, Commitment, Procedure

    event = Event(title="HR-tafel", kind="hr-tafel", start_at=utc(2024, 5, 14, 13), end_at=utc(2024, 5, 14, 16),
                  status="published", audience="partners")
    db.session.add(event)
    db.session.flush()
    for n, org in enumerate((dataset.alfa, dataset.delta, None)):
        registration = Registration(event_id=event.id, organisation_id=org.id if org else None, status="confirmed",
                                    name=f"Gast {n}", email=f"gast{n}@example.nl", token=f"token-{n}",
                                    active_key=f"gast{n}@example.nl")
        db.session.add(registration)
        db.session.flush()
        if org is not None:
            db.session.add(CheckIn(registration_id=registration.id))
    procedure = Procedure(kind="aanbesteding", title="Bedrijfsafval", closing_date=date(2023, 12, 1), status="gegund")
    db.session.add(procedure)
    db.session.flush()
    bid = Bid(procedure_id=procedure.id, organisation_id=dataset.alfa.id)
    db.session.add(bid)
    db.session.flush()
    db.session.add(Commitment(organisation_id=dataset.alfa.id, procedure_id=procedure.id, bid_id=bid.id,
                              kind="impact_jobs", promised=3, start_date=date(2024, 1, 1), due_date=date(2025, 1, 1)))
    db.session.add(Commitment(organisation_id=dataset.alfa.id, procedure_id=procedure.id, bid_id=bid.id,
                              kind="jobs", promised=10, start_date=date(2024, 1, 1), due_date=date(2024, 6, 1),
                              reported_realised=4))
    db.session.add(Commitment(organisation_id=dataset.alfa.id, procedure_id=procedure.id, bid_id=bid.id,
                              kind="stageplekken", promised=2, start_date=date(2024, 1, 1), due_date=date(2025, 1, 1)))
    # Delta's hbo stageplek has no period: it counts from the day it was logged (today).
    bid_delta = Bid(procedure_id=procedure.id, organisation_id=dataset.delta.id)
    db.session.add(bid_delta)
    db.session.flush()
    db.session.add(Commitment(organisation_id=dataset.delta.id, procedure_id=procedure.id, bid_id=bid_delta.id,
                              kind="stageplekken", promised=4, start_date=date(2024, 1, 1), due_date=date(2099, 1, 1)))
    db.session.commit()
    return SimpleNamespace(event=event, procedure=procedure)
