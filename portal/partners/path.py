"""The path of an organisation to the label: the steps St. MBO records (intake, inspiratiesessie) and, for the
partners that "werken aan het label" on a date, the stage each one is at and since when.

The path: partner agreement -> intake -> inspiratiesessie -> zelfscan in progress -> submitted / in review ->
changes asked; after a refusal the improvement plan. The stage on a date D is the furthest step reached by D:
an assessment open on D (its stage from its submission and the request for changes), otherwise the
improvement plan when the last assessment decided by D was refused, otherwise the last recorded step,
otherwise the partner agreement. Everything is one set-based SQL statement, whatever the number of partners.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select, union_all

from portal import clock
from portal.audit.services import diff, record
from portal.database import for_update
from portal.extensions import db
from portal.label.models import Assessment
from portal.partners.models import PATH_STEPS, Municipality, Organisation, PartnerStatusChange, PathStep
from portal.partners.services import PartnerError
from portal.programme import standing

STEP_LABELS = {"intake": _l("Intake"), "inspiratiesessie": _l("Inspiratiesessie")}
NOTE_MAX = 2000

# Stages in the order of the path (shown in this order); the rank decides which stage an organisation is at
# when several apply (an open assessment beats a refusal, a refusal beats an earlier inspiratiesessie).
STAGES = (
    ("partnerovereenkomst", _l("Partnerovereenkomst"), 0),
    ("intake", _l("Intake gehad"), 1),
    ("inspiratiesessie", _l("Inspiratiesessie gevolgd"), 2),
    ("zelfscan", _l("Zelfscan in uitvoering"), 4),
    ("beoordeling", _l("Ingediend of in beoordeling"), 5),
    ("wijzigingen", _l("Wijzigingen gevraagd"), 6),
    ("verbeterplan", _l("Verbeterplan na afwijzing"), 3),
)
STAGE_CODES = tuple(code for code, _label, _rank in STAGES)
STAGE_LABELS = {code: label for code, label, _rank in STAGES}
_RANK = {code: rank for code, _label, rank in STAGES}
_CODE_OF_RANK = {rank: code for code, _label, rank in STAGES}


# --------------------------------------------------------------------------- recording a step
def record_path_step(org: Organisation, step: str, held_on: date, by, note: str = "",
                     source: str = "") -> PathStep:
    """Record (or correct) when ``org`` had its intake or inspiratiesessie; one row per organisation and step.

    ``source`` names where the change came from (an import's file name) for the audit log.
    """
    if step not in PATH_STEPS:
        raise PartnerError(_("Kies intake of inspiratiesessie."), field="step")
    if held_on is None:
        raise PartnerError(_("Vul de datum in."), field="held_on")
    if held_on > clock.today():
        raise PartnerError(_("De datum ligt in de toekomst; leg een stap vast als die geweest is."), field="held_on")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise PartnerError(_("De notitie is te lang (hoogstens %(n)s tekens).", n=NOTE_MAX), field="note")
    stmt = select(PathStep).where(PathStep.organisation_id == org.id, PathStep.step == step)
    existing = db.session.scalar(for_update(stmt))
    by_id = by.id if by is not None else None
    label = str(STEP_LABELS[step])
    where = f" (bron: {source})" if source else ""
    if existing is None:
        existing = PathStep(organisation_id=org.id, step=step, held_on=held_on, note=note, recorded_by_id=by_id)
        db.session.add(existing)
        db.session.flush()
        record("partner.path_step_recorded", existing, actor=by, organisation_id=org.id,
               summary=f"{label} op {held_on.strftime('%d-%m-%Y')}{where}",
               changes={"step": [None, step], "held_on": [None, held_on], "note": [None, note]})
        return existing
    changes = diff(existing, {"held_on": held_on, "note": note})
    if changes:
        existing.recorded_by_id = by_id
        db.session.flush()
        record("partner.path_step_changed", existing, actor=by, organisation_id=org.id,
               summary=f"{label} gewijzigd{where}", changes=changes)
    return existing


def steps_of(org_id: int) -> list[PathStep]:
    return list(db.session.scalars(select(PathStep).where(PathStep.organisation_id == org_id)
                                   .order_by(PathStep.held_on, PathStep.id)))


# --------------------------------------------------------------------------- who works on the label (the seam)
def working_on_label(on: date):
    """A SELECT of ``organisation_id`` for the partners that "werken aan het label" on ``on``: the programme's one
    definition (portal.programme.standing: partner on D without a valid label on D), limited to organisations
    whose municipality takes part in the programme on D, as the dashboard's figures are."""
    s = standing.standing_statement([on]).subquery("path_standing")
    return (select(s.c.organisation_id)
            .join(Organisation, Organisation.id == s.c.organisation_id)
            .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
            .where(s.c.partner == 1, s.c.label == 0, standing.takes_part_sql(on)))


# --------------------------------------------------------------------------- the stage on a date
def _day(column):
    from portal.dashboard.metrics import _utc_date

    return _utc_date(column)


def stages_on(on: date):
    """A subquery (organisation_id, stage_rank, since) for every partner working on the label on ``on``."""
    working = working_on_label(on).subquery("path_working")
    rank = lambda n: literal(n)  # noqa: E731 - a typed constant for each union part

    agreement = (select(PartnerStatusChange.organisation_id.label("organisation_id"), rank(0).label("stage_rank"),
                        func.max(PartnerStatusChange.valid_from).label("since"))
                 .where(PartnerStatusChange.status == "partner", PartnerStatusChange.valid_from <= on)
                 .group_by(PartnerStatusChange.organisation_id))
    steps = select(PathStep.organisation_id, case((PathStep.step == "intake", 1), else_=2), PathStep.held_on) \
        .where(PathStep.held_on <= on)
    changes_asked = and_(Assessment.status == "wijzigingen_gevraagd", Assessment.closed_on.is_(None),
                         _day(Assessment.status_changed_at) <= on)
    submitted = and_(Assessment.submitted_at.is_not(None), _day(Assessment.submitted_at) <= on)
    open_assessment = select(
        Assessment.organisation_id,
        case((changes_asked, 6), (submitted, 5), else_=4),
        case((changes_asked, _day(Assessment.status_changed_at)), (submitted, _day(Assessment.submitted_at)),
             else_=Assessment.started_on),
    ).where(Assessment.started_on <= on, or_(Assessment.closed_on.is_(None), Assessment.closed_on > on))
    decided = select(
        Assessment.organisation_id, Assessment.status, Assessment.closed_on,
        func.row_number().over(partition_by=Assessment.organisation_id,
                               order_by=(Assessment.closed_on.desc(), Assessment.id.desc())).label("n"),
    ).where(Assessment.closed_on.is_not(None), Assessment.closed_on <= on).subquery("path_decided")
    refused = select(decided.c.organisation_id, rank(3), decided.c.closed_on) \
        .where(decided.c.n == 1, decided.c.status == "afgewezen")
    candidates = union_all(agreement, steps, open_assessment, refused).subquery("path_candidates")
    ranked = select(
        candidates.c.organisation_id, candidates.c.stage_rank, candidates.c.since,
        func.row_number().over(partition_by=candidates.c.organisation_id,
                               order_by=(candidates.c.stage_rank.desc(), candidates.c.since.desc())).label("n"),
    ).where(candidates.c.organisation_id.in_(select(working.c.organisation_id))).subquery("path_ranked")
    return select(ranked.c.organisation_id, ranked.c.stage_rank, ranked.c.since) \
        .where(ranked.c.n == 1).subquery("path_stages")


def _where_org(stmt, municipality_id, sector):
    if municipality_id is not None:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    if sector:
        stmt = stmt.where(Organisation.sector == sector)
    return stmt


@dataclass
class StageCount:
    code: str
    label: str
    count: int = 0
    oldest_since: date | None = None  # the organisation longest at this stage entered it on this date
    longest_days: int | None = None


def stage_counts(on: date, municipality_id: int | None = None, sector: str | None = None) -> list[StageCount]:
    """How many partners working on the label are at each stage on ``on``, and the longest wait: one query."""
    stages = stages_on(on)
    stmt = (select(stages.c.stage_rank, func.count(), func.min(stages.c.since))
            .select_from(stages).join(Organisation, Organisation.id == stages.c.organisation_id)
            .group_by(stages.c.stage_rank))
    found = {}
    for stage_rank, n, oldest in db.session.execute(_where_org(stmt, municipality_id, sector)):
        found[_CODE_OF_RANK[int(stage_rank)]] = (int(n), _as_date(oldest))
    result = []
    for code in STAGE_CODES:
        n, oldest = found.get(code, (0, None))
        result.append(StageCount(code, str(STAGE_LABELS[code]), n, oldest,
                                 (on - oldest).days if oldest else None))
    return result


def stage_members(on: date, stage: str | None, municipality_id: int | None = None, sector: str | None = None):
    """A select() of (Organisation, stage_rank, since) working on the label on ``on`` at ``stage`` (None: any),
    longest at their stage first: for a paginated list."""
    stages = stages_on(on)
    stmt = (select(Organisation, stages.c.stage_rank, stages.c.since)
            .join(stages, stages.c.organisation_id == Organisation.id)
            .order_by(stages.c.since, Organisation.name, Organisation.id))
    if stage in _RANK:
        stmt = stmt.where(stages.c.stage_rank == _RANK[stage])
    return _where_org(stmt, municipality_id, sector)


def stage_of(org_id: int, on: date | None = None) -> tuple[str, date] | None:
    """(stage, since) of one organisation on ``on`` (default today), None when it does not work on the label."""
    on = on or clock.today()
    stages = stages_on(on)
    row = db.session.execute(select(stages.c.stage_rank, stages.c.since)
                             .where(stages.c.organisation_id == org_id)).first()
    if row is None:
        return None
    return _CODE_OF_RANK[int(row.stage_rank)], _as_date(row.since)


def code_of_rank(stage_rank) -> str:
    return _CODE_OF_RANK[int(stage_rank)]


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
