"""What the start page shows each role: St. MBO sees what waits for it, in a fixed number of queries."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from portal import clock
from portal.database import utcnow
from portal.extensions import db

EXPIRY_WINDOW_DAYS = 60


def staff_waiting() -> dict:
    """Partnership applications, zelfscans waiting to be taken (and the oldest waiting time), labels that
    expire within EXPIRY_WINDOW_DAYS and today's events: four queries, whatever the numbers."""
    from portal.events.models import Event
    from portal.label.models import Assessment, Label
    from portal.partners.models import Organisation

    now = utcnow()
    applications, applied_first = db.session.execute(
        select(func.count(Organisation.id), func.min(Organisation.applied_at))
        .where(Organisation.partner_status == "aanvraag")).one()
    waiting, submitted_first = db.session.execute(
        select(func.count(Assessment.id), func.min(Assessment.submitted_at))
        .where(Assessment.status == "ingediend")).one()
    today = clock.today()
    expiring = db.session.scalar(
        select(func.count(Label.id)).where(Label.status == "geldig", Label.valid_until >= today,
                                           Label.valid_until <= today + timedelta(days=EXPIRY_WINDOW_DAYS)))
    start = datetime.combine(today, time.min, tzinfo=clock.TZ)
    events = db.session.scalars(
        select(Event).where(Event.status == "published", Event.start_at >= start,
                            Event.start_at < start + timedelta(days=1))
        .order_by(Event.start_at).limit(10)).all()
    return {
        "applications": applications,
        "applications_days": (now - applied_first).days if applied_first else None,
        "assessments": waiting,
        "assessments_days": (now - submitted_first).days if submitted_first else None,
        "expiring": expiring,
        "expiry_window": EXPIRY_WINDOW_DAYS,
        "events": events,
    }
