"""How the programme counts: the one definition of partner, "heeft het label" and "werkt aan het label" on a date.

On a date D (a calendar day in Europe/Amsterdam, the status at the end of D):
- **partner**: the organisation's last partnership change on or before D has status ``partner`` (a suspended or
  ended partnership does not count);
- **heeft het label**: a partner on D that holds a valid label on D. The label that counts is the one started
  last on or before D; it is valid while D is not after its ``valid_until`` and its last status change on or
  before D (if any) is ``geldig`` (or ``verlopen`` marked early): suspended, withdrawn or expired is not valid;
- **werkt aan het label**: every other partner on D, wherever it is on the path. Label + working = partners;
- **label zonder partnerschap**: a valid label on D held by an organisation that is not a partner on D; counted
  apart, never in the headline.
The programme's figures count an organisation on D only when its municipality takes part on D
(``municipality_takes_part``); organisations without a municipality always count.

Two forms, built from the same statements: ``standing_statement`` (SQL, one row per date and organisation, for
set-based reports: ``counts_on`` groups it in one query) and ``standing_on`` (per organisation, for the label
check, the bulk check and the API: the same statement restricted to the organisations asked for).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, case, cast, func, literal, or_, select, true, union_all
from sqlalchemy.sql import ClauseElement

from portal.database import is_postgres
from portal.extensions import db
from portal.label.models import Label, LabelStatusChange
from portal.partners.models import Municipality, Organisation, PartnerStatusChange

# The groups an organisation is in on a date (``group_of``).
HEEFT_LABEL = "label"
WERKT_AAN_LABEL = "werkt_aan_label"
LABEL_ZONDER_PARTNERSCHAP = "label_zonder_partnerschap"
GEEN = "geen"
GROUPS = (HEEFT_LABEL, WERKT_AAN_LABEL, LABEL_ZONDER_PARTNERSCHAP, GEEN)
VALID_LABEL_STATUSES = ("geldig", "verlopen")  # the last change's status; "verlopen" is checked on valid_until


def group_of(partner: bool, label: bool) -> str:
    """The group of an organisation that is (not) a partner and does (not) hold a valid label on a date."""
    if partner:
        return HEEFT_LABEL if label else WERKT_AAN_LABEL
    return LABEL_ZONDER_PARTNERSCHAP if label else GEEN


def municipality_takes_part(active: bool, joins_on: date | None, day: date) -> bool:
    """Whether a municipality's organisations count on ``day``: it takes part and has joined by then."""
    return bool(active) and (joins_on is None or joins_on <= day)


def municipality_has_targets_in(active: bool, joins_on: date | None, year: int) -> bool:
    """Whether a municipality can have targets for ``year``: it takes part and joins in that year or before."""
    return bool(active) and (joins_on is None or joins_on.year <= int(year))


# --------------------------------------------------------------------------- SQL building blocks
def dates_table(dates, name: str = "ref_dates"):
    """A derived table with one row per date (column ``ref_date``); ``dates`` may be one SQL expression (a
    bound parameter of type Date) for a statement built once and run with many dates."""
    if isinstance(dates, ClauseElement):
        return select(dates.label("ref_date")).subquery(name)
    dates = sorted(set(dates))
    if is_postgres():  # typed, so the planner compares dates with dates
        parts = [select(cast(literal(d.isoformat()), Date).label("ref_date")) for d in dates]
    else:  # SQLite keeps dates as ISO text, and CAST(... AS DATE) would make a number of it
        parts = [select(literal(d, Date).label("ref_date")) for d in dates]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery(name)


def _only(stmt, column, org_ids):
    """Restrict to ``org_ids``: None (all), a list of ids, or a SQL select of ids."""
    if org_ids is None:
        return stmt
    return stmt.where(column.in_(org_ids if isinstance(org_ids, ClauseElement) else list(org_ids)))


def partners_on(dates, org_ids=None):
    """(ref_date, organisation_id) of every partner on each date.

    Each partnership change holds from its valid_from until the next change of the organisation (ties: the later
    id wins); one window pass over the history, then each date picks the interval that covers it.
    """
    psc = PartnerStatusChange
    intervals = _only(select(
        psc.organisation_id, psc.status, psc.valid_from,
        func.lead(psc.valid_from).over(partition_by=psc.organisation_id,
                                       order_by=(psc.valid_from, psc.id)).label("valid_to"),
    ), psc.organisation_id, org_ids).subquery("partner_intervals")
    dt = dates_table(dates, "partner_dates")
    d = dt.c.ref_date
    return (select(d.label("ref_date"), intervals.c.organisation_id)
            .select_from(dt)
            .join(intervals, and_(intervals.c.valid_from <= d,
                                  or_(intervals.c.valid_to.is_(None), intervals.c.valid_to > d)))
            .where(intervals.c.status == "partner"))


