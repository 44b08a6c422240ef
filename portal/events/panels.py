"""Event sections on the organisation home page and the staff partner detail page."""
from sqlalchemy import case, func, select

from portal.database import utcnow
from portal.events.models import CheckIn, Event, Registration
from portal.events.services import attendance_by_organisation
from portal.extensions import db
from portal.panels import panel


@panel("org_home", order=40, template="events/_org_home_panel.html")
def org_home_panel(org):
    """The organisation's upcoming registrations (confirmed and waitlisted per event), the next events it has
    not signed up for, and how often it attended: three queries."""
    now = utcnow()
    confirmed = func.sum(case((Registration.status == "confirmed", 1), else_=0))
    waitlisted = func.sum(case((Registration.status == "waitlisted", 1), else_=0))
    mine = db.session.execute(
        select(Event, confirmed, waitlisted).join(Registration, Registration.event_id == Event.id)
        .where(Registration.organisation_id == org.id, Event.end_at > now,
               Registration.status.in_(("confirmed", "waitlisted")))
        .group_by(Event.id).order_by(Event.start_at).limit(10)
    ).all()
    taken = [event.id for event, _c, _w in mine]
    stmt = (select(Event).where(Event.status == "published", Event.end_at > now,
                                Event.audience.in_(("partners", "public")))
            .order_by(Event.start_at).limit(5))
    if taken:
        stmt = stmt.where(Event.id.not_in(taken))
    return {"mine": [(event, int(c or 0), int(w or 0)) for event, c, w in mine],
            "events": db.session.scalars(stmt).all(),
            "attended": attendance_by_organisation([org.id])[org.id]}


@panel("partner_detail", order=40, template="events/_partner_detail_panel.html")
def partner_detail_panel(org):
    attended = func.count(CheckIn.id)
    rows = db.session.execute(
        select(Event, func.count(Registration.id), attended)
        .join(Registration, Registration.event_id == Event.id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.organisation_id == org.id, Registration.status == "confirmed")
        .group_by(Event.id).order_by(Event.start_at.desc()).limit(50)
    ).all()
    return {"rows": [{"event": e, "registered": n, "attended": a} for e, n, a in rows],
            "total_attended": sum(a for _, _, a in rows)}
