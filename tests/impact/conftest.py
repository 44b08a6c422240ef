"""Fixtures of the impact tests: value tables, logged jobs and places, made through the rules."""
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.impact import tables
from portal.impact.reference import CONTRIBUTION_KINDS
from portal.partners import reference as ref
from portal.partners import services as partner_services


@pytest.fixture
def staff(make_user):
    return make_user("mbo_staff")


@pytest.fixture
def publish_year(staff):
    """Publish a value table for ``year`` with the given amounts (every kind, 1000 per kind by default)."""

    def do(year, amounts=None, fulltime_hours=Decimal("36")):
        table = tables.create_table(year, by=staff, fulltime_hours=fulltime_hours)
        wanted = {kind: Decimal("1000") for kind in CONTRIBUTION_KINDS} | (amounts or {})
        tables.set_rates(table, wanted, by=staff)
        tables.publish_table(table, by=staff)
        db.session.commit()
        return table

    return do


def log_job(org, by, *, start, end=None, hours=36, contract="vast", groups=("bijstand",), title="Medewerker"):
    job = partner_services.save_impact_job(org, by, {
        "title": title, "target_groups": list(groups), "contract_type": contract, "hours_per_week": hours,
        "start_date": start, "end_date": end, "end_reason": "contract_beeindigd" if end else ""})
    db.session.commit()
    return job


def log_place(org, by, *, start, filled=1, places=None, stage_type="bol", field="zorg"):
    plek = partner_services.save_stageplek(org, by, {
        "title": "Stage", "education_level": "mbo2", "stage_type": stage_type, "field": field,
        "places": places or max(filled, 1), "places_filled": filled, "period_start": start})
    db.session.commit()
    return plek


def random_data(rng: random.Random, orgs, by, *, jobs=40, places=20):
    """Jobs and places with random dates, hours, contracts and target groups, logged through the rules."""
    groups = [code for code, _ in ref.TARGET_GROUPS]
    contracts = [code for code, _ in ref.CONTRACT_TYPES]
    stage_types = [code for code, _ in ref.STAGE_TYPES]
    for _ in range(jobs):
        start = date(2023, 6, 1) + timedelta(days=rng.randrange(0, 900))
        end = start + timedelta(days=rng.randrange(0, 500)) if rng.random() < 0.5 else None
        log_job(rng.choice(orgs), by, start=start, end=end, hours=rng.choice([8, 16, 24, 32, 36, 40]),
                contract=rng.choice(contracts), groups=rng.sample(groups, rng.randint(1, 3)))
    for _ in range(places):
        start = date(2023, 6, 1) + timedelta(days=rng.randrange(0, 900))
        total = rng.randint(1, 4)
        log_place(rng.choice(orgs), by, start=start, places=total, filled=rng.randint(0, total),
                  stage_type=rng.choice(stage_types))
