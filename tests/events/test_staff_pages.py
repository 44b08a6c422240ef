"""Staff pages and public pages: making an event, the programme, the attendee list with answers and its
exports, check-in at the door, the calendar and ICS feed, and the panels on organisation pages."""
import csv
import io
from datetime import timedelta

import icalendar
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.database import utcnow
from portal.events import services
from portal.events.models import CheckIn, Event, ProgrammeSlot, Registration
from portal.extensions import db
from portal.panels import render_panels
from tests.conftest import Mailbox, login
from tests.events.conftest import deliver, path
from tests.querycount import count_queries


def _local(dt):
    return services.to_local(dt).strftime("%Y-%m-%dT%H:%M")


def test_staff_create_publish_and_build_the_programme(client, staff, mailbox):
    login(client, staff.email)
    start = (utcnow() + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
    form = {"title": "Kick-off Wijk naar Werk", "kind": "kick-off", "description": "## Voor werkgevers\n\nWelkom!",
            "start_at": _local(start), "end_at": _local(start + timedelta(hours=3)), "location": "Wielwijk",
            "capacity": "20", "audience": "public", "registration_opens_at": "", "registration_closes_at": "",
            "reminder_days": "2"}
    bad = client.post("/evenementen/beheer/nieuw", data={**form, "end_at": _local(start - timedelta(hours=1))})
    assert bad.status_code == 400 and "Het einde moet na het begin liggen." in bad.get_data(as_text=True)

    response = client.post("/evenementen/beheer/nieuw", data=form)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.status == "draft" and event.start_at == start  # stored in UTC, entered in Dordrecht time
    # A draft is not public.
    assert client.application.test_client().get(f"/evenementen/{event.id}").status_code == 404

    local_start = services.to_local(start)
    response = client.post(f"/evenementen/beheer/{event.id}/programma",
                           data={"slot-starts": local_start.strftime("%H:%M"), "slot-ends": "",
                                 "slot-title": "De rol van de werkgever", "slot-speaker": "Gemeente",
                                 "slot-room": "Zaal 1"})
    assert response.status_code == 302
    client.post(f"/evenementen/beheer/{event.id}/programma",
                data={"slot-starts": (local_start + timedelta(minutes=30)).strftime("%H:%M"),
                      "slot-title": "Praktische ondersteuning: hoe ziet dat eruit?"})
    client.post(f"/evenementen/beheer/{event.id}/vragen",
                data={"question-label": "Dieetwensen", "question-kind": "text", "question-choices": ""})
    assert client.post(f"/evenementen/beheer/{event.id}/publiceren").status_code == 302
    db.session.refresh(event)
    assert event.status == "published"
    slots = db.session.scalars(select(ProgrammeSlot).order_by(ProgrammeSlot.starts_at)).all()
    assert slots[0].starts_at == start and slots[1].starts_at == start + timedelta(minutes=30)

    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "<h2>Voor werkgevers</h2>" in page
    assert local_start.strftime("%H:%M") in page and "Praktische ondersteuning" in page

    # Moving the event moves its programme.
    services.change_event(event, {"start_at": start + timedelta(days=1), "end_at": start + timedelta(days=1, hours=3)},
                          staff)
    db.session.commit()
    assert db.session.scalars(select(ProgrammeSlot.starts_at).order_by(ProgrammeSlot.starts_at)).first() == \
        start + timedelta(days=1)


def test_description_markdown_is_sanitised(client, make_event):
    event = make_event(description="Hallo <script>alert(1)</script> [klik](javascript:alert(1)) "
                                   "<img src=x onerror=alert(1)> **vet**")
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    body = page.split('<div class="event-description">')[1].split("</div>")[0]
    assert "<script" not in body and 'href="javascript' not in body and "<img" not in body
    assert "&lt;script&gt;" in body  # shown as text, never run
    assert "<strong>vet</strong>" in body
    assert 'href="https://example.nl" rel="noopener noreferrer"' in services.render_description(
        "[site](https://example.nl)")


def test_only_staff_reach_the_staff_pages(app, client, make_event, login_as):
    event = make_event()
    for url in ("/evenementen/beheer", f"/evenementen/beheer/{event.id}", f"/evenementen/beheer/{event.id}/deelnemers",
                f"/evenementen/beheer/{event.id}/deelnemers.csv", f"/evenementen/beheer/{event.id}/inchecken"):
        assert client.get(url).status_code == 302  # to the login page
    login_as("ondernemer")
    for url in ("/evenementen/beheer", f"/evenementen/beheer/{event.id}/deelnemers.xlsx"):
        assert client.get(url).status_code == 403


def _fill(make_event, member, staff):
    user, org = member
    event = make_event(title="Praktijktafel", capacity=2)
    question = services.add_question(event, "Biedt u een werkplek aan een wijkbewoner?", "yesno", "", False, staff)
    services.register_member(event, user, org, {question.id: "ja"})
    public = services.register_public(event, "=HYPERLINK(\"x\")", "formule@example.nl", "Da Vinci College")
    services.confirm_public_registration(public.token)
    waiting = services.register_public(event, "Willem Wacht", "willem@example.nl")
    services.confirm_public_registration(waiting.token)
    db.session.commit()
    return event, question


def test_attendee_list_shows_answers_and_exports_csv_and_xlsx(client, make_event, member, staff):
    event, _question = _fill(make_event, member, staff)
    login(client, staff.email)
    page = client.get(f"/evenementen/beheer/{event.id}/deelnemers").get_data(as_text=True)
    assert "Petra Partner" in page and "Bouwbedrijf De Merwede" in page and "Willem Wacht" in page
    assert "Biedt u een werkplek aan een wijkbewoner?" in page and "<td>ja</td>" in page
    waiting_only = client.get(f"/evenementen/beheer/{event.id}/deelnemers?status=waitlisted").get_data(as_text=True)
    assert "Willem Wacht" in waiting_only and "Petra Partner" not in waiting_only

    response = client.get(f"/evenementen/beheer/{event.id}/deelnemers.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Naam", "E-mailadres", "Organisatie", "Status"]
    assert rows[0][-1] == "Biedt u een werkplek aan een wijkbewoner?"
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Petra Partner"][3] == "bevestigd" and by_name["Petra Partner"][-1] == "ja"
    assert by_name["Willem Wacht"][3] == "wachtlijst"
    assert "'=HYPERLINK(\"x\")" in by_name  # a formula is neutralised

    response = client.get(f"/evenementen/beheer/{event.id}/deelnemers.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Naam" and len(values) == 4
    assert any(v[0] == "Petra Partner" and v[-1] == "ja" for v in values)


def test_check_in_by_name_search_and_by_the_qr_code(app, client, make_event, member, staff, mailbox):
    event, _ = _fill(make_event, member, staff)
    deliver()
    login(client, staff.email)
    page = client.get(f"/evenementen/beheer/{event.id}/inchecken?q=petra").get_data(as_text=True)
    assert "Petra Partner" in page and "Willem Wacht" not in page  # only confirmed, matching people
    assert 'name="viewport"' in page  # phone-friendly: the shared layout is responsive
    registration = db.session.scalar(select(Registration).where(Registration.name == "Petra Partner"))
    response = client.post(f"/evenementen/beheer/{event.id}/inchecken/{registration.id}", data={"q": "petra"})
    assert response.status_code == 302 and "q=petra" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Petra Partner is ingecheckt." in page and "Ongedaan maken" in page
    # Checking in twice is refused politely.
    client.post(f"/evenementen/beheer/{event.id}/inchecken/{registration.id}")
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1

    # The QR code in the confirmation mail opens this attendee's check-in page, for staff only.
    mail = mailbox.last_to("formule@example.nl")
    assert mail["Subject"].startswith("Aanmelding bevestigd")
    public = db.session.scalar(select(Registration).where(Registration.email == "formule@example.nl"))
    qr_url = services.check_in_url(public)
    assert path(qr_url) == f"/evenementen/inchecken/{public.token}"
    anonymous = app.test_client()
    assert anonymous.get(path(qr_url)).status_code == 302
    page = client.get(path(qr_url)).get_data(as_text=True)
    assert "Inchecken" in page
    response = client.post(f"/evenementen/beheer/{event.id}/inchecken/{public.id}", data={"next": path(qr_url)})
    assert response.headers["Location"].endswith(path(qr_url))
    assert "Al ingecheckt" in client.get(path(qr_url)).get_data(as_text=True)
    assert Mailbox.link(mail, "/evenementen/inschrijving/")

    # Waiting-list people cannot be checked in.
    waiting = db.session.scalar(select(Registration).where(Registration.status == "waitlisted"))
    client.post(f"/evenementen/beheer/{event.id}/inchecken/{waiting.id}")
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 2


def test_attendance_no_shows_and_the_organisation_panels(client, make_event, member, staff, make_user, make_org):
    user, org = member
    event, _ = _fill(make_event, member, staff)
    colleague = make_user(email="collega@partner.nl")
    from portal.partners.models import Membership

    db.session.add(Membership(user_id=colleague.id, organisation_id=org.id, role="lid"))
    db.session.commit()
    services.change_event(event, {"capacity": 5}, staff)
    event = db.session.get(Event, event.id)
    services.register_member(event, colleague, org)
    mine = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    services.check_in(mine, staff)
    db.session.commit()
    other = make_org(name="Andere partner")

    assert services.attendance_by_organisation([org.id, other.id]) == {org.id: 1, other.id: 0}
    assert services.attendance_by_organisation([]) == {}

    # After the event: attendance and no-shows on the staff page.
    event.start_at = utcnow() - timedelta(days=2)
    event.end_at = event.start_at + timedelta(hours=2)
    db.session.commit()
    login(client, staff.email)
    page = client.get(f"/evenementen/beheer/{event.id}").get_data(as_text=True)
    assert "niet gekomen: 3" in page  # four confirmed (the waiting list was promoted), one came

    home = dict(render_panels("org_home", org))
    assert home["events/_org_home_panel.html"]["attended"] == 1
    detail = dict(render_panels("partner_detail", org))["events/_partner_detail_panel.html"]
    assert detail["rows"][0]["registered"] == 2 and detail["rows"][0]["attended"] == 1


def test_calendar_lists_upcoming_and_past_and_the_feed_holds_public_events(client, make_event):
    make_event(title="Studentenfestival Drechtsteden 2024", start_at=utcnow() - timedelta(days=400))
    make_event(title="Studentenfestival Drechtsteden volgend jaar")
    make_event(title="HR-tafel", audience="partners")
    make_event(title="Concept", publish=False)
    page = client.get("/evenementen/").get_data(as_text=True)
    upcoming, past = page.split('id="past-title"')
    assert "volgend jaar" in upcoming and "HR-tafel" in upcoming and "2024" not in upcoming
    assert "Studentenfestival Drechtsteden 2024" in past and "Afgelopen" in past
    assert "Concept" not in page

    response = client.get("/evenementen/agenda.ics")
    assert response.mimetype == "text/calendar"
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]
    assert "Studentenfestival Drechtsteden volgend jaar" in summaries
    assert "HR-tafel" not in summaries and "Concept" not in summaries


def test_lists_do_not_grow_a_query_per_row(client, make_event, staff, member):
    login(client, staff.email)
    event, _ = _fill(make_event, member, staff)
    for _ in range(3):
        make_event()
    with count_queries() as few_events:
        assert client.get("/evenementen/beheer").status_code == 200
    with count_queries() as few_attendees:
        assert client.get(f"/evenementen/beheer/{event.id}/deelnemers").status_code == 200
    for i in range(6):
        make_event(title=f"Extra {i}")
        registration = services.register_public(event, f"Extra {i}", f"extra{i}@example.nl")
        services.confirm_public_registration(registration.token)
    services.change_event(event, {"capacity": 20}, staff)
    db.session.commit()
    with count_queries() as many_events:
        client.get("/evenementen/beheer")
    with count_queries() as many_attendees:
        client.get(f"/evenementen/beheer/{event.id}/deelnemers")
    with count_queries() as calendar:
        client.get("/evenementen/")
    assert many_events.count == few_events.count
    assert many_attendees.count == few_attendees.count
    assert calendar.count <= 8


def test_demo_seed_builds_the_events(app, make_user):
    from portal.events.demo import seed

    accounts = {"mbo_staff": make_user("mbo_staff"), "ondernemer": make_user("ondernemer")}
    seed(accounts)
    db.session.commit()
    titles = set(db.session.scalars(select(Event.title)))
    assert "Kick-off Wijk naar Werk" in titles
    assert {t for t in titles if t.startswith("Studentenfestival")} and len(titles) == 5
    kickoff = db.session.scalar(select(Event).where(Event.title == "Kick-off Wijk naar Werk"))
    assert services.to_local(kickoff.start_at).strftime("%Y-%m-%d %H:%M") == "2024-09-27 09:00"
    # The invitation's programme (seed 000), nothing the invitation does not say.
    slots = sorted((services.to_local(slot.starts_at).strftime("%H:%M"), slot.title) for slot in kickoff.slots)
    assert slots == [("09:00", "De rol van de werkgever"),
                     ("09:30", "Praktische ondersteuning, hoe ziet dat er uit?")]
    assert kickoff.location == "Dordrecht" and "Afronding" in kickoff.description
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) > 0
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.status == "waitlisted")) > 0
    for event in db.session.scalars(select(Event)):
        confirmed = db.session.scalar(select(func.count()).select_from(Registration)
                                      .where(Registration.event_id == event.id, Registration.status == "confirmed"))
        assert event.seats_taken == confirmed
    seed(accounts)  # a second run adds nothing
    assert db.session.scalar(select(func.count()).select_from(Event)) == 5