def label_holders(dates, org_ids=None):
    """(ref_date, organisation_id) of every organisation whose current label is valid on ref_date.

    Each label holds from its valid_from until the next label of the organisation starts (ties: the later id);
    its status on D is that of its last change on or before D (none: geldig). Both histories become intervals
    in one window pass each, so the work does not grow with the dates.
    """
    labels = _only(select(
        Label.id, Label.organisation_id, Label.valid_from, Label.valid_until,
        func.lead(Label.valid_from).over(partition_by=Label.organisation_id,
                                         order_by=(Label.valid_from, Label.id)).label("next_from"),
    ), Label.organisation_id, org_ids).subquery("label_intervals")
    changes = select(
        LabelStatusChange.label_id, LabelStatusChange.status, LabelStatusChange.effective_on,
        func.lead(LabelStatusChange.effective_on).over(
            partition_by=LabelStatusChange.label_id,
            order_by=(LabelStatusChange.effective_on, LabelStatusChange.id)).label("next_on"),
    ).subquery("label_status_intervals")
    dt = dates_table(dates, "label_dates")
    d = dt.c.ref_date
    return (
        select(d.label("ref_date"), labels.c.organisation_id)
        .select_from(dt)
        .join(labels, and_(labels.c.valid_from <= d, or_(labels.c.next_from.is_(None), labels.c.next_from > d),
                           labels.c.valid_until >= d))
        .outerjoin(changes, and_(changes.c.label_id == labels.c.id, changes.c.effective_on <= d,
                                 or_(changes.c.next_on.is_(None), changes.c.next_on > d)))
        .where(func.coalesce(changes.c.status, "geldig").in_(VALID_LABEL_STATUSES))
    )


def standing_statement(dates, org_ids=None):
    """(ref_date, organisation_id, partner, label) for every organisation that is a partner or holds a valid
    label on ref_date (partner and label are 1 or 0); organisations that are neither have no row."""
    p = partners_on(dates, org_ids).subquery("partners_on")
    h = label_holders(dates, org_ids).subquery("holders_on")
    both = union_all(
        select(p.c.ref_date, p.c.organisation_id, literal(1).label("partner"), literal(0).label("label")),
        select(h.c.ref_date, h.c.organisation_id, literal(0).label("partner"), literal(1).label("label")),
    ).subquery("standing_parts")
    return (select(both.c.ref_date, both.c.organisation_id, func.max(both.c.partner).label("partner"),
                   func.max(both.c.label).label("label"))
            .group_by(both.c.ref_date, both.c.organisation_id))


def takes_part_sql(ref_date):
    """SQL: the organisation (joined with its municipality, outer) counts in the programme's figures on ref_date."""
    return or_(Organisation.municipality_id.is_(None),
               and_(Municipality.active == true(),
                    or_(Municipality.joins_on.is_(None), Municipality.joins_on <= ref_date)))


# --------------------------------------------------------------------------- set-based counts
@dataclass
class StandingCounts:
    """The programme's groups on one date: partners = labels + working, always."""

    labels: int = 0
    working: int = 0
    label_only: int = 0  # label holders that are not partners: counted apart

    @property
    def partners(self) -> int:
        return self.labels + self.working

    def __add__(self, other):
        return StandingCounts(self.labels + other.labels, self.working + other.working,
                              self.label_only + other.label_only)


@dataclass
class CountsOn:
    """Counts on one date per municipality id (None: no municipality): those that take part, and those that not
    (yet) take part, shown apart to say why they are left out."""

    counted: dict
    not_counted: dict


