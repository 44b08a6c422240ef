"""The dashboard's numbers: every aggregation runs in SQL (GROUP BY), in a fixed number of queries.

Statuses on a date are read from the history tables of the partners and label packages, with the same
meaning as ``partner_status_on`` and ``portal.label.history.label_status_on``:
- partner on D: the last partnership change with ``valid_from <= D`` has status ``partner`` (a suspended
  partnership does not count);
- label on D: of the organisation's labels started on or before D the last one counts; it is ``geldig`` when
  its last status change on or before D (if any) is ``geldig``/``verlopen`` and D is not after ``valid_until``
  (counted whatever the partnership status, as the public register and the label check show it);
- werkt aan het label on D: an assessment started on or before D and not decided before or on D, for an
  organisation that does not hold a valid label on D (the three groups of the targets do not overlap).

Dates of all quarters are evaluated together: a small derived table of dates is joined to the history rows,
so a trend of eight quarters costs the same three queries as a single date.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, cast, distinct, func, literal, or_, select, union_all

from portal import import_optional
from portal.clock import TZ
from portal.database import is_postgres
from portal.extensions import db
from portal.label.models import Assessment, Label, LabelStatusChange
from portal.partners.models import (
    ImpactJob,
    ImpactJobTargetGroup,
    Municipality,
    Organisation,
    PartnerStatusChange,
    Stageplek,
)

MAX_QUARTERS = 40


# --------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Filters:
    """What the dashboard and the reports count: a period, optionally one municipality and one sector.

    Counts "on a date" are taken at the end of the period (the peildatum).
    """

    start: date
    end: date
    municipality_id: int | None = None
    sector: str | None = None

    @property
    def reference_date(self) -> date:
        return self.end


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, last - timedelta(days=1)


@dataclass(frozen=True)
class QuarterPoint:
    year: int
    quarter: int
    on: date  # the quarter's last day, or the period's end for a quarter that is cut off

    @property
    def label(self) -> str:
        return f"{self.year} K{self.quarter}"


def quarter_points(start: date, end: date) -> list[QuarterPoint]:
    """One point per quarter that overlaps [start, end], taken at the quarter's end or at ``end``."""
    points = []
    year, quarter = start.year, quarter_of(start)
    while True:
        q_start, q_end = quarter_bounds(year, quarter)
        if q_start > end or len(points) >= MAX_QUARTERS:
            break
        points.append(QuarterPoint(year, quarter, min(q_end, end)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return points


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TZ).astimezone(ZoneInfo("UTC"))


def _utc_date(column):
    """The UTC calendar date of a UTCDateTime column, in SQL."""
    if is_postgres():
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)  # SQLite keeps UTC timestamps as ISO text


# --------------------------------------------------------------------------- filters on organisations
def _where_org(stmt, filters: Filters):
    if filters.municipality_id is not None:
        stmt = stmt.where(Organisation.municipality_id == filters.municipality_id)
    if filters.sector:
        stmt = stmt.where(Organisation.sector == filters.sector)
    return stmt


def _filters_on_org(filters: Filters) -> bool:
    return filters.municipality_id is not None or bool(filters.sector)


def _dates_table(dates):
    """A derived table with one row per date (column ``ref_date``)."""
    if is_postgres():  # typed, so the planner compares dates with dates
        parts = [select(cast(literal(d.isoformat()), Date).label("ref_date")) for d in dates]
    else:  # SQLite keeps dates as ISO text, and CAST(... AS DATE) would make a number of it
        parts = [select(literal(d, Date).label("ref_date")) for d in dates]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("ref_dates")


# --------------------------------------------------------------------------- statuses on dates
@dataclass
class StatusCounts:
    partners: int = 0
    labels: int = 0
    working: int = 0

    def __add__(self, other):
        return StatusCounts(self.partners + other.partners, self.labels + other.labels, self.working + other.working)


