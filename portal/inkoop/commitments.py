"""Wederkerigheid: commitments from the winning bid, progress from what the organisation logs, follow-ups."""
import calendar
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.audit.services import record
from portal.extensions import db
from portal.inkoop import sources
from portal.inkoop.models import Commitment, FollowUp, Procedure
from portal.inkoop.procedures import ProcedureError
from portal.mail.outbox import queue_mail

KIND_LABELS = {
    "impact_jobs": _l("Banen met impact"),
    "stageplekken": _l("Stageplekken"),
    "jobs_residents": _l("Banen voor inwoners"),
    "jobs": _l("Banen op de locatie"),
}
# Counted from the organisation's own logs; the other kinds are reported in a follow-up conversation.
MEASURED = ("impact_jobs", "stageplekken")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def create_from_bid(procedure: Procedure, bid, *, start: date) -> list[Commitment]:
    due = add_months(start, procedure.commitment_months)
    created = []
    for promise in bid.commitments:
        if promise.quantity <= 0:
            continue
        commitment = Commitment(organisation_id=bid.organisation_id, procedure_id=procedure.id, bid_id=bid.id,
                                kind=promise.kind, promised=promise.quantity, start_date=start, due_date=due)
        db.session.add(commitment)
        created.append(commitment)
    db.session.flush()
    return created


def notify_awarded(procedure: Procedure, bid, created) -> None:
    """Tell the organisation's own administrators that their promises are now followed up in the portal."""
    if not created:
        return
    recipients = {m.user.email for m in bid.organisation.memberships if m.role == "beheerder" and m.user.active}
    for email in sorted(recipients):
        queue_mail(email, _l("Uw toezeggingen bij %(title)s", title=procedure.title), "inkoop/awarded",
                   procedure=procedure, organisation=bid.organisation, commitments=created,
                   labels=KIND_LABELS, home_url=current_app.config["PORTAL_BASE_URL"] + "/", kind="inkoop-awarded")


@dataclass
class Progress:
    commitment: Commitment
    realised: int | None
    measured: bool

    @property
    def percent(self) -> int | None:
        if self.realised is None or not self.commitment.promised:
            return None
        return min(100, round(100 * self.realised / self.commitment.promised))

    @property
    def state(self) -> str:
        if self.realised is not None and self.realised >= self.commitment.promised:
            return "gerealiseerd"
        if self.commitment.due_date < sources.today():
            return "achter"
        return "loopt"


def progress(commitments: list[Commitment], *, today: date | None = None) -> list[Progress]:
    """Promised against realised, counted from jobs and stageplekken logged since the award (two queries)."""
    today = today or sources.today()
    org_ids = {c.organisation_id for c in commitments}
    kinds = {c.kind for c in commitments}
    jobs = sources.logged_impact_job_starts(org_ids) if "impact_jobs" in kinds else []
    places = sources.logged_stageplekken(org_ids) if "stageplekken" in kinds else []
    result = []
    for c in commitments:
        if c.kind == "impact_jobs":
            realised = sum(1 for org_id, start in jobs
                           if org_id == c.organisation_id and start and c.start_date <= start <= today)
        elif c.kind == "stageplekken":
            realised = sum(n or 0 for org_id, start, n in places
                           if org_id == c.organisation_id and start and c.start_date <= start <= today)
        else:
            realised = c.reported_realised
        result.append(Progress(commitment=c, realised=realised, measured=c.kind in MEASURED))
    return result


def organisation_commitments(org_id: int) -> list[Commitment]:
    return list(db.session.scalars(select(Commitment).where(Commitment.organisation_id == org_id)
                                   .order_by(Commitment.due_date, Commitment.id)).all())


def add_follow_up(organisation, *, by, held_on: date, note: str, procedure_id: int | None = None,
                  reported: dict | None = None) -> FollowUp:
    """Record a follow-up conversation; numbers the organisation reported update the unmeasured commitments."""
    note = (note or "").strip()
    if not note:
        raise ProcedureError(_("Beschrijf wat er is besproken."), field="note")
    if held_on > sources.today():
        raise ProcedureError(_("Een gesprek kan niet in de toekomst zijn gevoerd."), field="held_on")
    own = {c.id: c for c in organisation_commitments(organisation.id)}
    if procedure_id is not None and procedure_id not in {c.procedure_id for c in own.values()}:
        raise ProcedureError(_("Deze organisatie heeft geen toezeggingen in die procedure."), field="procedure_id")
    follow_up = FollowUp(organisation_id=organisation.id, procedure_id=procedure_id, held_on=held_on, note=note,
                         author_id=by.id if by else None)
    db.session.add(follow_up)
    changes = {}
    for commitment_id, number in (reported or {}).items():
        commitment = own.get(commitment_id)
        if commitment is None or commitment.kind in MEASURED or number is None:
            continue
        if number < 0:
            raise ProcedureError(_("Een gerealiseerd aantal is 0 of meer."))
        if commitment.reported_realised != number:
            changes[f"{commitment.id}:{commitment.kind}"] = [commitment.reported_realised, number]
            commitment.reported_realised = number
    db.session.flush()
    record("inkoop.follow_up_recorded", follow_up, actor=by, organisation_id=organisation.id,
           summary=note[:200], changes=changes or None)
    return follow_up


def follow_ups(org_id: int) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(FollowUp.organisation_id == org_id)
                                   .order_by(FollowUp.held_on.desc(), FollowUp.id.desc())).all())
