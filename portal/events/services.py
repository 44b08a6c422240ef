"""The rules of events: publish, change, cancel, register, confirm, cancel a registration, promote from the
waiting list, check in, remind and purge. Each function is one user action: it checks the transition, changes
the objects, writes the audit entry and queues the mail, and flushes; the caller commits once."""
import io
import secrets
from datetime import UTC, datetime, timedelta

import icalendar
import nh3
import segno
from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.actions import Refusal
from portal.audit.services import diff, record
from portal.auth.services import external_url as _external_url
from portal.auth.services import normalise_email
from portal.clock import TZ
from portal.database import for_update, utcnow
from portal.events.models import (
    AUDIENCES,
    KINDS,
    QUESTION_KINDS,
    Answer,
    CheckIn,
    Event,
    Invitation,
    ProgrammeSlot,
    Registration,
    RegistrationQuestion,
    ReminderLog,
)
from portal.extensions import db
from portal.mail.outbox import queue_mail

LIVE = ("confirmed", "waitlisted")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


class EventError(Refusal):
    """A refusal of the events package (message fit for the page, optional field)."""


# --------------------------------------------------------------------------- presentation helpers
def render_description(text: str) -> Markup:
    """Markdown to HTML that is safe to show: raw HTML is escaped, then nh3 keeps only harmless tags."""
    html = _markdown.render(text or "")
    clean = nh3.clean(html, tags={"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4",
                                  "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 above


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(TZ) if value is not None else None


def from_local(value: datetime | None) -> datetime | None:
    """A naive wall-clock time in Dordrecht (as a form gives it) to an aware UTC datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value.astimezone(UTC)


def registration_closes(event: Event) -> datetime:
    return event.registration_closes_at or event.start_at


def event_state(event: Event, now: datetime | None = None) -> str:
    """draft, cancelled, past, not_open, closed, full or open: what the public page shows."""
    now = now or utcnow()
    if event.status == "cancelled":
        return "cancelled"
    if event.status == "draft":
        return "draft"
    if event.end_at <= now:
        return "past"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    if now >= registration_closes(event):
        return "closed"
    if event.is_full:
        return "full"
    return "open"


def external_url(endpoint: str, **values) -> str:
    """An absolute link, also from the CLI (reminders) where there is no request to build it from."""
    if has_request_context():
        return _external_url(endpoint, **values)
    with current_app.test_request_context():
        return _external_url(endpoint, **values)


def _mail(recipient: str, subject: str, template: str, event: Event, **context):
    queue_mail(recipient, subject, f"events/{template}", event=event,
               event_url=external_url("events.detail", event_id=event.id), **context)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def manage_url(registration: Registration) -> str:
    return external_url("events.my_registration", token=registration.token)


def check_in_url(registration: Registration) -> str:
    return external_url("events.check_in_attendee", token=registration.token)


# --------------------------------------------------------------------------- calendar files and QR codes
def _ical_event(event: Event, cancelled: bool = False) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@ondernemenmetimpact.nl")
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.start_at)
    item.add("dtend", event.end_at)
    item.add("summary", event.title)
    if event.location:
        item.add("location", event.location)
    item.add("description", (event.description or "")[:2000])
    item.add("url", external_url("events.detail", event_id=event.id))
    item.add("sequence", event.sequence)
    item.add("status", "CANCELLED" if cancelled or event.status == "cancelled" else "CONFIRMED")
    return item


def _calendar(method: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//St. MBO Dordrecht//Ondernemen met impact//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Ondernemen met impact Drechtsteden")
    if method:
        cal.add("method", method)
    return cal


def event_ics(event: Event, cancelled: bool = False) -> bytes:
    cal = _calendar("CANCEL" if cancelled else "PUBLISH")
    cal.add_component(_ical_event(event, cancelled))
    return cal.to_ical()


def feed_ics(events) -> bytes:
    cal = _calendar("PUBLISH")
    for event in events:
        cal.add_component(_ical_event(event))
    return cal.to_ical()


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _ics_attachment(event: Event, cancelled: bool = False) -> dict:
    return {"filename": "evenement.ics", "content_type": "text/calendar", "data": event_ics(event, cancelled)}


# --------------------------------------------------------------------------- staff: events
EVENT_FIELDS = ("title", "kind", "description", "start_at", "end_at", "location", "capacity", "audience",
                "registration_opens_at", "registration_closes_at", "reminder_days")


def _check_event_data(data: dict) -> None:
    if not (data.get("title") or "").strip():
        raise EventError(_("Geef het evenement een titel."), field="title")
    if data.get("kind") not in KINDS:
        raise EventError(_("Kies een soort evenement."), field="kind")
    if data.get("audience") not in AUDIENCES:
        raise EventError(_("Kies voor wie het evenement is."), field="audience")
    start, end = data.get("start_at"), data.get("end_at")
    if start is None or end is None:
        raise EventError(_("Vul het begin en het einde in."), field="start_at")
    if end <= start:
        raise EventError(_("Het einde moet na het begin liggen."), field="end_at")
    capacity = data.get("capacity")
    if capacity is not None and capacity < 1:
        raise EventError(_("Het aantal plaatsen is minstens 1 (of laat het leeg voor onbeperkt)."), field="capacity")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise EventError(_("De inschrijving moet sluiten na het openen."), field="registration_closes_at")
    if closes and closes > end:
        raise EventError(_("De inschrijving kan niet sluiten na het einde van het evenement."),
                         field="registration_closes_at")
    days = data.get("reminder_days")
    if days is not None and not 0 <= days <= 60:
        raise EventError(_("Kies een herinnering tussen 0 en 60 dagen vooraf."), field="reminder_days")


def create_event(data: dict, by) -> Event:
    """A new event, as a draft that only staff can see."""
    _check_event_data(data)
    values = {k: data.get(k) for k in EVENT_FIELDS if k in data}
    values["title"] = values["title"].strip()
    if values.get("reminder_days") is None:
        values["reminder_days"] = 2
    event = Event(**values, status="draft", created_by_id=by.id if by else None)
    db.session.add(event)
    db.session.flush()
    record("event.created", event, summary=event.title, actor=by)
    return event


def publish_event(event: Event, by) -> None:
    if event.status != "draft":
        raise EventError(_("Alleen een concept kan worden gepubliceerd."))
    result = db.session.execute(
        update(Event).where(Event.id == event.id, Event.status == "draft")
        .values(status="published", published_at=utcnow()).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise EventError(_("Iemand anders heeft dit evenement intussen gewijzigd. Laad de pagina opnieuw."))
    db.session.refresh(event)
    record("event.published", event, summary=event.title, actor=by)


def _live_registrations(event: Event, statuses=LIVE):
    return db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status.in_(statuses))
        .order_by(Registration.id)
    ).all()


def change_event(event: Event, data: dict, by) -> dict:
    """Change an event; a change of time or place is mailed to everyone registered, with a new calendar file."""
    if event.status == "cancelled":
        raise EventError(_("Een geannuleerd evenement kan niet meer worden gewijzigd."))
    merged = {k: getattr(event, k) for k in EVENT_FIELDS} | {k: v for k, v in data.items() if k in EVENT_FIELDS}
    _check_event_data(merged)
    if merged["capacity"] is not None and merged["capacity"] < event.seats_taken:
        raise EventError(_("Er zijn al %(n)s plaatsen bezet; verlaag het aantal plaatsen niet verder.",
                           n=event.seats_taken), field="capacity")
    old_start = event.start_at
    merged["title"] = merged["title"].strip()
    changes = diff(event, {k: merged[k] for k in EVENT_FIELDS})
    if not changes:
        return {}
    moved = {"start_at", "end_at", "location"} & set(changes)
    if "start_at" in changes:
        # The programme moves with the event.
        shift = event.start_at - old_start
        for slot in event.slots:
            slot.starts_at = slot.starts_at + shift
            if slot.ends_at is not None:
                slot.ends_at = slot.ends_at + shift
    if moved:
        event.sequence += 1
    db.session.flush()
    record("event.changed", event, summary=event.title, changes=changes, actor=by)
    if moved and event.status == "published":
        for registration in _live_registrations(event):
            _mail(registration.email, _l("Gewijzigd: %(title)s", title=event.title), "changed",
                       event, registration=registration, changed=sorted(moved),
                       manage_url=manage_url(registration), attachments=[_ics_attachment(event)],
                       kind="events-changed")
    if "capacity" in changes:
        promote_from_waitlist(event)
    return changes


def cancel_event(event: Event, reason: str, by) -> int:
    """Cancel an event; everyone who registered (also on the waiting list or unconfirmed) is mailed."""
    if event.status == "cancelled":
        raise EventError(_("Dit evenement is al geannuleerd."))
    if event.end_at <= utcnow():
        raise EventError(_("Een evenement dat al voorbij is, kan niet meer worden geannuleerd."))
    was_published = event.status == "published"
    event.status = "cancelled"
    event.cancelled_at = utcnow()
    event.cancel_reason = (reason or "").strip()
    event.sequence += 1
    record("event.cancelled", event, summary=event.title, changes={"reden": event.cancel_reason}, actor=by)
    mailed = 0
    if was_published:
        for registration in _live_registrations(event, ("confirmed", "waitlisted", "pending")):
            _mail(registration.email, _l("Geannuleerd: %(title)s", title=event.title), "event_cancelled",
                       event, registration=registration, reason=event.cancel_reason,
                       attachments=[_ics_attachment(event, cancelled=True)], kind="events-cancelled")
            mailed += 1
    db.session.flush()
    return mailed


def _slot_datetime(event: Event, clock) -> datetime:
    day = to_local(event.start_at).date()
    return from_local(datetime.combine(day, clock))


def add_slot(event: Event, starts, ends, title: str, speaker: str, room: str, by) -> ProgrammeSlot:
    """A programme slot on the event's day; ``starts`` and ``ends`` are wall-clock times in Dordrecht."""
    if not (title or "").strip():
        raise EventError(_("Geef het programmaonderdeel een titel."), field="title")
    start_at = _slot_datetime(event, starts)
    end_at = _slot_datetime(event, ends) if ends else None
    if end_at is not None and end_at <= start_at:
        raise EventError(_("Het einde moet na het begin liggen."), field="ends")
    slot = ProgrammeSlot(event=event, starts_at=start_at, ends_at=end_at, title=title.strip(),
                         speaker=(speaker or "").strip(), room=(room or "").strip())
    db.session.add(slot)
    db.session.flush()
    record("event.slot_added", event, summary=f"{to_local(start_at):%H:%M} {slot.title}", actor=by)
    return slot


def remove_slot(slot: ProgrammeSlot, by) -> None:
    event = slot.event
    record("event.slot_removed", event, summary=slot.title, actor=by)
    db.session.delete(slot)
    db.session.flush()


def add_question(event: Event, label: str, kind: str, choices: str, required: bool, by) -> RegistrationQuestion:
    if not (label or "").strip():
        raise EventError(_("Vul de vraag in."), field="label")
    if kind not in QUESTION_KINDS:
        raise EventError(_("Kies een soort antwoord."), field="kind")
    question = RegistrationQuestion(event=event, label=label.strip(), kind=kind, required=bool(required),
                                    choices=(choices or "").strip() if kind == "choice" else "",
                                    position=len(event.questions) + 1)
    if kind == "choice" and len(question.choice_list) < 2:
        raise EventError(_("Geef minstens twee keuzes, één per regel."), field="choices")
    db.session.add(question)
    db.session.flush()
    record("event.question_added", event, summary=question.label, actor=by)
    return question


def remove_question(question: RegistrationQuestion, by) -> None:
    record("event.question_removed", question.event, summary=question.label, actor=by)
    db.session.delete(question)
    db.session.flush()


def invite(event: Event, emails, by) -> int:
    """Put addresses on the invitation list of an event and mail each new one an invitation."""
    if event.audience != "invitation":
        raise EventError(_("Dit evenement is niet op uitnodiging."))
    if event.status == "cancelled":
        raise EventError(_("Dit evenement is geannuleerd."))
    known = set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event.id)))
    added = []
    for email in dict.fromkeys(normalise_email(e) for e in emails if e and e.strip()):
        if "@" not in email:
            raise EventError(_("%(email)s is geen geldig e-mailadres.", email=email), field="emails")
        if email not in known:
            added.append(email)
            db.session.add(Invitation(event_id=event.id, email=email, invited_by_id=by.id if by else None))
            if event.status == "published":
                _mail(email, _l("Uitnodiging: %(title)s", title=event.title), "invitation", event,
                          kind="events-invitation")
    db.session.flush()
    if added:
        record("event.invited", event, summary=_l("%(n)s uitnodiging(en)", n=len(added)), actor=by)
    return len(added)