def test_staff_edit_form_mails_a_change_of_place_and_manages_programme_questions_invitations(
        client, make_event, staff, mailbox):
    event = make_event(title="Kick-off", audience="invitation", capacity=None)
    services.invite(event, ["werkgever@example.nl"], staff)
    registration = services.register_public(event, "Werkgever", "werkgever@example.nl")
    services.confirm_public_registration(registration.token)
    slot = services.add_slot(event, services.to_local(event.start_at).time(), None, "Welkom", "", "", staff)
    question = services.add_question(event, "Dieetwensen", "text", "", False, staff)
    db.session.commit()
    deliver()
    mailbox.clear()
    login(client, staff.email)

    page = client.get(f"/evenementen/beheer/{event.id}/bewerken")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'value="{_local(event.start_at)}"' in text  # shown in Dordrecht time
    form = {"title": "Kick-off", "kind": "kick-off", "description": "", "start_at": _local(event.start_at),
            "end_at": _local(event.end_at), "location": "Wijkcentrum Wielwijk", "capacity": "",
            "audience": "invitation", "registration_opens_at": "", "registration_closes_at": "", "reminder_days": "2"}
    response = client.post(f"/evenementen/beheer/{event.id}/bewerken", data=form)
    assert response.status_code == 302
    mail = mailbox.last_to("werkgever@example.nl")
    assert mail["Subject"] == "Gewijzigd: Kick-off"
    assert "Wijkcentrum Wielwijk" in mail.get_body(preferencelist=("plain",)).get_content()
    local_start = services.to_local(event.start_at).strftime("%H:%M")
    assert local_start in mail.get_body(preferencelist=("plain",)).get_content()  # times in Dordrecht time

    page = client.get(f"/evenementen/beheer/{event.id}").get_data(as_text=True)
    assert "1 adres uitgenodigd" in page and "Welkom" in page and "Dieetwensen" in page
    response = client.post(f"/evenementen/beheer/{event.id}/uitnodigen",
                           data={"invite-emails": "a@example.nl, b@example.nl\nwerkgever@example.nl"})
    assert response.status_code == 302
    assert mailbox.last_to("b@example.nl")["Subject"] == "Uitnodiging: Kick-off"
    assert client.post(f"/evenementen/beheer/{event.id}/programma/{slot.id}/verwijderen").status_code == 302
    assert client.post(f"/evenementen/beheer/{event.id}/vragen/{question.id}/verwijderen").status_code == 302
    assert client.post(f"/evenementen/beheer/{event.id}/vragen/999999/verwijderen").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ProgrammeSlot)) == 0
    page = client.get(f"/evenementen/beheer/{event.id}").get_data(as_text=True)
    assert "3 adressen uitgenodigd" in page and "Nog geen programma." in page

    response = client.get(f"/evenementen/{event.id}/agenda.ics")
    assert response.mimetype == "text/calendar"
    item = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(item["location"]) == "Wijkcentrum Wielwijk"


def test_my_registration_page_and_prefilled_public_form(client, make_event, make_user, mailbox):
    event = make_event(title="Studentenfestival")
    user = make_user(email="student@example.nl", name="Sam Student")
    login(client, user.email)
    page = client.get(f"/evenementen/{event.id}/inschrijven").get_data(as_text=True)
    assert 'value="Sam Student"' in page and 'value="student@example.nl"' in page
    client.post(f"/evenementen/{event.id}/inschrijven", data={"name": "Sam Student", "email": "student@example.nl"})
    link = path(Mailbox.link(mailbox.last_to("student@example.nl"), "/bevestigen"))
    assert "nog niet bevestigd" in client.get(link.rsplit("/", 1)[0]).get_data(as_text=True)
    client.post(link)
    # Now the event page knows this visitor is registered.
    page = client.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "U bent aangemeld." in page
