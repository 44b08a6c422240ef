"""Events in a real browser (issue 6): a member of the public registers, confirms by the mailed link,
gets the confirmation with its calendar file and cancels through the personal link; a staff user checks
someone in on the phone-friendly check-in page. Every page on the way is checked with axe-core
(WCAG 2.0/2.1 A and AA).
"""
import re
import uuid
from datetime import time, timedelta

import icalendar
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.helpers import (
    PHONE,
    assert_sound_page,
    check_on_a_phone,
    log_in,
    log_in_at,
    make_verified_user,
    unique_email,
    wait_for_subject,
)
from tests.conftest import Mailbox


def make_public_event(live_server, staff_email, title, attendees=()):
    """A published public event two weeks ahead with a programme and an optional question; each name in
    ``attendees`` registers and confirms through the rules. Returns the event id and {name: personal token}."""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.database import utcnow
    from portal.events import services

    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == staff_email))
        start = (utcnow() + timedelta(days=14)).replace(hour=13, minute=0, second=0, microsecond=0)
        event = services.create_event({
            "title": title, "kind": "festival", "audience": "public", "capacity": 40,
            "description": "Het **Studentenfestival** brengt studenten en werkgevers uit de Drechtsteden samen.",
            "start_at": start, "end_at": start + timedelta(hours=4), "location": "Energiehuis, Dordrecht",
            "reminder_days": 2,
        }, staff)
        services.add_slot(event, time(15, 0), time(15, 30), "Opening door de wethouder", "Wethouder Werk", "Grote zaal",
                          staff)
        services.add_slot(event, time(15, 30), time(17, 0), "Speeddates met werkgevers", "", "Foyer", staff)
        services.add_question(event, "Dieetwensen", "text", "", False, staff)
        services.publish_event(event, staff)
        tokens = {}
        for name in attendees:
            email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.nl"
            registration = services.register_public(event, name, email, "Da Vinci College")
            services.confirm_public_registration(registration.token)
            tokens[name] = registration.token
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id, tokens


