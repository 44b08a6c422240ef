"""The dashboard's numbers: every aggregation runs in SQL (GROUP BY), in a fixed number of queries.

Partners, "heeft het label" and "werkt aan het label" on a date are counted as the programme counts them, by
``portal.programme.standing`` (the one definition): all dates of a trend in one query.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, cast, distinct, func, or_, select

from portal import import_optional
from portal.clock import TZ
from portal.database import is_postgres
from portal.extensions import db
from portal.partners.models import (
    ImpactJob,
    ImpactJobTargetGroup,
    Municipality,
    Organisation,
    Stageplek,
)
from portal.programme import standing

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
    points: list[QuarterPoint] = []
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


# --------------------------------------------------------------------------- statuses on dates
StatusCounts = standing.StandingCounts


def status_counts(dates, filters: Filters) -> dict[date, standing.CountsOn]:
    """{date: CountsOn} for every date given (the programme's groups per municipality): one query."""
    return standing.counts_on(dates, municipality_id=filters.municipality_id, sector=filters.sector)


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


# --------------------------------------------------------------------------- the year, against the targets
@dataclass
class YearFigures:
    """What the targets of a year count, from 1 January up to the peildatum, for one municipality."""

    impact_jobs: int = 0  # impact jobs started
    wijk_naar_werk: int = 0  # of them through Wijk naar Werk: residents placed (counted from jobs, never people)
    stageplekken: int = 0  # stageplek places offered (starting in the year)
    event_attendance: int = 0  # check-ins at published events


WIJK_NAAR_WERK = "wijk_naar_werk"


def year_figures(filters: Filters) -> dict[int | None, YearFigures]:
    """{municipality_id: YearFigures} from 1 January of the peildatum's year to the peildatum: three queries."""
    end = filters.reference_date
    start = date(end.year, 1, 1)
    result: dict[int | None, YearFigures] = {}

    def add(muni_id, **values):
        figures = result.setdefault(muni_id, YearFigures())
        for name, value in values.items():
            setattr(figures, name, getattr(figures, name) + int(value or 0))

    wnw = func.coalesce(func.sum(case((ImpactJob.route == WIJK_NAAR_WERK, 1), else_=0)), 0)
    stmt = (select(Organisation.municipality_id, func.count(ImpactJob.id), wnw)
            .select_from(ImpactJob).join(Organisation, Organisation.id == ImpactJob.organisation_id)
            .where(ImpactJob.start_date >= start, ImpactJob.start_date <= end)
            .group_by(Organisation.municipality_id))
    for muni_id, jobs, placed in db.session.execute(_where_org(stmt, filters)):
        add(muni_id, impact_jobs=jobs, wijk_naar_werk=placed)
    # A stageplek starts at its period's start, or on the day it was logged when it has no period.
    place_start = func.coalesce(Stageplek.period_start, _utc_date(Stageplek.created_at))
    stmt = (select(Organisation.municipality_id, func.coalesce(func.sum(Stageplek.places), 0))
            .select_from(Stageplek).join(Organisation, Organisation.id == Stageplek.organisation_id)
            .where(place_start >= start, place_start <= end).group_by(Organisation.municipality_id))
    for muni_id, places in db.session.execute(_where_org(stmt, filters)):
        add(muni_id, stageplekken=places)
    models = import_optional("portal.events.models")
    if models is not None:
        Event, Registration, CheckIn = models.Event, models.Registration, models.CheckIn
        stmt = (select(Organisation.municipality_id, func.count(CheckIn.id))
                .select_from(CheckIn).join(Registration, Registration.id == CheckIn.registration_id)
                .join(Event, Event.id == Registration.event_id)
                .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
                .where(Event.status == "published", Event.start_at >= _local_midnight_utc(start),
                       Event.start_at < _local_midnight_utc(end + timedelta(days=1)))
                .group_by(Organisation.municipality_id))
        for muni_id, attended in db.session.execute(_where_org(stmt, filters)):
            add(muni_id, event_attendance=attended)
    return result


# --------------------------------------------------------------------------- all numbers at once
@dataclass
class Snapshot:
    """Every number of the dashboard for one set of filters and dates, and when it was computed (UTC)."""

    status: dict[date, dict[int | None, StatusCounts]]  # organisations of municipalities that take part
    not_counted: dict[date, dict[int | None, StatusCounts]]  # of municipalities that do not take part (yet)
    year: dict[int | None, "YearFigures"]  # year to the peildatum, per municipality, to compare with targets
    jobs: JobStats
    stage: StageStats
    events: list[EventRow] | None
    commitments: list[CommitmentRow] | None
    computed_at: datetime


def compute_snapshot(filters: Filters, dates) -> Snapshot:
    """All the dashboard's numbers: a fixed number of queries whatever the data size."""
    from portal.database import utcnow

    computed_at = utcnow()
    counts = status_counts(dates, filters)
    return Snapshot(status={d: c.counted for d, c in counts.items()},
                    not_counted={d: c.not_counted for d, c in counts.items()},
                    year=year_figures(filters), jobs=impact_jobs(filters), stage=stageplekken(filters),
                    events=event_attendance(filters), commitments=commitments(filters), computed_at=computed_at)


# --------------------------------------------------------------------------- reference
def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)).all())
