"""Partners in a real browser (issue 3): from a new account to a logged impact job.

A visitor registers an account (mailed link), registers an organisation, applies for the partnership;
a St. MBO staff user approves it (the organisation is mailed); the ondernemer logs an impact job and
sees it in the list with the totals. Every page on the way is checked with axe-core (WCAG 2.0/2.1 A and AA).
"""
import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    NAME,
    assert_sound_page,
    check_on_a_phone,
    fill_registration,
    log_in,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
    wait_for_mail,
    wait_for_subject,
)
from tests.conftest import Mailbox

ORG = "Drukkerij De Merwede"


def test_register_organisation_apply_get_approved_and_log_an_impact_job(make_page, live_server, mailbox):
    email = unique_email("ondernemer")
    kvk = unique_kvk()
    org_name = f"{ORG} {kvk}"
    page = make_page()

    # --- an account, confirmed by the mailed link
    page.goto("/account/registreren")
    fill_registration(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    page.goto(Mailbox.link(wait_for_mail(mailbox, email), "/account/bevestigen/"))
    expect(page.get_by_text("Uw e-mailadres is bevestigd.")).to_be_visible()
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {NAME}")
    assert_sound_page(page, "home of a user without organisation")

    # --- the organisation
    page.get_by_role("main").get_by_role("link", name="Organisatie aanmelden").first.click()
    expect(page).to_have_url(re.compile(r"/organisatie/aanmelden$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisatie aanmelden")
    assert_sound_page(page, "register organisation")

    # A bad KvK number and postcode come back with errors at their fields, the rest kept.
    page.get_by_label("Naam van de organisatie").fill(org_name)
    page.get_by_label("KvK-nummer").first.fill("1234")
    page.get_by_label("Bezoekadres (straat en huisnummer)").fill("Wijnstraat 12")
    page.get_by_label("Postcode").fill("33")
    page.get_by_label("Plaats").fill("Dordrecht")
    page.get_by_label("Gemeente").select_option(label="Dordrecht")
    page.get_by_label("Sector").select_option(label="Zakelijke dienstverlening")
    page.get_by_label("Aantal medewerkers").select_option(label="10-49 medewerkers")
    page.get_by_label("Website").fill("www.drukkerij-merwede.nl")
    page.get_by_label("Contactpersoon").fill(NAME)
    page.get_by_label("Telefoonnummer").fill("078 123 45 67")
    page.get_by_role("button", name="Organisatie aanmelden").click()
    summary = page.locator(".error-summary").first
    expect(summary).to_contain_text("KvK-nummer")
    expect(summary).to_contain_text("Postcode")
    expect(page.get_by_label("Naam van de organisatie")).to_have_value(org_name)
    assert_sound_page(page, "register organisation with errors")

    page.get_by_label("KvK-nummer").first.fill(kvk)
    page.get_by_label("Postcode").fill("3311ab")
    page.get_by_role("button", name="Organisatie aanmelden").click()

    # --- the partnership application
    expect(page).to_have_url(re.compile(r"/organisatie/partnerschap$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerschap aanvragen")
    expect(page.get_by_text(f"{org_name} is aangemeld.")).to_be_visible()
    assert_sound_page(page, "apply for partnership")
    page.get_by_label("Waarom wilt u partner worden?").fill(
        "Wij bieden leerwerkplekken in de drukkerij aan jongeren uit Dordt-West.")
    page.get_by_label("Ik ga akkoord met de partnervoorwaarden van St. MBO").check()
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect(page).to_have_url(re.compile(r"/organisatie$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(org_name)
    expect(page.get_by_text("Uw aanvraag is verstuurd.")).to_be_visible()
    expect(page.locator(".summary-list")).to_contain_text("3311 AB")  # the postcode, normalised
    assert_sound_page(page, "organisation home (application sent)")
    wait_for_subject(mailbox, email, "Uw aanvraag voor het partnerschap is ontvangen")

    # --- St. MBO approves
    staff_email = unique_email("mbo")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    staff = make_page()
    log_in_at(staff, staff_email)
    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvragen").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Aanvragen partnerschap")
    row = staff.get_by_role("row").filter(has_text=org_name)
    expect(row).to_contain_text("Dordrecht")
    assert_sound_page(staff, "application queue")

    row.get_by_role("link", name=org_name, exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(org_name)
    assert_sound_page(staff, "partner detail (application)")
    staff.go_back()

    staff.get_by_role("row").filter(has_text=org_name).get_by_role("link", name=f"Goedkeuren {org_name}").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Aanvraag goedkeuren: {org_name}")
    assert_sound_page(staff, "approval confirmation")
    staff.get_by_role("button", name="Ja, goedkeuren").click()
    expect(staff.get_by_text(f"{org_name} is nu partner.")).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text=org_name)).to_have_count(0)
    assert_sound_page(staff, "application queue after approval")

    mail = wait_for_subject(mailbox, email, "Welkom als partner van St. MBO")
    assert org_name in Mailbox.text(mail)

    # --- the ondernemer logs an impact job
    page.goto(Mailbox.link(mail, "/organisatie"))
    expect(page.get_by_role("heading", level=1)).to_have_text(org_name)
    expect(page.locator(".summary-list")).to_contain_text("Partner")
    assert_sound_page(page, "organisation home (partner)")

    page.get_by_role("link", name="Naar banen met impact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Banen met impact")
    expect(page.get_by_text("Nog geen banen met impact gevonden.")).to_be_visible()
    assert_sound_page(page, "impact jobs (empty)")

    page.get_by_role("link", name="Baan met impact toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baan met impact toevoegen")
    assert_sound_page(page, "new impact job")

    # Missing required answers are reported, then filled in.
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".error-summary")).to_contain_text("Vul de functie in.")
    assert_sound_page(page, "new impact job with errors")

    page.get_by_label("Functie").fill("Medewerker afwerking")
    page.get_by_role("group", name="Doelgroep(en)").get_by_label("Bijstand").check()
    page.get_by_role("group", name="Doelgroep(en)").get_by_label("Statushouder").check()
    page.get_by_label("Soort contract").select_option(label="Vast contract")
    page.get_by_label("Uren per week").fill("32")
    page.get_by_label("Startdatum").fill("2026-02-12")
    page.get_by_label("Route naar werk (optioneel)").select_option(label="Wijk naar Werk")
    page.get_by_label("Wijk waar de persoon woont (optioneel)").select_option(label="Crabbehof (Dordt-West)")
    page.get_by_label("Met jobcoaching of een buddy op de werkvloer").check()
    page.get_by_role("button", name="Opslaan").click()

    expect(page).to_have_url(re.compile(r"/organisatie/banen$"))
    expect(page.get_by_text("De baan met impact is opgeslagen.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Medewerker afwerking")
    expect(row).to_contain_text("Bijstand")
    expect(row).to_contain_text("Statushouder")
    expect(row).to_contain_text("Vast contract")
    expect(row).to_contain_text("12-02-2026")
    stats = page.locator(".stat-list")
    for term, value in (("Totaal", "1"), ("Lopend", "1"), ("Duurzaam (6 maanden of langer)", "1"),
                        ("Met jobcoaching", "1")):
        expect(stats.locator("div").filter(has=page.locator("dt", has_text=term)).locator("dd")).to_have_text(value)
    assert_sound_page(page, "impact jobs with one job")

    # The organisation home counts it too.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn organisatie").click()
    jobs = page.locator("section", has=page.get_by_role("heading", name="Banen met impact"))
    expect(jobs.locator(".big-number")).to_have_text("1")


def _partner_with_a_job(live_server, member_email, status="partner"):
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.partners import services
    from portal.partners.models import Organisation

    kvk = unique_kvk()
    org_id, _ = make_partner_org(live_server, f"Telefoonbedrijf {kvk}", kvk=kvk, members=[member_email],
                                 status=status)
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == member_email))
        org = db.session.get(Organisation, org_id)
        services.save_impact_job(org, user, {
            "title": "Medewerker magazijn", "target_groups": ["bijstand", "ww"], "contract_type": "vast",
            "hours_per_week": Decimal(32), "start_date": date(2025, 1, 6), "end_date": None, "end_reason": "",
            "route": "wijk_naar_werk", "neighbourhood": "", "profile": "", "job_coaching": False, "note": ""})
        services.save_stageplek(org, user, {
            "title": "BBL logistiek medewerker", "education_level": "mbo2", "stage_type": "bbl",
            "field": "vervoer_logistiek", "places": 3, "places_filled": 1, "period_start": None, "period_end": None,
            "school": "Da Vinci College", "sbb_recognised": True, "published": True, "description": ""})
        if status == "aanvraag":
            org.motivation = "Wij willen graag meedoen."
        db.session.commit()
        db.session.remove()
    return org_id


def test_organisation_pages_on_a_phone(make_page, live_server):
    email = unique_email("telefoon")
    make_verified_user(live_server, email)
    _partner_with_a_job(live_server, email)
    failures = check_on_a_phone(make_page, email, [
        "/organisatie", "/organisatie/banen", "/organisatie/banen/nieuw", "/organisatie/stageplekken",
        "/organisatie/stageplekken/nieuw", "/organisatie/leden", "/organisatie/gegevens", "/stageplekken"])
    assert not failures, "\n\n".join(failures)


def test_staff_partner_pages_on_a_phone(make_page, live_server):
    member, staff = unique_email("lid"), unique_email("mbo")
    make_verified_user(live_server, member)
    make_verified_user(live_server, staff, roles=("mbo_staff",))
    org_id = _partner_with_a_job(live_server, member, status="aanvraag")
    failures = check_on_a_phone(make_page, staff, ["/partners", "/partners/aanvragen", f"/partners/{org_id}",
                                                   "/partners/import"])
    assert not failures, "\n\n".join(failures)