def member_emails_of(organisations_stmt) -> list[str]:
    """The addresses of the active members of the organisations that ``organisations_stmt`` selects."""
    from portal.auth.models import User
    from portal.partners.models import Membership, Organisation

    ids = organisations_stmt.with_only_columns(Organisation.id).order_by(None).scalar_subquery()
    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(ids), User.active.is_(True)).distinct().order_by(User.email)))


def invite_partners(event: Event, by, *, label: str = "", municipality_id: int | None = None,
                    extra_emails=()) -> int:
    """Invite every member of the partner organisations in a group (optionally: those with a label status from
    the partner list's label filter, in one municipality), plus ``extra_emails``; mails as ``invite`` does."""
    from portal.partners.services import staff_partner_query

    emails = member_emails_of(staff_partner_query(status="partner", municipality_id=municipality_id, label=label))
    if not emails and not extra_emails:
        raise EventError(_("In deze groep zijn geen leden met een account gevonden."), field="groep")
    return invite(event, [*extra_emails, *emails], by)


# --------------------------------------------------------------------------- registration
def _check_open(event: Event, now: datetime | None = None) -> None:
    state = event_state(event, now)
    if state in ("open", "full"):
        return
    messages = {
        "draft": _("Dit evenement is nog niet gepubliceerd."),
        "cancelled": _("Dit evenement is geannuleerd."),
        "past": _("Dit evenement is al voorbij."),
        "not_open": _("De inschrijving is nog niet open."),
        "closed": _("De inschrijving is gesloten."),
    }
    raise EventError(messages[state])


