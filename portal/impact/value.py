"""Realised social value in euros, computed in SQL from logged impact jobs and stageplekken.

One statement per call: the rates that apply to each year of the period (a small derived table built from the
published value tables) are joined to the jobs and places, and summed per organisation, municipality, sector
or year. The same rules in words (``plain_value`` in the tests computes them in Python):

- an impact job is valued at the rate of its kind for the year, times min(hours, full time) / full time, times
  the days of the job within the year and the period (never after today) divided by the days of the year;
  its kind is its contract for a BBL job or a werkervaringsplek, otherwise its first target group in the order
  banenafspraak, bijstand, WW, and "baan_overig" for every other;
- a stageplek is valued at the rate of its stage type per student placed (places_filled), in the year it
  starts (its period's start, or the day it was logged), when that day lies in the period.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Numeric,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)

from portal import clock
from portal.database import is_postgres
from portal.extensions import db
from portal.impact.reference import CONTRIBUTION_UNITS
from portal.impact.tables import tables_for_years
from portal.partners.models import ImpactJob, ImpactJobTargetGroup, Organisation, Stageplek

GROUPS = ("organisation", "municipality", "sector", "year")
# The first matching target group decides the kind of an impact job (a job counts once).
TARGET_GROUP_ORDER = (("banenafspraak", "baan_banenafspraak"), ("bijstand", "baan_bijstand"), ("ww", "baan_ww"))


@dataclass
class ValueRow:
    key: object
    jobs_value: Decimal
    places_value: Decimal
    jobs: int  # impact jobs that contributed
    students: int  # students placed in stageplekken that contributed

    @property
    def total(self) -> Decimal:
        return self.jobs_value + self.places_value

    @property
    def contributions(self) -> int:
        return self.jobs + self.students


def _date_literal(day: date):
    if is_postgres():
        return cast(literal(day.isoformat()), Date)
    return literal(day, Date)  # SQLite keeps dates as ISO text


def _least(*args):
    return func.least(*args) if is_postgres() else func.min(*args)


def _greatest(*args):
    return func.greatest(*args) if is_postgres() else func.max(*args)


def _days_between(later, earlier):
    """later - earlier in whole days, in SQL."""
    if is_postgres():
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _utc_date(column):
    if is_postgres():
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def _rates_table(start: date, end: date):
    """(year, year_start, year_end, kind, amount, fulltime) per year of the period and kind with a rate; or None."""
    years = range(start.year, end.year + 1)
    tables = tables_for_years(years)
    parts = []
    for year in years:
        table = tables.get(year)
        if table is None:
            continue
        for rate in table.rates:
            parts.append(select(literal(year, Integer).label("year"),
                                _date_literal(max(date(year, 1, 1), start)).label("ys"),
                                _date_literal(min(date(year, 12, 31), end)).label("ye"),
                                literal((date(year + 1, 1, 1) - date(year, 1, 1)).days, Integer).label("year_days"),
                                literal(rate.kind).label("kind"),
                                literal(Decimal(rate.amount), Numeric(12, 2)).label("amount"),
                                literal(Decimal(table.fulltime_hours), Numeric(4, 1)).label("fulltime")))
    if not parts:
        return None
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("rates")


def _first_target_groups(org_filter=None):
    """(job_id, prio): the first of TARGET_GROUP_ORDER among each job's target groups (4: none of them)."""
    prio = case(*[(ImpactJobTargetGroup.target_group == group, n)
                  for n, (group, _kind) in enumerate(TARGET_GROUP_ORDER, start=1)], else_=len(TARGET_GROUP_ORDER) + 1)
    stmt = (select(ImpactJobTargetGroup.impact_job_id.label("job_id"), func.min(prio).label("prio"))
            .where(ImpactJobTargetGroup.target_group.in_([g for g, _k in TARGET_GROUP_ORDER]))
            .group_by(ImpactJobTargetGroup.impact_job_id))
    if org_filter is not None:
        stmt = stmt.where(ImpactJobTargetGroup.impact_job_id.in_(select(ImpactJob.id).where(org_filter)))
    return stmt.subquery("first_group")


def job_kind_expression(first_group):
    """The contribution kind of an impact job, in SQL (see the module text); ``first_group`` is outer-joined."""
    whens = [(ImpactJob.contract_type == "bbl", literal("bbl_baan")),
             (ImpactJob.contract_type == "werkervaringsplek", literal("werkervaringsplek"))]
    for n, (_group, kind) in enumerate(TARGET_GROUP_ORDER, start=1):
        whens.append((first_group.c.prio == n, literal(kind)))
    return case(*whens, else_=literal("baan_overig"))


GROUP_COLUMNS = {"organisation": "organisation_id", "municipality": "municipality_id", "sector": "sector"}


