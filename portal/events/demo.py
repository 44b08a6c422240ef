"""Demo events: the Wijk naar Werk kick-off, two editions of the Studentenfestival, a praktijktafel and an
HR-tafel, with registrations, check-ins and a waiting list."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.audit.services import record
from portal.database import utcnow
from portal.events.models import (
    Answer,
    CheckIn,
    Event,
    Invitation,
    ProgrammeSlot,
    Registration,
    RegistrationQuestion,
)
from portal.events.services import from_local, new_token, to_local
from portal.extensions import db
from portal.partners.models import Membership, Municipality, Organisation

PUBLIC_PEOPLE = [
    ("Sanne de Vries", "Da Vinci College"), ("Youssef El Amrani", "Da Vinci College"),
    ("Lotte Bakker", "Hogeschool Rotterdam"), ("Daan Verhoeven", "Insula College"),
    ("Fatima Ouali", "Da Vinci College"), ("Milan Jansen", "Albeda"), ("Noah Visser", ""),
    ("Eva Smit", "Dordrecht Academy"),
]

FALLBACK_ORGS = [
    ("Bouwbedrijf De Merwede", "70000017"), ("Zorggroep Drechtsteden", "70000025"),
    ("Logistiek Dordtse Kil", "70000033"), ("Installatietechniek Zwijndrecht", "70000041"),
]


def _at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def _organisations(accounts):
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.partner_status == "partner").order_by(Organisation.id).limit(8)
    ).all()
    if orgs:
        return list(orgs)
    muni = db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))
    if muni is None:
        muni = Municipality(name="Dordrecht")
        db.session.add(muni)
    for name, kvk in FALLBACK_ORGS:
        org = db.session.scalar(select(Organisation).where(Organisation.kvk == kvk))
        if org is None:
            org = Organisation(name=name, kvk=kvk, city="Dordrecht", municipality=muni, partner_status="partner",
                               partner_since=utcnow().date() - timedelta(days=400))
            db.session.add(org)
        orgs.append(org)
    owner = accounts.get("ondernemer")
    db.session.flush()
    if owner is not None and not owner.memberships:
        db.session.add(Membership(user_id=owner.id, organisation_id=orgs[0].id, role="beheerder"))
    db.session.flush()
    return orgs


def _members(orgs):
    """(user, organisation) pairs of existing memberships, one per organisation."""
    ids = [o.id for o in orgs]
    rows = db.session.scalars(select(Membership).where(Membership.organisation_id.in_(ids))
                              .order_by(Membership.id)).all()
    seen, users, result = set(), set(), []
    for m in rows:
        if m.organisation_id not in seen and m.user_id not in users:
            seen.add(m.organisation_id)
            users.add(m.user_id)
            result.append((m.user, m.organisation))
    return result


def _event(staff, **values):
    event = Event(status="published", created_by_id=staff.id if staff else None, published_at=utcnow(), **values)
    db.session.add(event)
    db.session.flush()
    return event


def _slots(event, items):
    day = to_local(event.start_at).date()
    for start, end, title, speaker, room in items:
        db.session.add(ProgrammeSlot(event=event, starts_at=_at(day, *start), ends_at=_at(day, *end) if end else None,
                                     title=title, speaker=speaker, room=room))


def _register(event, status, *, name, email, organisation=None, organisation_name="", user=None,
              checked_in=False, answers=None, when=None):
    when = when or event.start_at - timedelta(days=10)
    registration = Registration(
        event=event, user_id=user.id if user else None, organisation_id=organisation.id if organisation else None,
        name=name, email=email.lower(), organisation_name=organisation.name if organisation else organisation_name,
        status=status, token=new_token(), created_at=when,
        active_key=email.lower() if status in ("confirmed", "waitlisted") else None,
        confirmed_at=when if status == "confirmed" else None,
        waitlisted_at=when if status == "waitlisted" else None,
    )
    db.session.add(registration)
    for question, value in (answers or {}).items():
        registration.answers.append(Answer(question=question, value=value))
    if status == "confirmed":
        event.seats_taken += 1
    if checked_in:
        registration.check_in = CheckIn(checked_in_at=event.start_at + timedelta(minutes=10))
    return registration


def seed(accounts):
    if db.session.scalar(select(Event.id).limit(1)) is not None:
        return
    staff = accounts.get("mbo_staff")
    orgs = _organisations(accounts)
    members = _members(orgs)
    now = utcnow()
    today = to_local(now).date()

    # The Wijk naar Werk kick-off (seed 000, DOMAIN.md): Friday 27 September 2024, a morning programme from 09:00
    # (09:00 the role of the employer; 09:30 practical support, what does it look like; closing). The invitation
    # names no speakers, rooms or closing time, so neither does the demo; the morning ends by noon.
    kickoff_day = date(2024, 9, 27)
    kickoff = _event(
        staff, title="Kick-off Wijk naar Werk", kind="kick-off", audience="invitation",
        start_at=_at(kickoff_day, 9), end_at=_at(kickoff_day, 12), location="Dordrecht",
        reminder_days=2,
        description=(
            "Twintig gemotiveerde wijkbewoners die een kans nodig hebben, worden in de pilot **Wijk naar Werk** "
            "(onderdeel van de Wijkaanpak 2.0) begeleid naar werk bij werkgevers. Op deze ochtend starten we de "
            "pilot met de werkgevers die een plek bieden.\n\n"
            "- 09.00 uur: De rol van de werkgever\n- 09.30 uur: Praktische ondersteuning, hoe ziet dat er uit?\n"
            "- Afronding\n\n"
            "Laat weten dat je komt: meld je aan via de uitnodiging."
        ),
    )
    _slots(kickoff, [((9, 0), None, "De rol van de werkgever", "", ""),
                     ((9, 30), None, "Praktische ondersteuning, hoe ziet dat er uit?", "", "")])
    offers_place = RegistrationQuestion(event=kickoff, position=1, kind="yesno", required=True,
                                        label="Biedt u een werkplek aan een wijkbewoner?")
    db.session.add(offers_place)
    for i, (user, org) in enumerate(members):
        db.session.add(Invitation(event_id=kickoff.id, email=user.email.lower(),
                                  invited_by_id=staff.id if staff else None))
        _register(kickoff, "confirmed", name=user.name or user.email, email=user.email, user=user, organisation=org,
                  checked_in=i % 4 != 3, answers={offers_place: "ja" if i % 3 else "nee"})

    # Studentenfestival Drechtsteden: the first edition (September 2024) and the next one.
    festival_day = date(2024, 9, 19)
    festival = _event(
        staff, title="Studentenfestival Drechtsteden 2024", kind="festival", audience="public",
        start_at=_at(festival_day, 13), end_at=_at(festival_day, 18), location="Energiehuis, Dordrecht",
        capacity=300, description="De eerste editie: studenten, scholen en bedrijven uit de Drechtsteden "
                                   "ontmoeten elkaar. Stages, leerwerkplekken en een eerste baan.")
    _slots(festival, [((13, 0), None, "Opening", "Wethouder", "Podium"),
                      ((13, 30), (16, 30), "Bedrijvenmarkt en speeddates", "", "Hal"),
                      ((16, 30), (18, 0), "Festival en netwerkborrel", "", "Podium")])
    for i, (name, school) in enumerate(PUBLIC_PEOPLE):
        _register(festival, "confirmed", name=name, email=f"student{i + 1}@example.nl", organisation_name=school,
                  checked_in=i % 3 != 2)
    for user, org in members[:3]:
        _register(festival, "confirmed", name=user.name or user.email, email=user.email, user=user,
                  organisation=org, checked_in=True)

    next_year = today.year + 1 if today.month >= 9 else today.year
    next_day = date(next_year, 9, 16)
    next_day += timedelta(days=(3 - next_day.weekday()) % 7)  # a Thursday, like the first edition
    if next_day - today < timedelta(days=14):
        next_day = today + timedelta(days=45)
    festival_next = _event(
        staff, title=f"Studentenfestival Drechtsteden {next_day.year}", kind="festival", audience="public",
        start_at=_at(next_day, 13), end_at=_at(next_day, 18), location="Energiehuis, Dordrecht", capacity=350,
        registration_opens_at=now - timedelta(days=7),
        description="De volgende editie van het Studentenfestival. Bedrijven: neem stageplekken en "
                    "leerwerkplekken mee.")
    _slots(festival_next, [((13, 0), None, "Opening", "", "Podium"),
                           ((13, 30), (16, 30), "Bedrijvenmarkt en speeddates", "", "Hal")])
    for i, (name, school) in enumerate(PUBLIC_PEOPLE[:4]):
        _register(festival_next, "confirmed", name=name, email=f"student{i + 1}@example.nl",
                  organisation_name=school, when=now - timedelta(days=2))
    _register(festival_next, "pending", name="Noor Hendriks", email="noor@example.nl",
              organisation_name="Insula College", when=now - timedelta(hours=3))

    # A small praktijktafel, full with a waiting list; an HR-tafel with room left.
    praktijk_day = today + timedelta(days=14)
    praktijk = _event(
        staff, title="Praktijktafel: inclusief werven in de logistiek", kind="praktijktafel", audience="partners",
        start_at=_at(praktijk_day, 15, 30), end_at=_at(praktijk_day, 17, 30), location="Dordtse Kil IV", capacity=3,
        description="Werkgevers delen wat werkt: werven op vaardigheden in plaats van diploma's, en *job carving*.")
    diet = RegistrationQuestion(event=praktijk, position=1, kind="text", label="Dieetwensen")
    db.session.add(diet)
    for i, (user, org) in enumerate(members):
        status = "confirmed" if i < 3 else "waitlisted"
        _register(praktijk, status, name=user.name or user.email, email=user.email, user=user, organisation=org,
                  when=now - timedelta(days=5 - min(i, 4)), answers={diet: "vegetarisch"} if i == 1 else None)
    if len(members) < 4:
        _register(praktijk, "waitlisted", name="Wachtende collega", email="wachtlijst@example.nl",
                  organisation=orgs[-1], when=now - timedelta(days=1))
    hr_day = today + timedelta(days=5)
    hr = _event(
        staff, title="HR-tafel: duurzame inzetbaarheid", kind="hr-tafel", audience="partners",
        start_at=_at(hr_day, 12), end_at=_at(hr_day, 14), location="Stadskantoor Dordrecht", capacity=20,
        description="Vier keer per jaar praten HR-professionals uit de regio over goed werkgeverschap. "
                    "Deze keer: duurzame inzetbaarheid en meer uren voor wie dat wil.")
    _slots(hr, [((12, 0), (12, 30), "Lunch", "", ""), ((12, 30), (14, 0), "Tafelgesprek", "St. MBO", "")])
    for user, org in members[:2]:
        _register(hr, "confirmed", name=user.name or user.email, email=user.email, user=user, organisation=org)
    db.session.flush()
    record("event.demo_loaded", summary="Demo-evenementen geladen", object_type="Event", actor=staff)