def _is_invited(event: Event, email: str) -> bool:
    return db.session.scalar(
        select(exists().where(Invitation.event_id == event.id, Invitation.email == normalise_email(email)))
    )


def _answers(event: Event, answers: dict | None) -> dict[int, str]:
    """Check the answers against the event's questions; {question_id: value}."""
    answers = answers or {}
    result = {}
    for question in event.questions:
        value = (answers.get(question.id) or "").strip()
        if question.required and not value:
            raise EventError(_("Beantwoord de vraag: %(q)s", q=question.label), field=f"q_{question.id}")
        if value and question.kind == "choice" and value not in question.choice_list:
            raise EventError(_("Kies een van de antwoorden bij: %(q)s", q=question.label), field=f"q_{question.id}")
        if value and question.kind == "yesno" and value not in ("ja", "nee"):
            raise EventError(_("Kies ja of nee bij: %(q)s", q=question.label), field=f"q_{question.id}")
        if value:
            result[question.id] = value[:2000]
    return result


def _take_seat(event: Event) -> bool:
    """Take one seat if there is one left, atomically: of two requests for the last seat only one wins."""
    result = db.session.execute(
        update(Event)
        .where(Event.id == event.id, (Event.capacity.is_(None)) | (Event.seats_taken < Event.capacity))
        .values(seats_taken=Event.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(event, ["seats_taken"])
    return result.rowcount == 1


def _release_seat(event: Event) -> None:
    db.session.execute(
        update(Event).where(Event.id == event.id, Event.seats_taken > 0)
        .values(seats_taken=Event.seats_taken - 1).execution_options(synchronize_session=False)
    )
    db.session.expire(event, ["seats_taken"])


def _already_registered() -> EventError:
    return EventError(_("U bent al aangemeld voor dit evenement. U hoeft niets meer te doen."))


def _place(registration: Registration) -> None:
    """Give a registration a seat, or a place on the waiting list when the event is full.

    The live key is written first under a savepoint: a second live registration of the same address
    (a double click, two tabs) fails on the unique key before it can take a seat.
    """
    event = registration.event
    registration.active_key = normalise_email(registration.email)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _already_registered() from None  # the caller rolls back
    now = utcnow()
    if _take_seat(event):
        registration.status = "confirmed"
        registration.confirmed_at = now
    else:
        registration.status = "waitlisted"
        registration.waitlisted_at = now
    db.session.flush()


def _mail_placed(registration: Registration) -> None:
    event = registration.event
    if registration.status == "confirmed":
        _mail(registration.email, _l("Aanmelding bevestigd: %(title)s", title=event.title), "confirmed",
                   event, registration=registration, manage_url=manage_url(registration),
                   attachments=[_ics_attachment(event),
                                {"filename": "toegangscode.png", "content_type": "image/png",
                                 "data": qr_png(check_in_url(registration))}],
                   kind="events-confirmed")
    else:
        _mail(registration.email, _l("Op de wachtlijst: %(title)s", title=event.title), "waitlisted",
                   event, registration=registration, manage_url=manage_url(registration),
                   kind="events-waitlisted")


def _live_registration_of(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.active_key == normalise_email(email))
    )


def register_member(event: Event, user, organisation, answers: dict | None = None) -> Registration:
    """A member of an organisation registers with one click; the account proves the address."""
    _check_open(event)
    if event.audience == "partners" and (organisation is None or organisation.partner_status != "partner"):
        raise EventError(_("Dit evenement is alleen voor partners van St. MBO."))
    if event.audience == "invitation" and not _is_invited(event, user.email):
        raise EventError(_("Dit evenement is alleen op uitnodiging. Neem contact op met St. MBO als u "
                           "denkt dat u uitgenodigd bent."))
    if _live_registration_of(event, user.email) is not None:
        raise _already_registered()
    values = _answers(event, answers)
    registration = Registration(
        event=event, user_id=user.id, organisation_id=organisation.id if organisation else None,
        name=user.name or user.email, email=normalise_email(user.email),
        organisation_name=organisation.name if organisation else "", status="pending", token=new_token(),
    )
    db.session.add(registration)
    for question_id, value in values.items():
        registration.answers.append(Answer(question_id=question_id, value=value))
    _place(registration)
    record(f"event.registration_{registration.status}", registration, actor=user, summary=event.title)
    _mail_placed(registration)
    return registration


def register_public(event: Event, name: str, email: str, organisation_name: str = "",
                    answers: dict | None = None) -> Registration | None:
    """The public registers with name and address and confirms by a mailed link.

    The page says the same whatever happens next, so nobody learns who registered; the mail tells the
    owner of the address what they need to know (confirm, already registered, not invited).
    """
    _check_open(event)
    if event.audience == "partners":
        raise EventError(_("Dit evenement is alleen voor partners van St. MBO. Log in met het account van uw "
                           "organisatie om u aan te melden."))
    name = (name or "").strip()
    email = normalise_email(email)
    if not name:
        raise EventError(_("Vul uw naam in."), field="name")
    if "@" not in email:
        raise EventError(_("Vul een geldig e-mailadres in."), field="email")
    values = _answers(event, answers)
    if event.audience == "invitation" and not _is_invited(event, email):
        _mail(email, _l("Aanmelding niet mogelijk: %(title)s", title=event.title), "not_invited",
                   event, kind="events-not-invited")
        return None
    live = _live_registration_of(event, email)
    if live is not None:
        _mail(email, _l("U bent al aangemeld: %(title)s", title=event.title), "already_registered",
                   event, registration=live, manage_url=manage_url(live), kind="events-already-registered")
        return None
    registration = Registration(event=event, name=name[:120], email=email,
                                organisation_name=(organisation_name or "").strip()[:200], status="pending",
                                token=new_token())
    for question_id, value in values.items():
        registration.answers.append(Answer(question_id=question_id, value=value))
    db.session.add(registration)
    db.session.flush()
    record("event.registration_pending", registration, summary=event.title)
    _mail(email, _l("Bevestig uw aanmelding: %(title)s", title=event.title), "confirm_public",
               event, registration=registration,
               confirm_url=external_url("events.confirm_registration", token=registration.token),
               kind="events-confirm")
    return registration


def staff_can_register(event: Event) -> bool:
    """St. MBO can register people for a published event until it starts (also after the window closed)."""
    return event.status == "published" and event.start_at > utcnow()


def register_by_staff(event: Event, name: str, email: str, organisation_name: str, by) -> Registration:
    """St. MBO registers someone on their behalf (a phone call, a mail): a seat or a waiting-list place at once.

    Also after the registration window closed, as long as the event has not started. An account with this
    address is linked, with its organisation, so attendance counts for that partner. Questions are not asked.
    """
    if event.status != "published":
        raise EventError(_("Aanmelden kan alleen bij een gepubliceerd evenement."))
    if not staff_can_register(event):
        raise EventError(_("Het evenement is al begonnen; aanmelden kan niet meer."))
    name, email = (name or "").strip(), normalise_email(email)
    if not name:
        raise EventError(_("Vul de naam in."), field="name")
    if "@" not in email:
        raise EventError(_("Vul een geldig e-mailadres in."), field="email")
    if _live_registration_of(event, email) is not None:
        raise EventError(_("%(email)s is al aangemeld voor dit evenement.", email=email), field="email")
    from portal.auth.services import find_user
    from portal.partners.models import Membership, Organisation

    user = find_user(email)
    organisation = None
    if user is not None:
        organisation = db.session.scalar(
            select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id).order_by(Membership.id).limit(1))
    if event.audience == "invitation" and not _is_invited(event, email):
        db.session.add(Invitation(event_id=event.id, email=email, invited_by_id=by.id if by else None))
    registration = Registration(
        event=event, user_id=user.id if user else None, organisation_id=organisation.id if organisation else None,
        name=name[:120], email=email, status="pending", token=new_token(),
        organisation_name=((organisation_name or "").strip() or (organisation.name if organisation else ""))[:200],
    )
    db.session.add(registration)
    _place(registration)
    record(f"event.registration_{registration.status}", registration, actor=by,
           summary=_l("%(title)s, aangemeld door St. MBO", title=event.title))
    _mail_placed(registration)
    return registration