def _label_holders(dates_table):
    """(ref_date, organisation_id) of every organisation whose current label is valid on ref_date.

    The current label on D is the one started last on or before D: each label holds from its valid_from until
    the next label of the organisation starts (ties: the later id). Its status on D is that of its last change
    on or before D (none: geldig); it counts while D is not after valid_until and that status is geldig or
    verlopen (a label marked verlopen early is valid up to valid_until; geschorst and ingetrokken are not).
    Both histories become intervals in one window pass each, so the work does not grow with the dates.
    """
    labels = select(
        Label.id, Label.organisation_id, Label.valid_from, Label.valid_until,
        func.lead(Label.valid_from).over(partition_by=Label.organisation_id,
                                         order_by=(Label.valid_from, Label.id)).label("next_from"),
    ).subquery("label_intervals")
    changes = select(
        LabelStatusChange.label_id, LabelStatusChange.status, LabelStatusChange.effective_on,
        func.lead(LabelStatusChange.effective_on).over(
            partition_by=LabelStatusChange.label_id,
            order_by=(LabelStatusChange.effective_on, LabelStatusChange.id)).label("next_on"),
    ).subquery("label_status_intervals")
    d = dates_table.c.ref_date
    return (
        select(d.label("ref_date"), labels.c.organisation_id)
        .select_from(dates_table)
        .join(labels, and_(labels.c.valid_from <= d, or_(labels.c.next_from.is_(None), labels.c.next_from > d),
                           labels.c.valid_until >= d))
        .outerjoin(changes, and_(changes.c.label_id == labels.c.id, changes.c.effective_on <= d,
                                 or_(changes.c.next_on.is_(None), changes.c.next_on > d)))
        .where(func.coalesce(changes.c.status, "geldig").in_(("geldig", "verlopen")))
    )


def status_counts(dates, filters: Filters) -> dict[date, dict[int | None, StatusCounts]]:
    """{date: {municipality_id: StatusCounts}} for every date given: three queries whatever the data size."""
    dates = sorted(set(dates))
    result: dict[date, dict[int | None, StatusCounts]] = {d: {} for d in dates}
    if not dates:
        return result

    def add(rows, attr):
        for ref_date, municipality_id, n in rows:
            per_muni = result[_as_date(ref_date)]
            counts = per_muni.setdefault(municipality_id, StatusCounts())
            setattr(counts, attr, getattr(counts, attr) + n)

    # Partners: the last partnership change on or before each date. Each change holds from its valid_from until
    # the next change of the organisation (ties: the later id wins, the earlier gets an empty interval); one
    # window pass over the history, then each date picks the intervals that cover it.
    dt = _dates_table(dates)
    psc = PartnerStatusChange
    intervals = select(
        psc.organisation_id, psc.status, psc.valid_from,
        func.lead(psc.valid_from).over(partition_by=psc.organisation_id,
                                       order_by=(psc.valid_from, psc.id)).label("valid_to"),
    ).subquery("partner_intervals")
    stmt = (select(dt.c.ref_date, Organisation.municipality_id, func.count())
            .select_from(dt)
            .join(intervals, and_(intervals.c.valid_from <= dt.c.ref_date,
                                  or_(intervals.c.valid_to.is_(None), intervals.c.valid_to > dt.c.ref_date)))
            .join(Organisation, Organisation.id == intervals.c.organisation_id)
            .where(intervals.c.status == "partner")
            .group_by(dt.c.ref_date, Organisation.municipality_id))
    add(db.session.execute(_where_org(stmt, filters)).all(), "partners")

    # Valid labels.
    holders = _label_holders(_dates_table(dates)).subquery("holders")
    stmt = (select(holders.c.ref_date, Organisation.municipality_id, func.count())
            .select_from(holders).join(Organisation, Organisation.id == holders.c.organisation_id)
            .group_by(holders.c.ref_date, Organisation.municipality_id))
    add(db.session.execute(_where_org(stmt, filters)).all(), "labels")

    # Working on the label: an open assessment and no valid label on that date (an anti-join on the holders).
    dt = _dates_table(dates)
    working = (
        select(dt.c.ref_date, Assessment.organisation_id).distinct()
        .select_from(dt)
        .join(Assessment, and_(Assessment.started_on <= dt.c.ref_date,
                               or_(Assessment.closed_on.is_(None), Assessment.closed_on > dt.c.ref_date)))
    ).subquery("working")
    holding = _label_holders(_dates_table(dates)).subquery("holding")
    stmt = (select(working.c.ref_date, Organisation.municipality_id, func.count())
            .select_from(working).join(Organisation, Organisation.id == working.c.organisation_id)
            .outerjoin(holding, and_(holding.c.ref_date == working.c.ref_date,
                                     holding.c.organisation_id == working.c.organisation_id))
            .where(holding.c.organisation_id.is_(None))
            .group_by(working.c.ref_date, Organisation.municipality_id))
    add(db.session.execute(_where_org(stmt, filters)).all(), "working")
    return result


def total(per_municipality: dict[int | None, StatusCounts], municipality_id: int | None = None) -> StatusCounts:
    if municipality_id is not None:
        return per_municipality.get(municipality_id, StatusCounts())
    result = StatusCounts()
    for counts in per_municipality.values():
        result = result + counts
    return result


# --------------------------------------------------------------------------- impact jobs
@dataclass
class Breakdown:
    """Counts per category code; ``extra`` holds a second number per code (durable jobs, places filled)."""

    counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)


