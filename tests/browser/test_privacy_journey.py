"""The AVG rights in a real browser (issue 19): a person downloads their data and deletes their account (the
last beheerder is asked to hand over first); a public event registrant downloads and erases through the
personal link; St. MBO carries out a request received by mail and reads the processing register. Every page
on the way is checked with axe-core (WCAG 2.0/2.1 A and AA) and for its structure.
"""
import io
import json
import re
import zipfile

from playwright.sync_api import expect
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from tests.browser.helpers import (
    assert_sound_page,
    log_in,
    make_partner_org,
    make_verified_user,
    unique_email,
)
from tests.browser.test_events_journey import make_public_event


def _zip_of(download) -> zipfile.ZipFile:
    with open(download.path(), "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _user(live_server, email):
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.remove()
        return user


def test_a_person_downloads_their_data_and_deletes_their_account(page, live_server):
    email, colleague = unique_email("wis"), unique_email("collega")
    make_verified_user(live_server, email, name="Willemijn Wisser")
    make_verified_user(live_server, colleague, name="Collega Lid")
    make_partner_org(live_server, "Privacy Techniek BV", members=[email, (colleague, "lid")])

    page.goto("/account/inloggen")
    log_in(page, email)
    page.goto("/account/")
    page.get_by_role("link", name="Mijn gegevens downloaden of mijn account verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    expect(page.get_by_role("status")).to_contain_text("Privacy Techniek BV")  # the last beheerder hands over
    assert_sound_page(page, "my data (last beheerder)")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download mijn gegevens (ZIP)").click()
    archive = _zip_of(info.value)
    data = json.loads(archive.read("gegevens.json"))
    assert data["account"]["email"] == email
    assert [o["naam"] for o in data["organisaties"]] == ["Privacy Techniek BV"]
    assert "membership" in data["tabellen"] and "LEESMIJ.txt" in archive.namelist()

    page.get_by_label("Uw wachtwoord").fill("Groene-kikker-springt-2026")
    page.get_by_label(re.compile("Ik begrijp dat mijn account")).check()
    page.get_by_role("button", name="Verwijder mijn account").click()
    expect(page.locator(".error-summary")).to_contain_text("Maak eerst een collega beheerder")
    assert_sound_page(page, "my data (refused: hand over first)")

    # After handing over (the colleague becomes beheerder), the account can go.
    from portal.partners.models import Membership

    with live_server.app.app_context():
        membership = db.session.scalar(select(Membership).join(User).where(User.email == colleague))
        membership.role = "beheerder"
        db.session.commit()
        db.session.remove()
    page.goto("/privacy/mijn-gegevens")
    expect(page.get_by_role("status")).to_have_count(0)
    page.get_by_label("Uw wachtwoord").fill("Groene-kikker-springt-2026")
    page.get_by_label(re.compile("Ik begrijp dat mijn account")).check()
    page.get_by_role("button", name="Verwijder mijn account").click()
    expect(page.get_by_text("Uw account is verwijderd.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Inloggen")).to_be_visible()  # logged out
    assert _user(live_server, email) is None

    page.goto("/account/inloggen")
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_a_public_registrant_downloads_and_erases_through_the_personal_link(make_page, live_server):
    staff_email = unique_email("mbo")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    _event_id, tokens = make_public_event(live_server, staff_email, "Wijk naar Werk kick-off",
                                          attendees=["Bram Bezoeker"])
    page = make_page()
    page.goto(f"/evenementen/inschrijving/{tokens['Bram Bezoeker']}")
    page.get_by_role("link", name="Uw gegevens downloaden of wissen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw gegevens")
    assert_sound_page(page, "registrant's data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download mijn gegevens (ZIP)").click()
    rows = json.loads(_zip_of(info.value).read("gegevens.json"))["tabellen"]["event_registration"]
    assert [r["name"] for r in rows] == ["Bram Bezoeker"]

    page.get_by_role("button", name="Wis mijn gegevens").click()
    expect(page.locator(".error-summary")).to_contain_text("niet ongedaan")
    page.get_by_label(re.compile("Ik begrijp dat al mijn aanmeldingen")).check()
    page.get_by_role("button", name="Wis mijn gegevens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevens gewist")
    assert_sound_page(page, "registrant erased")
    response = page.goto(f"/evenementen/inschrijving/{tokens['Bram Bezoeker']}")
    assert response.status == 404


def test_staff_carry_out_a_request_by_mail_and_read_the_register(page, live_server):
    staff_email, person = unique_email("mbo"), unique_email("permail")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    make_verified_user(live_server, person, name="Pieter Permail")
    page.goto("/privacy")
    expect(page.get_by_role("table", name="Bewaartermijnen per soort gegevens")).to_contain_text("6 maanden")
    assert_sound_page(page, "privacy page with the schedule")

    page.goto("/account/inloggen")
    log_in(page, staff_email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Privacyverzoeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacyverzoeken")
    assert_sound_page(page, "privacy requests")
    page.get_by_label("E-mailadres van de persoon").fill(person)
    page.get_by_label(re.compile("Verwijderen \\(art. 17\\)")).check()
    page.get_by_role("button", name="Verzoek uitvoeren").click()
    expect(page.locator(".error-summary")).to_contain_text("Noteer hoe en wanneer")
    page.get_by_label("Hoe en wanneer kwam het verzoek binnen?").fill("Mail van 1 december, teruggebeld")
    page.get_by_role("button", name="Verzoek uitvoeren").click()
    expect(page.get_by_text(f"De gegevens van {person} zijn verwijderd")).to_be_visible()
    assert _user(live_server, person) is None

    page.get_by_role("link", name="Verwerkingsregister").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwerkingsregister")
    expect(page.get_by_role("table")).to_contain_text("Archiefwet")
    assert_sound_page(page, "processing register")