def test_public_registration_confirm_ics_cancel_and_check_in_on_a_phone(make_page, live_server, mailbox):
    staff_email = unique_email("mbo")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    title = f"Studentenfestival Drechtsteden {uuid.uuid4().hex[:6]}"
    event_id, tokens = make_public_event(live_server, staff_email, title, attendees=["Jan Jansen", "Fenna de Wit"])
    email = unique_email("student")

    # --- a visitor finds the event and registers
    page = make_page()
    page.goto("/evenementen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evenementen")
    assert_sound_page(page, "event calendar")
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(rf"/evenementen/{event_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    programme = page.locator("section", has=page.get_by_role("heading", name="Programma"))
    expect(programme).to_contain_text("Opening door de wethouder")
    expect(programme).to_contain_text("15:00")
    expect(page.locator(".summary-list")).to_contain_text("Inschrijving open")
    assert_sound_page(page, "event page (anonymous)")

    page.get_by_role("link", name="Inschrijven", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Inschrijven: {title}")
    assert_sound_page(page, "public registration form")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.locator(".error-summary")).to_contain_text("Vul uw naam in.")
    assert_sound_page(page, "public registration form with errors")

    page.get_by_label("Naam").fill("Noor Bakker")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Organisatie of school").fill("Da Vinci College")
    page.get_by_label("Dieetwensen").fill("Vegetarisch")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    expect(page.get_by_text(email)).to_be_visible()
    assert_sound_page(page, "check your mailbox (event)")

    # --- the mailed link confirms
    request_mail = wait_for_subject(mailbox, email, f"Bevestig uw aanmelding: {title}")
    page.goto(Mailbox.link(request_mail, "/bevestigen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelding bevestigen")
    expect(page.get_by_text("U bevestigt de aanmelding van Noor Bakker voor:")).to_be_visible()
    assert_sound_page(page, "confirm registration")
    page.get_by_role("button", name="Ja, ik kom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw aanmelding")
    expect(page.get_by_role("status")).to_have_text("U bent aangemeld.")
    assert_sound_page(page, "my registration (confirmed)")

    # --- the confirmation carries the calendar file and the personal link
    confirmation = wait_for_subject(mailbox, email, f"Aanmelding bevestigd: {title}")
    attachments = {part.get_filename(): part for part in confirmation.iter_attachments()}
    assert set(attachments) >= {"evenement.ics", "toegangscode.png"}, list(attachments)
    assert attachments["toegangscode.png"].get_payload(decode=True)[:8] == b"\x89PNG\r\n\x1a\n"
    assert attachments["evenement.ics"].get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachments["evenement.ics"].get_payload(decode=True))
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["LOCATION"]) == "Energiehuis, Dordrecht"
    assert str(vevent["URL"]) == f"{live_server.url}/evenementen/{event_id}"
    manage_link = Mailbox.link(confirmation, "/evenementen/inschrijving/")
    assert manage_link.startswith(live_server.url + "/"), manage_link

    # --- cancel through the personal link (a fresh browser: the link alone is enough)
    other = make_page()
    other.goto(manage_link)
    expect(other.get_by_role("heading", level=1)).to_have_text("Uw aanmelding")
    expect(other.get_by_role("status")).to_have_text("U bent aangemeld.")
    other.get_by_role("button", name="Afmelden").click()
    expect(other.get_by_text("U bent afgemeld. Jammer dat u niet komt!")).to_be_visible()
    expect(other.get_by_role("status").filter(has_text=re.compile(r"^U bent afgemeld\.$"))).to_be_visible()
    expect(other.get_by_role("button", name="Afmelden")).to_have_count(0)
    assert_sound_page(other, "my registration (cancelled)")
    wait_for_subject(mailbox, email, f"Afmelding ontvangen: {title}")

    # --- at the door: staff check Jan Jansen in on a phone
    phone = make_page(**PHONE)
    phone.goto("/account/inloggen")
    log_in(phone, staff_email)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Welkom, Sanne Staf")
    phone.goto(f"/evenementen/beheer/{event_id}/inchecken")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Inchecken")
    expect(phone.locator(".check-in-count")).to_have_text("0 van 2 ingecheckt")  # Noor cancelled
    assert fits_the_screen(phone), "the check-in page scrolls sideways on a phone"
    assert_sound_page(phone, "check-in list on a phone")

    phone.get_by_label("Zoek op naam of organisatie").fill("jansen")
    phone.get_by_role("button", name="Zoeken").tap()
    expect(phone).to_have_url(re.compile(r"q=jansen"))
    button = phone.get_by_role("button", name="Inchecken Jan Jansen")
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], box
    assert box["height"] >= 24, box  # a target a finger can hit
    assert_sound_page(phone, "check-in search result on a phone")
    button.tap()

    expect(phone.get_by_text("Jan Jansen is ingecheckt.")).to_be_visible()
    expect(phone.locator(".check-in-count")).to_have_text("1 van 2 ingecheckt")
    item = phone.locator(".check-in-item").filter(has_text="Jan Jansen")
    expect(item.locator(".status")).to_have_text(re.compile(r"^Ingecheckt \d\d:\d\d$"))
    expect(item.get_by_role("button", name="Ongedaan maken Jan Jansen")).to_be_visible()
    assert fits_the_screen(phone), "the check-in page scrolls sideways on a phone after checking in"
    assert_sound_page(phone, "check-in list after checking in, on a phone")

    # The QR code in Fenna's confirmation mail opens her own check-in page for staff.
    phone.goto(f"/evenementen/inchecken/{tokens['Fenna de Wit']}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Fenna de Wit")
    expect(phone.locator("main")).to_contain_text("Da Vinci College")
    assert fits_the_screen(phone), "the attendee's check-in page scrolls sideways on a phone"
    assert_sound_page(phone, "attendee check-in (QR code) on a phone")
    phone.get_by_role("button", name="Inchecken").tap()
    expect(phone.get_by_text("Fenna de Wit is ingecheckt.")).to_be_visible()
    expect(phone.get_by_role("status").filter(has_text="Al ingecheckt om")).to_be_visible()
    assert_sound_page(phone, "attendee checked in (QR code) on a phone")

    # Back at the desk, the attendee list shows who came and who cancelled.
    desk = make_page()
    log_in_at(desk, staff_email)
    desk.goto(f"/evenementen/beheer/{event_id}/deelnemers")
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Deelnemers: {title}")
    expect(desk.locator("main")).to_contain_text("2 bevestigd, 0 op de wachtlijst, 0 onbevestigd, "
                                                 "1 afgemeld; 2 ingecheckt.")
    expect(desk.get_by_role("row").filter(has_text="Noor Bakker")).to_contain_text("afgemeld")
    assert_sound_page(desk, "attendee list")


def fits_the_screen(page) -> bool:
    page.wait_for_load_state("load")  # measure with the stylesheets applied
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")



def test_staff_event_pages_on_a_phone(make_page, live_server):
    staff_email = unique_email("mbo")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    event_id, _tokens = make_public_event(live_server, staff_email, f"Praktijktafel {uuid.uuid4().hex[:6]}",
                                          attendees=["Jan Jansen"])
    failures = check_on_a_phone(make_page, staff_email, [
        "/evenementen/beheer", f"/evenementen/beheer/{event_id}", f"/evenementen/beheer/{event_id}/deelnemers",
        f"/evenementen/beheer/{event_id}/inchecken", f"/evenementen/beheer/{event_id}/bewerken"])
    assert not failures, "\n\n".join(failures)
