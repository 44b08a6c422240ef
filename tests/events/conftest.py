"""Fixtures of the events tests: a staff member and published events built through the rules."""
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest

from portal.database import utcnow
from portal.events import services
from portal.extensions import db
from portal.mail.outbox import send_pending


def path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def deliver():
    """Send what rule calls outside a request left in the outbox (a request sends after its commit)."""
    return send_pending()


def attachment(msg, filename):
    for part in msg.iter_attachments():
        if part.get_filename() == filename:
            return part.get_content()
    raise AssertionError(f"no attachment {filename} in {[p.get_filename() for p in msg.iter_attachments()]}")


def ics_events(msg):
    data = attachment(msg, "evenement.ics")
    if isinstance(data, str):
        data = data.encode()
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, calendar.walk("VEVENT")


@pytest.fixture
def staff(make_user):
    return make_user("mbo_staff", email="medewerker@stmbo.nl", name="Medewerker St. MBO")


@pytest.fixture
def make_event(staff):
    def factory(publish=True, **overrides):
        start = overrides.pop("start_at", utcnow().replace(microsecond=0) + timedelta(days=10))
        data = {
            "title": "Praktijktafel inclusief werven", "kind": "praktijktafel", "description": "Over *werven*.",
            "start_at": start, "end_at": overrides.pop("end_at", start + timedelta(hours=2)),
            "location": "Stadskantoor Dordrecht", "capacity": 10, "audience": "public",
            "registration_opens_at": None, "registration_closes_at": None, "reminder_days": 2,
        }
        data.update(overrides)
        event = services.create_event(data, staff)
        if publish:
            services.publish_event(event, staff)
        db.session.commit()
        return event

    return factory


@pytest.fixture
def member(make_user, make_org):
    """A member of an approved partner organisation."""
    user = make_user(email="lid@partner.nl", name="Petra Partner")
    org = make_org(name="Bouwbedrijf De Merwede", members=[user])
    return user, org