def counts_on(dates, *, municipality_id: int | None = None, sector: str | None = None) -> dict[date, CountsOn]:
    """{date: CountsOn} for every date given: one query, whatever the data size and the number of dates."""
    from portal.dashboard.metrics import _as_date  # one date parser for both dialects

    dates = sorted(set(dates))
    result = {d: CountsOn({}, {}) for d in dates}
    if not dates:
        return result
    s = standing_statement(dates).subquery("standing")
    counted = case((takes_part_sql(s.c.ref_date), 1), else_=0)
    stmt = (select(s.c.ref_date, Organisation.municipality_id, counted.label("counted"),
                   func.sum(case((and_(s.c.partner == 1, s.c.label == 1), 1), else_=0)),
                   func.sum(case((and_(s.c.partner == 1, s.c.label == 0), 1), else_=0)),
                   func.sum(case((and_(s.c.partner == 0, s.c.label == 1), 1), else_=0)))
            .select_from(s)
            .join(Organisation, Organisation.id == s.c.organisation_id)
            .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
            .group_by(s.c.ref_date, Organisation.municipality_id, counted))
    if municipality_id is not None:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    if sector:
        stmt = stmt.where(Organisation.sector == sector)
    for ref_date, muni_id, is_counted, labels, working, label_only in db.session.execute(stmt):
        bucket = result[_as_date(ref_date)]
        target = bucket.counted if is_counted else bucket.not_counted
        target[muni_id] = target.get(muni_id, StandingCounts()) + StandingCounts(
            int(labels or 0), int(working or 0), int(label_only or 0))
    return result


# --------------------------------------------------------------------------- per organisation
@dataclass(frozen=True)
class Standing:
    """Where one organisation stands in the programme on a date."""

    organisation_id: int
    on: date
    partner: bool = False
    label: bool = False
    counted: bool = True  # its municipality takes part on the date

    @property
    def group(self) -> str:
        return group_of(self.partner, self.label)


def standing_on(org_ids, on: date) -> dict[int, Standing]:
    """{org_id: Standing} on ``on`` for every id given: one query, the same statement the reports group."""
    org_ids = list(dict.fromkeys(int(i) for i in org_ids))
    if not org_ids:
        return {}
    s = standing_statement([on], org_ids).subquery("standing")
    stmt = (select(Organisation.id, s.c.partner, s.c.label,
                   case((takes_part_sql(literal(on, Date)), 1), else_=0))
            .select_from(Organisation)
            .outerjoin(s, s.c.organisation_id == Organisation.id)
            .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
            .where(Organisation.id.in_(org_ids)))
    result = {org_id: Standing(org_id, on) for org_id in org_ids}
    for org_id, partner, label, counted in db.session.execute(stmt):
        result[org_id] = Standing(org_id, on, partner=bool(partner), label=bool(label), counted=bool(counted))
    return result


def group_condition(group: str, on: date):
    """SQL condition on Organisation: in ``group`` on ``on`` (for list filters)."""
    s = standing_statement([on]).subquery("standing")
    ids = select(s.c.organisation_id)
    if group == HEEFT_LABEL:
        return Organisation.id.in_(ids.where(s.c.partner == 1, s.c.label == 1))
    if group == WERKT_AAN_LABEL:
        return Organisation.id.in_(ids.where(s.c.partner == 1, s.c.label == 0))
    if group == LABEL_ZONDER_PARTNERSCHAP:
        return Organisation.id.in_(ids.where(s.c.partner == 0, s.c.label == 1))
    return Organisation.id.not_in(ids)


def without_valid_label_condition(on: date):
    """SQL condition on Organisation: holds no valid label on ``on`` (partner or not)."""
    h = label_holders([on]).subquery("holders_on")
    return Organisation.id.not_in(select(h.c.organisation_id))


def label_status_condition(status: str, on: date):
    """SQL condition on Organisation: its current label on ``on`` has ``status`` as its last change (such as
    ``geschorst``), whatever its validity dates."""
    labels = select(
        Label.id, Label.organisation_id, Label.valid_from,
        func.lead(Label.valid_from).over(partition_by=Label.organisation_id,
                                         order_by=(Label.valid_from, Label.id)).label("next_from"),
    ).subquery("current_labels")
    last_change = (select(LabelStatusChange.status).where(LabelStatusChange.label_id == labels.c.id,
                                                          LabelStatusChange.effective_on <= on)
                   .order_by(LabelStatusChange.effective_on.desc(), LabelStatusChange.id.desc()).limit(1)
                   .scalar_subquery())
    ids = select(labels.c.organisation_id).where(
        labels.c.valid_from <= on, or_(labels.c.next_from.is_(None), labels.c.next_from > on),
        last_change == status)
    return Organisation.id.in_(ids)