def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    registration = db.session.scalar(select(Registration).where(Registration.token == token))
    if registration is None or registration.anonymised_at is not None:
        return None
    return registration


def confirm_public_registration(token: str) -> Registration:
    """The mailed link proves the address: the registration gets a seat or a waiting-list place."""
    registration = registration_for_token(token)
    if registration is None:
        raise EventError(_("Deze link is ongeldig of verlopen."))
    if registration.status in LIVE:
        return registration  # a second click changes nothing
    if registration.status == "cancelled":
        raise EventError(_("Deze aanmelding is geannuleerd. Meld u opnieuw aan via de pagina van het evenement."))
    event = db.session.scalar(for_update(select(Event).where(Event.id == registration.event_id)))
    _check_open(event)
    _place(registration)
    record(f"event.registration_{registration.status}", registration, summary=event.title)
    _mail_placed(registration)
    return registration


def cancel_registration(registration: Registration, by=None) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first on the waiting list. Returns who was promoted."""
    event = registration.event
    if registration.status == "cancelled":
        raise EventError(_("Deze aanmelding is al geannuleerd."))
    if event.status != "cancelled" and event.start_at <= utcnow():
        raise EventError(_("Het evenement is al begonnen; afmelden kan niet meer."))
    result = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == registration.status)
        .values(status="cancelled", cancelled_at=utcnow(), active_key=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise EventError(_("Deze aanmelding is intussen gewijzigd. Laad de pagina opnieuw."))
    held_seat = registration.status == "confirmed"
    db.session.refresh(registration)
    record("event.registration_cancelled", registration, actor=by, summary=event.title)
    promoted = None
    if held_seat:
        _release_seat(event)
        promoted_list = promote_from_waitlist(event)
        promoted = promoted_list[0] if promoted_list else None
    if held_seat or registration.confirmed_at or registration.waitlisted_at:
        _mail(registration.email, _l("Afmelding ontvangen: %(title)s", title=event.title), "cancelled",
                   event, registration=registration, kind="events-registration-cancelled")
    return promoted


def promote_from_waitlist(event: Event) -> list[Registration]:
    """Give free seats to the waiting list in order of arrival, mailing each person promoted.

    Every caller has already written the event row (seat released, capacity changed or row locked), so on
    PostgreSQL promotions of one event run one after another and never pick the same person twice.
    """
    promoted = []
    if event.status != "published" or event.start_at <= utcnow():
        return promoted
    while True:
        candidate = db.session.scalar(
            for_update(select(Registration).where(Registration.event_id == event.id,
                                                  Registration.status == "waitlisted")
                       .order_by(Registration.waitlisted_at, Registration.id).limit(1))
        )
        if candidate is None or not _take_seat(event):
            break
        result = db.session.execute(
            update(Registration).where(Registration.id == candidate.id, Registration.status == "waitlisted")
            .values(status="confirmed", confirmed_at=utcnow()).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            _release_seat(event)
            continue
        db.session.refresh(candidate)
        record("event.registration_promoted", candidate, summary=event.title)
        _mail(candidate.email, _l("Er is een plek vrij: %(title)s", title=event.title), "promoted",
                   event, registration=candidate, manage_url=manage_url(candidate),
                   attachments=[_ics_attachment(event),
                                {"filename": "toegangscode.png", "content_type": "image/png",
                                 "data": qr_png(check_in_url(candidate))}],
                   kind="events-promoted")
        promoted.append(candidate)
    return promoted


# --------------------------------------------------------------------------- at the door
def check_in(registration: Registration, by) -> CheckIn:
    if registration.status != "confirmed":
        raise EventError(_("Alleen bevestigde deelnemers kunnen worden ingecheckt."))
    if registration.check_in is not None:
        raise EventError(_("%(name)s is al ingecheckt.", name=registration.display_name))
    entry = CheckIn(registration_id=registration.id, by_id=by.id if by else None)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise EventError(_("%(name)s is al ingecheckt.", name=registration.display_name)) from None
    record("event.checked_in", registration, actor=by, summary=registration.event.title)
    return entry


def undo_check_in(registration: Registration, by) -> None:
    if registration.check_in is None:
        raise EventError(_("Deze deelnemer is niet ingecheckt."))
    db.session.delete(registration.check_in)
    db.session.flush()
    record("event.check_in_undone", registration, actor=by, summary=registration.event.title)


# --------------------------------------------------------------------------- cron
def send_reminders(now: datetime | None = None) -> int:
    """Mail a reminder to each confirmed registrant of an event that starts within its reminder days.

    The reminder log has a unique key per registration: a second run (or a parallel one) sends nothing twice.
    """
    now = now or utcnow()
    rows = db.session.execute(
        select(Registration, Event).join(Event, Registration.event_id == Event.id)
        .where(Event.status == "published", Event.start_at > now, Event.reminder_days > 0,
               Registration.status == "confirmed",
               ~exists().where(ReminderLog.registration_id == Registration.id, ReminderLog.kind == "reminder"))
        .order_by(Event.start_at, Registration.id)
    ).all()
    sent = 0
    for registration, event in rows:
        if event.start_at - timedelta(days=event.reminder_days) > now:
            continue
        db.session.add(ReminderLog(registration_id=registration.id, kind="reminder"))
        _mail(registration.email, _l("Herinnering: %(title)s", title=event.title), "reminder",
                   event, registration=registration, manage_url=manage_url(registration),
                   kind="events-reminder")
        sent += 1
    db.session.flush()
    if sent:
        record("event.reminders_sent", summary=_l("%(n)s herinnering(en)", n=sent), object_type="Event")
    return sent


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month, day=day)


def purge_personal_data(now: datetime | None = None, months: int | None = None) -> tuple[int, int]:
    """Remove public registrants' names, addresses and answers (and the invitation list) a set number of
    months after an event.

    Status, organisation and check-in stay, so attendance counts remain. Returns (events, registrations).
    """
    now = now or utcnow()
    months = current_app.config["EVENT_PURGE_MONTHS"] if months is None else months
    cutoff = _months_before(now, months)
    events = db.session.scalars(
        select(Event).where(Event.end_at < cutoff, Event.purged_at.is_(None)).order_by(Event.id)
    ).all()
    total = 0
    for event in events:
        registrations = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id, Registration.user_id.is_(None),
                                       Registration.anonymised_at.is_(None))
        ).all()
        ids = [r.id for r in registrations]
        if ids:
            db.session.execute(
                Answer.__table__.delete().where(Answer.registration_id.in_(ids))
            )
            db.session.execute(
                update(Registration).where(Registration.id.in_(ids))
                .values(name="", email="", organisation_name="", active_key=None, anonymised_at=now)
                .execution_options(synchronize_session=False)
            )
        # The invitation list holds addresses too.
        db.session.execute(Invitation.__table__.delete().where(Invitation.event_id == event.id))
        event.purged_at = now
        total += len(ids)
        record("event.personal_data_purged", event, summary=_l("%(n)s publieke aanmelding(en) geanonimiseerd",
                                                              n=len(ids)))
    db.session.flush()
    db.session.expire_all()
    return len(events), total


# --------------------------------------------------------------------------- counts
def counts_for(event_ids) -> dict[int, dict[str, int]]:
    """Per event: confirmed, waitlisted, pending, cancelled and checked_in, in two queries."""
    ids = list(event_ids)
    result = {i: {"confirmed": 0, "waitlisted": 0, "pending": 0, "cancelled": 0, "checked_in": 0} for i in ids}
    if not ids:
        return result
    for event_id, status, n in db.session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(ids)).group_by(Registration.event_id, Registration.status)
    ):
        result[event_id][status] = n
    for event_id, n in db.session.execute(
        select(Registration.event_id, func.count()).join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.event_id.in_(ids)).group_by(Registration.event_id)
    ):
        result[event_id]["checked_in"] = n
    return result


def attendance_by_organisation(org_ids) -> dict[int, int]:
    """How many times people of each organisation attended (were checked in at) an event."""
    ids = [i for i in org_ids if i is not None]
    result = dict.fromkeys(ids, 0)
    if not ids:
        return result
    rows = db.session.execute(
        select(Registration.organisation_id, func.count())
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .join(Event, and_(Event.id == Registration.event_id, Event.status != "cancelled"))
        .where(Registration.organisation_id.in_(ids))
        .group_by(Registration.organisation_id)
    )
    for org_id, n in rows:
        result[org_id] = n
    return result