def social_value(start: date, end: date, *, group_by: str = "organisation", organisation_ids=None,
                 municipality_id: int | None = None, sector: str | None = None,
                 today: date | None = None) -> dict:
    """{key: ValueRow} of the social value realised in [start, end] (days after today do not count).

    ``group_by`` is one of GROUPS, or "total" (one row, key None); at most two queries (the applicable value
    tables, then one aggregate).
    """
    if group_by not in GROUPS and group_by != "total":
        raise ValueError(f"unknown grouping {group_by}")
    today = today or clock.today()
    end = min(end, today)
    if end < start:
        return {}
    org_filters = []
    if organisation_ids is not None:
        ids = list(organisation_ids)
        if not ids:
            return {}
        org_filters.append(Organisation.id.in_(ids))
    if municipality_id is not None:
        org_filters.append(Organisation.municipality_id == municipality_id)
    if sector:
        org_filters.append(Organisation.sector == sector)
    rates = _rates_table(start, end)
    if rates is None:
        return {}

    def key(source):
        if group_by == "year":
            return rates.c.year.label("key")
        if group_by == "total":
            return literal(0, Integer).label("key")
        return source.c[GROUP_COLUMNS[group_by]].label("key")

    # Impact jobs: the days of each job within each year of the period.
    first_group = _first_target_groups(ImpactJob.organisation_id.in_(list(organisation_ids))
                                       if organisation_ids is not None else None)
    jobs = (select(ImpactJob.id.label("job_id"), ImpactJob.start_date, ImpactJob.end_date,
                   ImpactJob.hours_per_week, job_kind_expression(first_group).label("kind"),
                   Organisation.id.label("organisation_id"), Organisation.municipality_id, Organisation.sector)
            .join(Organisation, Organisation.id == ImpactJob.organisation_id)
            .outerjoin(first_group, first_group.c.job_id == ImpactJob.id)
            .where(ImpactJob.start_date <= _date_literal(end),
                   ImpactJob.end_date.is_(None) | (ImpactJob.end_date >= _date_literal(start)),
                   *org_filters)).subquery("jobs")
    job_end = func.coalesce(jobs.c.end_date, rates.c.ye)
    days = _days_between(_least(job_end, rates.c.ye), _greatest(jobs.c.start_date, rates.c.ys)) + 1
    hours_share = _least(jobs.c.hours_per_week, rates.c.fulltime) / rates.c.fulltime
    job_rows = (select(key(jobs), (rates.c.amount * hours_share * days / rates.c.year_days).label("jobs_value"),
                       literal(0, Numeric(14, 2)).label("places_value"), jobs.c.job_id.label("job_id"),
                       literal(0, Integer).label("students"))
                .select_from(jobs)
                .join(rates, and_(rates.c.kind == jobs.c.kind, jobs.c.start_date <= rates.c.ye,
                                  job_end >= rates.c.ys)))

    # Stageplekken: every student placed, in the year the place starts.
    place_start = func.coalesce(Stageplek.period_start, _utc_date(Stageplek.created_at))
    places = (select(Stageplek.places_filled, Stageplek.stage_type, place_start.label("starts_on"),
                     Organisation.id.label("organisation_id"), Organisation.municipality_id, Organisation.sector)
              .join(Organisation, Organisation.id == Stageplek.organisation_id)
              .where(Stageplek.places_filled > 0, *org_filters)).subquery("places")
    place_rows = (select(key(places), literal(0, Numeric(14, 2)).label("jobs_value"),
                         (rates.c.amount * places.c.places_filled).label("places_value"),
                         literal(None, Integer).label("job_id"), places.c.places_filled.label("students"))
                  .select_from(places)
                  .join(rates, and_(rates.c.kind == literal("stage_") + places.c.stage_type,
                                    places.c.starts_on >= rates.c.ys, places.c.starts_on <= rates.c.ye)))
    both = union_all(job_rows, place_rows).subquery("contributions")
    stmt = (select(both.c.key, _exact_sum(both.c.jobs_value), _exact_sum(both.c.places_value),
                   func.count(func.distinct(both.c.job_id)), func.coalesce(func.sum(both.c.students), 0))
            .group_by(both.c.key))
    result = {}
    for row_key, jobs_value, places_value, job_count, students in db.session.execute(stmt).all():
        row_key = None if group_by == "total" else row_key
        result[row_key] = ValueRow(key=row_key, jobs_value=_money(jobs_value), places_value=_money(places_value),
                                   jobs=int(job_count or 0), students=int(students or 0))
    return result


