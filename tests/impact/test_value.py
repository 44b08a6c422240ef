"""Realised social value: the SQL aggregate equals a plain-Python computation of the same rules."""
import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.impact import value
from portal.impact.models import ValueTable
from portal.partners.models import ImpactJob, Organisation, Stageplek
from tests.impact.conftest import log_job, log_place, random_data
from tests.querycount import count_queries

TODAY = date(2025, 11, 20)


def _kind(job):
    if job.contract_type == "bbl":
        return "bbl_baan"
    if job.contract_type == "werkervaringsplek":
        return "werkervaringsplek"
    for group, kind in value.TARGET_GROUP_ORDER:
        if group in job.target_groups:
            return kind
    return "baan_overig"


def plain_value(start, end, group_by, today=TODAY):
    """The module's rules in Python, over every job and place in the database."""
    end = min(end, today)
    published = sorted(db.session.scalars(select(ValueTable).where(ValueTable.status == "gepubliceerd")),
                       key=lambda t: t.year)
    orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
    totals = {}

    def key_of(org_id, year):
        org = orgs[org_id]
        return {"organisation": org.id, "municipality": org.municipality_id, "sector": org.sector,
                "year": year, "total": None}[group_by]

    for year in range(start.year, end.year + 1):
        applicable = [t for t in published if t.year <= year]
        if not applicable:
            continue
        table = applicable[-1]
        ys, ye = max(date(year, 1, 1), start), min(date(year, 12, 31), end)
        year_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        for job in db.session.scalars(select(ImpactJob)):
            amount = table.amount(_kind(job))
            job_end = job.end_date or ye
            if amount is None or job.start_date > ye or job_end < ys:
                continue
            days = (min(job_end, ye) - max(job.start_date, ys)).days + 1
            fulltime = Decimal(table.fulltime_hours)
            share = min(Decimal(job.hours_per_week), fulltime) / fulltime
            k = key_of(job.organisation_id, year)
            totals[k] = totals.get(k, Decimal(0)) + Decimal(amount) * share * days / year_days
        for plek in db.session.scalars(select(Stageplek)):
            starts = plek.period_start or plek.created_at.date()
            amount = table.amount("stage_" + plek.stage_type)
            if plek.places_filled and amount is not None and ys <= starts <= ye:
                k = key_of(plek.organisation_id, year)
                totals[k] = totals.get(k, Decimal(0)) + Decimal(amount) * plek.places_filled
    return totals


@pytest.mark.parametrize("group_by", ["organisation", "municipality", "sector", "year", "total"])
def test_sql_equals_plain_python_on_generated_data(app, make_org, make_user, publish_year, group_by):
    rng = random.Random(17)
    owner = make_user()
    sectors = ["zorg", "bouw_infra", "schoonmaak"]
    orgs = [make_org(members=[owner], sector=sectors[i % 3],
                     municipality=["Dordrecht", "Zwijndrecht"][i % 2]) for i in range(5)]
    publish_year(2023, {"baan_bijstand": Decimal("35000"), "stage_bol": Decimal("2500")})
    publish_year(2025, {"baan_banenafspraak": Decimal("31000"), "werkervaringsplek": Decimal("9000")},
                 fulltime_hours=Decimal("38"))
    random_data(rng, orgs, owner, jobs=40, places=20)
    for start, end in [(date(2024, 1, 1), date(2025, 12, 31)), (date(2024, 4, 1), date(2024, 6, 30)),
                       (date(2023, 1, 1), date(2026, 3, 31))]:
        found = value.social_value(start, end, group_by=group_by, today=TODAY)
        expected = plain_value(start, end, group_by)
        assert set(found) == {k for k, v in expected.items() if v or k in found}
        for k, v in expected.items():
            assert abs(found[k].total - v) <= Decimal("0.02"), (k, found[k].total, v)
        assert any(v > 0 for v in expected.values())


def test_a_full_time_year_is_the_rate_and_part_time_is_pro_rata(app, make_org, make_user, publish_year):
    owner = make_user()
    org = make_org(members=[owner])
    publish_year(2024, {"baan_bijstand": Decimal("36600"), "baan_banenafspraak": Decimal("30000"),
                        "stage_bol": Decimal("2500")})
    log_job(org, owner, start=date(2024, 1, 1), end=date(2024, 12, 31), groups=["bijstand"])
    # Half time for half a year (183 of 366 days in 2024); banenafspraak comes before bijstand.
    log_job(org, owner, start=date(2024, 7, 2), hours=18, groups=["bijstand", "banenafspraak"])
    log_place(org, owner, start=date(2024, 9, 1), places=3, filled=2)
    log_place(org, owner, start=date(2024, 9, 1), places=3, filled=0)  # nobody placed: no value
    row = value.social_value(date(2024, 1, 1), date(2024, 12, 31), today=TODAY)[org.id]
    assert row.jobs_value == Decimal("36600.00") + (Decimal("30000") / 2 * 183 / 366).quantize(Decimal("0.01"))
    assert row.places_value == Decimal("5000.00")
    assert (row.jobs, row.students) == (2, 2)


def test_days_after_today_do_not_count(app, make_org, make_user, publish_year):
    owner = make_user()
    org = make_org(members=[owner])
    publish_year(2025, {"baan_bijstand": Decimal("36500")})
    log_job(org, owner, start=date(2025, 1, 1))
    row = value.social_value(date(2025, 1, 1), date(2025, 12, 31), today=date(2025, 1, 10))[org.id]
    assert row.jobs_value == Decimal("1000.00")  # 10 days of 365


def test_no_published_table_means_no_value(app, make_org, make_user, staff):
    from portal.impact import tables

    owner = make_user()
    org = make_org(members=[owner])
    tables.create_table(2024, by=staff)  # a concept does not count
    db.session.commit()
    log_job(org, owner, start=date(2024, 1, 1))
    assert value.social_value(date(2024, 1, 1), date(2024, 12, 31), today=TODAY) == {}


def test_one_aggregate_query_whatever_the_number_of_rows(app, make_org, make_user, publish_year):
    owner = make_user()
    orgs = [make_org(members=[owner]) for _ in range(3)]
    publish_year(2024)
    random_data(random.Random(3), orgs, owner, jobs=10, places=5)
    with count_queries() as small:
        value.social_value(date(2024, 1, 1), date(2025, 6, 30), today=TODAY)
    random_data(random.Random(4), orgs, owner, jobs=30, places=15)
    with count_queries() as large:
        value.social_value(date(2024, 1, 1), date(2025, 6, 30), today=TODAY)
    assert small.count == large.count <= 3


def test_figures_over_everything_are_kept_a_while_and_equal_fresh_ones(app, make_org, make_user, publish_year):
    from portal.impact import cache

    owner = make_user()
    orgs = [make_org(members=[owner], sector=s) for s in ("zorg", "ict")]
    publish_year(2024)
    random_data(random.Random(5), orgs, owner, jobs=10, places=5)
    app.config["DASHBOARD_CACHE_SECONDS"] = 600
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    with count_queries() as first:
        computed = cache.social_value(start, end, group_by="sector")
    db.session.commit()
    with count_queries() as second:
        kept = cache.social_value(start, end, group_by="sector")
    assert kept == computed == value.social_value(start, end, group_by="sector")
    assert second.count == 0 < first.count
    # Each row is rounded to cents on its own.
    assert abs(cache.total_value(start, end).total - sum(r.total for r in computed.values())) <= Decimal("0.04")
