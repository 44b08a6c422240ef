"""Agreements beyond procurement (wederkerigheid): MBO-akkoord, one-to-one employer approach, area agreements.

Each agreement records what both sides promised (the municipality's side too) as goals with a date; a goal of
the employer's side with a measure is counted from the parties' own logs over the agreement's term, the others
are marked as kept in a follow-up conversation.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from portal import clock
from portal.audit.services import record
from portal.extensions import db
from portal.impact import value
from portal.impact.errors import ImpactError
from portal.impact.models import (
    AGREEMENT_KINDS,
    GOAL_MEASURES,
    GOAL_SIDES,
    Agreement,
    AgreementGoal,
    AgreementMeeting,
    AgreementParty,
    WijkPlace,
    WijkPlacement,
)
from portal.partners.models import ImpactJob, Organisation, Stageplek
from portal.validators import normalise_kvk


def _organisations_by_kvk(kvks) -> list[Organisation]:
    numbers = []
    for raw in kvks:
        if not str(raw).strip():
            continue
        try:
            numbers.append(normalise_kvk(raw))
        except ValueError:
            raise ImpactError(_("%(kvk)s is geen geldig KvK-nummer.", kvk=str(raw).strip()[:20]),
                              field="kvks") from None
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        raise ImpactError(_("Vul minstens één KvK-nummer in."), field="kvks")
    found = {o.kvk: o for o in db.session.scalars(select(Organisation).where(Organisation.kvk.in_(numbers)))}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ImpactError(_("Onbekend in het portaal: %(kvks)s.", kvks=", ".join(missing)), field="kvks")
    return [found[n] for n in numbers]


def create_agreement(*, by, kind: str, title: str, kvks, start_date: date, end_date: date, area: str = "",
                     description: str = "") -> Agreement:
    if kind not in AGREEMENT_KINDS:
        raise ImpactError(_("Kies het soort afspraak."), field="kind")
    title = (title or "").strip()
    if not title:
        raise ImpactError(_("Vul een titel in."), field="title")
    if end_date < start_date:
        raise ImpactError(_("De einddatum ligt vóór de ingangsdatum."), field="end_date")
    organisations = _organisations_by_kvk(kvks)
    if kind != "gebiedsafspraak" and len(organisations) != 1:
        raise ImpactError(_("Een MBO-akkoord of een-op-een afspraak is met één werkgever; meerdere werkgevers "
                            "samen maken een gebiedsafspraak."), field="kvks")
    if kind == "gebiedsafspraak" and not (area or "").strip():
        raise ImpactError(_("Vul het bedrijventerrein of gebied in."), field="area")
    agreement = Agreement(kind=kind, title=title[:200], area=(area or "").strip()[:120], start_date=start_date,
                          end_date=end_date, description=(description or "").strip()[:4000],
                          created_by_id=by.id if by else None,
                          parties=[AgreementParty(organisation_id=o.id) for o in organisations])
    db.session.add(agreement)
    db.session.flush()
    for org in organisations:
        record("impact.agreement_created", agreement, actor=by, organisation_id=org.id,
               summary=_l("Afspraak: %(title)s", title=agreement.title))
    return agreement


def add_goal(agreement: Agreement, *, by, side: str, description: str, measure: str = "", target=None,
             due_date: date) -> AgreementGoal:
    if side not in GOAL_SIDES:
        raise ImpactError(_("Kies wie het belooft."), field="side")
    description = (description or "").strip()
    if not description:
        raise ImpactError(_("Beschrijf de afspraak."), field="description")
    measure = measure or ""
    if measure and measure not in GOAL_MEASURES:
        raise ImpactError(_("Kies hoe we het meten."), field="measure")
    if measure and side != "organisatie":
        raise ImpactError(_("Alleen wat de werkgever belooft, tellen we uit wat de werkgever registreert."),
                          field="measure")
    if measure and (target is None or Decimal(target) <= 0):
        raise ImpactError(_("Een meetbaar doel heeft een aantal of bedrag."), field="target")
    if not agreement.start_date <= due_date:
        raise ImpactError(_("De datum ligt vóór de ingang van de afspraak."), field="due_date")
    goal = AgreementGoal(agreement_id=agreement.id, side=side, description=description[:2000], measure=measure,
                         target=Decimal(target) if target is not None else None, due_date=due_date)
    db.session.add(goal)
    db.session.flush()
    for org_id in agreement.organisation_ids:
        record("impact.agreement_goal_added", goal, actor=by, organisation_id=org_id,
               summary=description[:200], changes={"side": side, "measure": measure,
                                                   "target": str(target) if target is not None else None})
    return goal


def add_meeting(agreement: Agreement, *, by, held_on: date, note: str, done_goal_ids=()) -> AgreementMeeting:
    note = (note or "").strip()
    if not note:
        raise ImpactError(_("Beschrijf wat is besproken."), field="note")
    if held_on > clock.today():
        raise ImpactError(_("Een gesprek kan niet in de toekomst zijn gevoerd."), field="held_on")
    meeting = AgreementMeeting(agreement_id=agreement.id, held_on=held_on, note=note[:4000],
                               author_id=by.id if by else None)
    db.session.add(meeting)
    own = {g.id: g for g in agreement.goals}
    kept = []
    for goal_id in done_goal_ids or ():
        goal = own.get(goal_id)
        if goal is None:
            raise ImpactError(_("Die afspraak hoort niet bij deze overeenkomst."), field="done_goals")
        if not goal.done:
            goal.done = True
            kept.append(goal.id)
    db.session.flush()
    for org_id in agreement.organisation_ids:
        record("impact.agreement_meeting", meeting, actor=by, organisation_id=org_id, summary=note[:200],
               changes={"goals_kept": kept} if kept else None)
    return meeting


@dataclass
class GoalProgress:
    goal: AgreementGoal
    realised: Decimal | None  # None: not countable, see ``goal.done``

    @property
    def percent(self) -> int | None:
        if self.realised is None or not self.goal.target:
            return None
        return min(100, int(100 * self.realised / Decimal(self.goal.target)))

    @property
    def kept(self) -> bool:
        if self.realised is not None and self.goal.target:
            return self.realised >= Decimal(self.goal.target)
        return self.goal.done

    @property
    def overdue(self) -> bool:
        return not self.kept and self.goal.due_date < clock.today()


def _windows(goals_with_agreement, measure):
    """(goal id, organisation id, from, to) for each party of each goal with ``measure``."""
    return [(goal.id, org_id, agreement.start_date, goal.due_date)
            for goal, agreement in goals_with_agreement if goal.measure == measure
            for org_id in agreement.organisation_ids]


def _count(windows, rows_stmt) -> dict[int, Decimal]:
    return {key: Decimal(count or 0) for key, count in db.session.execute(rows_stmt).all()} if windows else {}


def progress(agreements, *, today: date | None = None) -> dict[int, GoalProgress]:
    """{goal id: GoalProgress} for every goal of ``agreements``: one query per measure in use."""
    today = today or clock.today()
    pairs = [(goal, agreement) for agreement in agreements for goal in agreement.goals]
    realised: dict[int, Decimal] = {}
    for measure in GOAL_MEASURES:
        windows = [(k, o, s, min(e, today)) for k, o, s, e in _windows(pairs, measure) if s <= min(e, today)]
        if not windows:
            continue
        if measure == "sociale_waarde":
            for (key, _year), row in value.windowed_value(windows, today=today).items():
                realised[key] = realised.get(key, Decimal(0)) + row.total
            continue
        win = value._windows_table(windows)
        if measure == "impact_jobs":
            stmt = (select(win.c.wkey, func.count(ImpactJob.id)).select_from(win)
                    .join(ImpactJob, and_(ImpactJob.organisation_id == win.c.org_id,
                                          ImpactJob.start_date >= win.c.ws, ImpactJob.start_date <= win.c.we))
                    .group_by(win.c.wkey))
        elif measure == "stageplekken":
            starts = func.coalesce(Stageplek.period_start, value._utc_date(Stageplek.created_at))
            stmt = (select(win.c.wkey, func.sum(Stageplek.places)).select_from(win)
                    .join(Stageplek, and_(Stageplek.organisation_id == win.c.org_id, starts >= win.c.ws,
                                          starts <= win.c.we))
                    .group_by(win.c.wkey))
        else:  # wijk_plaatsingen
            stmt = (select(win.c.wkey, func.count(WijkPlacement.id)).select_from(win)
                    .join(WijkPlace, WijkPlace.organisation_id == win.c.org_id)
                    .join(WijkPlacement, and_(WijkPlacement.place_id == WijkPlace.id,
                                              WijkPlacement.filled_on >= win.c.ws,
                                              WijkPlacement.filled_on <= win.c.we))
                    .group_by(win.c.wkey))
        for key, count in _count(windows, stmt).items():
            realised[int(key)] = realised.get(int(key), Decimal(0)) + count
    return {goal.id: GoalProgress(goal=goal, realised=(realised.get(goal.id, Decimal(0)) if goal.measure else None))
            for goal, _agreement in pairs}


def agreements_of(org_id: int):
    """The select() of the agreements that ``org_id`` is a party to."""
    return (select(Agreement).where(Agreement.id.in_(select(AgreementParty.agreement_id)
                                                     .where(AgreementParty.organisation_id == org_id)))
            .order_by(Agreement.end_date.desc(), Agreement.id.desc()))


