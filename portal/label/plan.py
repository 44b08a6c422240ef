"""The plan after a review: improvement actions with dates, visible to the organisation and staff."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.audit.services import record
from portal.extensions import db
from portal.label.errors import LabelError
from portal.label.history import today
from portal.label.models import Assessment, ImprovementAction


def add_action(assessment: Assessment, by, description: str, due_on: date | None, *, by_staff: bool):
    description = (description or "").strip()
    if not description:
        raise LabelError(_("Beschrijf wat u gaat verbeteren."), field="description")
    if due_on is not None and due_on < assessment.started_on:
        raise LabelError(_("Kies een datum na de start van de zelfscan."), field="due_on")
    action = ImprovementAction(organisation_id=assessment.organisation_id, assessment_id=assessment.id,
                               description=description[:2000], due_on=due_on, created_by_id=by.id,
                               by_staff=by_staff)
    db.session.add(action)
    db.session.flush()
    record("label.plan_action_added", action, actor=by, summary=description[:200],
           changes={"due_on": [None, due_on]})
    return action


def complete_action(action: ImprovementAction, by):
    if action.done_on is not None:
        raise LabelError(_("Deze stap is al afgerond."))
    action.done_on = today()
    record("label.plan_action_done", action, actor=by, summary=action.description[:200])
    db.session.flush()
    return action


def plan_of(organisation_id: int) -> list[ImprovementAction]:
    """The organisation's whole plan, open steps first, by date."""
    actions = db.session.scalars(select(ImprovementAction).where(ImprovementAction.organisation_id == organisation_id)
                                 .order_by(ImprovementAction.id)).all()
    return sorted(actions, key=lambda a: (a.done_on is not None, a.due_on or date.max, a.id))