def _exact_sum(column):
    # Typed as a float on the way out: the inferred Numeric type would round the sum to the scale of the
    # hours column (one decimal) when SQLite hands back a float; amounts are rounded to cents in _money.
    return type_coerce(func.sum(column), Float)


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def total_value(start: date, end: date, **filters) -> ValueRow:
    """The sum over everything that ``filters`` select (one row, zero when nothing contributed)."""
    found = social_value(start, end, group_by="total", **filters)
    return found.get(None) or ValueRow(key=None, jobs_value=Decimal("0.00"), places_value=Decimal("0.00"),
                                       jobs=0, students=0)


def is_fte_kind(kind: str) -> bool:
    return CONTRIBUTION_UNITS.get(kind) == "fte_jaar"


def _windows_table(windows):
    parts = [select(literal(key, Integer).label("wkey"), literal(org_id, Integer).label("org_id"),
                    _date_literal(start).label("ws"), _date_literal(end).label("we"))
             for key, org_id, start, end in windows]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("windows")


def windowed_value(windows, *, today: date | None = None) -> dict:
    """{(key, year): ValueRow} of each window's organisation within the window, per calendar year.

    ``windows`` are (key: int, organisation_id, start, end): an SROI obligation from its award to its end, an
    agreement over its term. Days after today do not count. At most two queries, whatever the number of windows.
    """
    today = today or clock.today()
    windows = [(key, org_id, start, min(end, today)) for key, org_id, start, end in windows
               if start <= min(end, today)]
    if not windows:
        return {}
    first, last = min(w[2] for w in windows), max(w[3] for w in windows)
    rates = _rates_table(date(first.year, 1, 1), date(last.year, 12, 31))
    if rates is None:
        return {}
    win = _windows_table(windows)
    org_ids = sorted({w[1] for w in windows})
    lo = _greatest(win.c.ws, rates.c.ys)
    hi = _least(win.c.we, rates.c.ye)

    first_group = _first_target_groups(ImpactJob.organisation_id.in_(org_ids))
    jobs = (select(ImpactJob.id.label("job_id"), ImpactJob.organisation_id, ImpactJob.start_date,
                   ImpactJob.end_date, ImpactJob.hours_per_week, job_kind_expression(first_group).label("kind"))
            .outerjoin(first_group, first_group.c.job_id == ImpactJob.id)
            .where(ImpactJob.organisation_id.in_(org_ids), ImpactJob.start_date <= _date_literal(last),
                   ImpactJob.end_date.is_(None) | (ImpactJob.end_date >= _date_literal(first)))).subquery("jobs")
    job_end = func.coalesce(jobs.c.end_date, hi)
    days = _days_between(_least(job_end, hi), _greatest(jobs.c.start_date, lo)) + 1
    hours_share = _least(jobs.c.hours_per_week, rates.c.fulltime) / rates.c.fulltime
    job_rows = (select(win.c.wkey, rates.c.year, (rates.c.amount * hours_share * days / rates.c.year_days)
                       .label("jobs_value"), literal(0, Numeric(14, 2)).label("places_value"),
                       jobs.c.job_id.label("job_id"), literal(0, Integer).label("students"))
                .select_from(jobs)
                .join(win, win.c.org_id == jobs.c.organisation_id)
                .join(rates, and_(rates.c.kind == jobs.c.kind, lo <= hi, jobs.c.start_date <= hi, job_end >= lo)))
    place_start = func.coalesce(Stageplek.period_start, _utc_date(Stageplek.created_at))
    places = (select(Stageplek.organisation_id, Stageplek.places_filled, Stageplek.stage_type,
                     place_start.label("starts_on"))
              .where(Stageplek.organisation_id.in_(org_ids), Stageplek.places_filled > 0)).subquery("places")
    place_rows = (select(win.c.wkey, rates.c.year, literal(0, Numeric(14, 2)).label("jobs_value"),
                         (rates.c.amount * places.c.places_filled).label("places_value"),
                         literal(None, Integer).label("job_id"), places.c.places_filled.label("students"))
                  .select_from(places)
                  .join(win, win.c.org_id == places.c.organisation_id)
                  .join(rates, and_(rates.c.kind == literal("stage_") + places.c.stage_type,
                                    places.c.starts_on >= lo, places.c.starts_on <= hi)))
    both = union_all(job_rows, place_rows).subquery("contributions")
    stmt = (select(both.c.wkey, both.c.year, _exact_sum(both.c.jobs_value), _exact_sum(both.c.places_value),
                   func.count(func.distinct(both.c.job_id)), func.coalesce(func.sum(both.c.students), 0))
            .group_by(both.c.wkey, both.c.year))
    result = {}
    for wkey, year, jobs_value, places_value, job_count, students in db.session.execute(stmt).all():
        result[(wkey, year)] = ValueRow(key=(wkey, year), jobs_value=_money(jobs_value),
                                        places_value=_money(places_value), jobs=int(job_count or 0),
                                        students=int(students or 0))
    return result