@dataclass
class JobStats:
    active: int = 0
    started: int = 0
    durable: int = 0
    by_target_group: Breakdown = field(default_factory=Breakdown)
    by_contract_type: Breakdown = field(default_factory=Breakdown)
    by_route: Breakdown = field(default_factory=Breakdown)
    by_neighbourhood: Breakdown = field(default_factory=Breakdown)


def _durable_sum():
    return func.coalesce(func.sum(case((ImpactJob.durable.is_(True), 1), else_=0)), 0)


def impact_jobs(filters: Filters) -> JobStats:
    """Impact jobs that ran at some time in the period: two GROUP BY queries.

    One query groups by contract type, route and neighbourhood together (a few hundred groups at most); the
    totals per dimension are sums of those groups. Target groups need their own query: a job may have several.
    """
    active = and_(ImpactJob.start_date <= filters.end,
                  or_(ImpactJob.end_date.is_(None), ImpactJob.end_date >= filters.start))

    def base(*columns):
        stmt = select(*columns).select_from(ImpactJob)
        if _filters_on_org(filters):  # the organisation is only needed to filter on its municipality or sector
            stmt = stmt.join(Organisation, Organisation.id == ImpactJob.organisation_id)
        return _where_org(stmt.where(active), filters)

    stats = JobStats()
    started = func.coalesce(func.sum(case((ImpactJob.start_date >= filters.start, 1), else_=0)), 0)
    dimensions = (ImpactJob.contract_type, ImpactJob.route, ImpactJob.neighbourhood)
    rows = db.session.execute(
        base(*dimensions, func.count(ImpactJob.id), _durable_sum(), started).group_by(*dimensions)).all()
    for contract, route, neighbourhood, n, durable, new in rows:
        n, durable = int(n), int(durable or 0)
        stats.active += n
        stats.durable += durable
        stats.started += int(new or 0)
        for breakdown, code in ((stats.by_contract_type, contract), (stats.by_route, route),
                                (stats.by_neighbourhood, neighbourhood)):
            code = code or ""
            breakdown.counts[code] = breakdown.counts.get(code, 0) + n
            breakdown.extra[code] = breakdown.extra.get(code, 0) + durable
    stmt = base(ImpactJobTargetGroup.target_group, func.count(ImpactJob.id), _durable_sum()) \
        .join(ImpactJobTargetGroup, ImpactJobTargetGroup.impact_job_id == ImpactJob.id) \
        .group_by(ImpactJobTargetGroup.target_group)
    for code, n, durable in db.session.execute(stmt):
        stats.by_target_group.counts[code] = int(n)
        stats.by_target_group.extra[code] = int(durable or 0)
    return stats


# --------------------------------------------------------------------------- stageplekken
@dataclass
class StageStats:
    offers: int = 0
    places: int = 0
    filled: int = 0
    by_level: Breakdown = field(default_factory=Breakdown)
    by_field: Breakdown = field(default_factory=Breakdown)


def stageplekken(filters: Filters) -> StageStats:
    """Stageplekken whose period overlaps the period (no period: always): places offered and filled, two queries."""
    overlaps = and_(or_(Stageplek.period_start.is_(None), Stageplek.period_start <= filters.end),
                    or_(Stageplek.period_end.is_(None), Stageplek.period_end >= filters.start))
    stats = StageStats()
    for column, breakdown in ((Stageplek.education_level, stats.by_level), (Stageplek.field, stats.by_field)):
        stmt = (select(column, func.count(Stageplek.id), func.coalesce(func.sum(Stageplek.places), 0),
                       func.coalesce(func.sum(Stageplek.places_filled), 0))
                .select_from(Stageplek).where(overlaps).group_by(column))
        if _filters_on_org(filters):
            stmt = stmt.join(Organisation, Organisation.id == Stageplek.organisation_id)
        for code, n, places, filled in db.session.execute(_where_org(stmt, filters)):
            breakdown.counts[code or ""] = int(n)
            breakdown.places[code or ""] = int(places)
            breakdown.extra[code or ""] = int(filled)
    stats.offers = sum(stats.by_level.counts.values())
    stats.places = sum(stats.by_level.places.values())
    stats.filled = sum(stats.by_level.extra.values())
    return stats


# --------------------------------------------------------------------------- events
@dataclass
class EventRow:
    kind: str
    events: int = 0
    confirmed: int = 0
    attended: int = 0
    organisations: int = 0


