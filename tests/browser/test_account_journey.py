"""A visitor's first steps in a real browser: register, confirm by the mailed link, log in.

Every page on the way is checked with axe-core (WCAG 2.0/2.1 A and AA) and must show no violations.
"""
import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    NAME,
    assert_accessible,
    fill_registration,
    log_in,
    make_verified_user,
    unique_email,
    wait_for_mail,
)
from tests.conftest import PASSWORD, Mailbox


def test_register_verify_by_mailed_link_and_log_in(page, live_server, mailbox):
    email = unique_email()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ondernemen met impact Drechtsteden")
    assert_accessible(page, "home (anonymous)")

    page.get_by_role("link", name="Meld uw organisatie aan").click()
    expect(page).to_have_url(re.compile(r"/account/registreren$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    assert_accessible(page, "register")

    fill_registration(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    expect(page.get_by_role("status")).to_contain_text(email)
    assert_accessible(page, "check your mailbox")

    # The real SMTP server on loopback received the mail; its link points at this live server.
    mail = wait_for_mail(mailbox, email)
    assert mail["Subject"] == "Bevestig uw e-mailadres"
    link = Mailbox.link(mail, "/account/bevestigen/")
    assert link.startswith(live_server.url + "/"), link

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/account/inloggen$"))
    expect(page.get_by_text("Uw e-mailadres is bevestigd.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert_accessible(page, "login (after verification)")

    log_in(page, email)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {NAME}")
    expect(page.get_by_role("button", name="Uitloggen", exact=True)).to_be_visible()
    assert_accessible(page, "home (logged in)")


def test_failed_registration_shows_summary_and_field_error(page, mailbox):
    email = unique_email("kort")
    page.goto("/account/registreren")
    fill_registration(page, email, password="kort")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    summary_link = summary.get_by_role("link", name=re.compile(r"^Wachtwoord:.*minstens 10 tekens"))
    expect(summary_link).to_have_attribute("href", "#password")

    password = page.get_by_label("Wachtwoord", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password-error")).to_contain_text("minstens 10 tekens")
    # The error is part of the field's accessible description, so a screen reader reads it out.
    expect(password).to_have_accessible_description(re.compile("minstens 10 tekens"))
    # What the visitor typed (except the passwords) is kept.
    expect(page.get_by_label("E-mailadres")).to_have_value(email)
    assert_accessible(page, "register with errors")

    assert mailbox.to(email) == []


def test_login_page_with_error_is_accessible(page):
    page.goto("/account/inloggen")
    log_in(page, unique_email("niemand"), "Niet-het-goede-1")
    expect(page.locator(".error-summary")).to_contain_text("Het e-mailadres of het wachtwoord klopt niet.")
    assert_accessible(page, "login with error")


def test_language_switch_works_without_javascript(make_page):
    page = make_page(java_script_enabled=False)
    page.goto("/account/inloggen")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")

    # A plain form POST to /taal; it returns to the page the visitor was on.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/account/inloggen$"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Nederlands")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="Nederlands").click()
    expect(html).to_have_attribute("lang", "nl")


def test_skip_link_is_the_first_focusable_element(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Direct naar de inhoud")
    expect(focused).to_be_in_viewport()  # visible once focused, not only for screen readers

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhoud$"))
    expect(page.locator("main")).to_be_focused()


PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def fits_the_screen(page) -> bool:
    page.wait_for_load_state("load")  # measure with the stylesheets applied
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def within_the_screen(locator, width=PHONE["viewport"]["width"]):
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    return box


def test_phone_viewport_nav_and_login_form_are_usable(make_page, live_server):
    page = make_page(**PHONE)
    email = unique_email("telefoon")
    # An admin, so that the main menu has items on every checkout (Accounts, Auditlog).
    make_verified_user(live_server, email, roles=("admin",))

    page.goto("/")
    assert fits_the_screen(page), "the home page scrolls sideways on a phone"
    header = page.locator("header.site-header")
    for control in (header.get_by_role("link", name="Inloggen"), header.get_by_role("link", name="Account aanmaken"),
                    header.get_by_role("button", name="English")):
        expect(control).to_be_in_viewport()
        within_the_screen(control)

    header.get_by_role("link", name="Inloggen").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert fits_the_screen(page), "the login page scrolls sideways on a phone"
    for field in (page.get_by_label("E-mailadres"), page.get_by_label("Wachtwoord", exact=True),
                  page.get_by_role("button", name="Inloggen")):
        expect(field).to_be_visible()
        assert within_the_screen(field)["height"] >= 24  # a target a finger can hit (WCAG 2.2 2.5.8)
    assert_accessible(page, "login on a phone")

    page.get_by_label("E-mailadres").tap()
    page.keyboard.type(email)
    page.get_by_label("Wachtwoord", exact=True).tap()
    page.keyboard.type(PASSWORD)
    page.get_by_role("button", name="Inloggen").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, {NAME}")
    assert fits_the_screen(page), "the home page (logged in) scrolls sideways on a phone"
    expect(page.get_by_role("button", name="Uitloggen", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("link", name="Mijn account")).to_be_in_viewport()
    assert_accessible(page, "home on a phone (logged in)")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    links = nav.get_by_role("link")
    expect(links.first).to_be_visible()
    names = links.all_inner_texts()
    assert {"Accounts", "Auditlog"} <= set(names), names
    for i in range(links.count()):
        expect(links.nth(i)).to_be_in_viewport()
        within_the_screen(links.nth(i))
    nav.get_by_role("link", name="Auditlog").tap()
    expect(page).to_have_url(re.compile(r"/audit"))
    expect(nav.get_by_role("link", name="Auditlog")).to_have_attribute("aria-current", "page")
    assert fits_the_screen(page), "the audit log scrolls sideways on a phone"
