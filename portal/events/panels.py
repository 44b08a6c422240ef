"""Event sections on the organisation home page and the staff partner detail page."""
from sqlalchemy import func, select

from portal.database import utcnow
from portal.events.models import CheckIn, Event, Registration
from portal.events.services import attendance_by_organisation
from portal.extensions import db
from portal.panels import panel


@panel("org_home", order=40, template="events/_org_home_panel.html")
def org_home_panel(org):
    now = utcnow()
    events = db.session.scalars(
        select(Event).where(Event.status == "published", Event.end_at > now,
                            Event.audience.in_(("partners", "public")))
        .order_by(Event.start_at).limit(5)
    ).all()
    registered = {}
    if events:
        registered = dict(db.session.execute(
            select(Registration.event_id, func.count())
            .where(Registration.organisation_id == org.id, Registration.event_id.in_([e.id for e in events]),
                   Registration.status.in_(("confirmed", "waitlisted")))
            .group_by(Registration.event_id)
        ).all())
    return {"events": events, "registered": registered,
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