def event_attendance(filters: Filters) -> list[EventRow] | None:
    """Published events that started in the period, per kind: two queries; None without the events package.

    With a municipality or sector filter only registrations of matching organisations count.
    """
    models = import_optional("portal.events.models")
    if models is None:
        return None
    Event, Registration, CheckIn = models.Event, models.Registration, models.CheckIn
    in_period = and_(Event.start_at >= _local_midnight_utc(filters.start),
                     Event.start_at < _local_midnight_utc(filters.end + timedelta(days=1)),
                     Event.status == "published")
    rows: dict[str, EventRow] = {}
    for kind, n in db.session.execute(select(Event.kind, func.count(Event.id)).where(in_period).group_by(Event.kind)):
        rows[kind] = EventRow(kind=kind, events=int(n))
    stmt = (
        select(Event.kind,
               func.coalesce(func.sum(case((Registration.status == "confirmed", 1), else_=0)), 0),
               func.count(CheckIn.id),
               func.count(distinct(case((CheckIn.id.is_not(None), Registration.organisation_id)))))
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(in_period).group_by(Event.kind)
    )
    if filters.municipality_id is not None or filters.sector:
        stmt = _where_org(stmt.join(Organisation, Organisation.id == Registration.organisation_id), filters)
    for kind, confirmed, attended, organisations in db.session.execute(stmt):
        row = rows.setdefault(kind, EventRow(kind=kind))
        row.confirmed, row.attended, row.organisations = int(confirmed), int(attended), int(organisations)
    order = list(getattr(models, "KINDS", ()))
    return sorted(rows.values(), key=lambda r: (order.index(r.kind) if r.kind in order else len(order), r.kind))


# --------------------------------------------------------------------------- commitments
@dataclass
class CommitmentRow:
    kind: str
    commitments: int = 0
    promised: int = 0
    realised: int = 0
    met: int = 0
    behind: int = 0
    unreported: int = 0


def commitments(filters: Filters) -> list[CommitmentRow] | None:
    """Commitments running in the period, promised against realised on the peildatum: one query.

    Realised counts as in ``portal.inkoop.commitments.progress``: impact jobs started since the commitment's start,
    places of stageplekken starting since then (``inkoop.sources.logged_stageplekken``), and for the other kinds
    what the organisation reported.
    """
    models = import_optional("portal.inkoop.models")
    if models is None:
        return None
    Commitment = models.Commitment
    ref = filters.reference_date
    jobs = (select(func.count(ImpactJob.id))
            .where(ImpactJob.organisation_id == Commitment.organisation_id,
                   ImpactJob.start_date >= Commitment.start_date, ImpactJob.start_date <= ref)
            .correlate(Commitment).scalar_subquery())
    # A stageplek starts at its period's start, or on the day it was logged when it has no period.
    place_start = func.coalesce(Stageplek.period_start, _utc_date(Stageplek.created_at))
    places = (select(func.coalesce(func.sum(Stageplek.places), 0))
              .where(Stageplek.organisation_id == Commitment.organisation_id,
                     place_start >= Commitment.start_date, place_start <= ref)
              .correlate(Commitment).scalar_subquery())
    realised = case((Commitment.kind == "impact_jobs", jobs), (Commitment.kind == "stageplekken", places),
                    else_=Commitment.reported_realised)
    per = _where_org(
        select(Commitment.kind, Commitment.promised, Commitment.due_date, realised.label("realised"))
        .select_from(Commitment).join(Organisation, Organisation.id == Commitment.organisation_id)
        .where(Commitment.start_date <= filters.end, Commitment.due_date >= filters.start),
        filters,
    ).subquery("commitment_progress")
    got = func.coalesce(per.c.realised, 0)
    stmt = select(
        per.c.kind, func.count(), func.coalesce(func.sum(per.c.promised), 0), func.coalesce(func.sum(got), 0),
        func.coalesce(func.sum(case((got >= per.c.promised, 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(per.c.due_date < ref, got < per.c.promised), 1), else_=0)), 0),
        func.coalesce(func.sum(case((per.c.realised.is_(None), 1), else_=0)), 0),
    ).group_by(per.c.kind)
    order = list(getattr(models, "COMMITMENT_KINDS", ()))
    rows = [CommitmentRow(kind, *(int(v) for v in values)) for kind, *values in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: (order.index(r.kind) if r.kind in order else len(order), r.kind))


# --------------------------------------------------------------------------- all numbers at once
@dataclass
class Snapshot:
    """Every number of the dashboard for one set of filters and dates, and when it was computed (UTC)."""

    status: dict[date, dict[int | None, StatusCounts]]
    jobs: JobStats
    stage: StageStats
    events: list[EventRow] | None
    commitments: list[CommitmentRow] | None
    computed_at: datetime


def compute_snapshot(filters: Filters, dates) -> Snapshot:
    """All the dashboard's numbers: a fixed number of queries whatever the data size."""
    from portal.database import utcnow

    computed_at = utcnow()
    return Snapshot(status=status_counts(dates, filters), jobs=impact_jobs(filters), stage=stageplekken(filters),
                    events=event_attendance(filters), commitments=commitments(filters), computed_at=computed_at)


# --------------------------------------------------------------------------- reference
def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)).all())
