"""axe-core (WCAG 2.0/2.1 A and AA) over the shared pages:
public, account, messages, errors, every role's start page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in, make_verified_user, unique_email

PUBLIC_PAGES = [
    ("/", "Ondernemen met impact Drechtsteden"),
    ("/toegankelijkheid", "Toegankelijkheid"),
    ("/privacy", "Privacy"),
    ("/account/inloggen", "Inloggen"),
    ("/account/registreren", "Account aanmaken"),
    ("/account/wachtwoord-vergeten", "Wachtwoord vergeten"),
    ("/account/bevestiging-opnieuw", "Nieuwe bevestigingslink"),
    ("/account/bevestigen/niet-geldig", "Link werkt niet"),          # auth/message.html, 400
    ("/account/wachtwoord-herstellen/niet-geldig", "Link werkt niet"),  # auth/message.html, 400
    ("/deze-pagina-bestaat-niet", "Pagina niet gevonden"),          # errors/error.html, 404
]


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES, ids=[p for p, _ in PUBLIC_PAGES])
def test_public_page_is_accessible(page, path, heading):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page, path)


def test_public_pages_in_english_are_accessible(page):
    page.goto("/account/inloggen")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "login (English)")
    page.goto("/")
    assert_accessible(page, "home (English)")


def test_empty_and_invalid_forms_are_accessible(page):
    page.goto("/account/wachtwoord-vergeten")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".error-summary")).to_contain_text("Vul uw e-mailadres in.")
    expect(page.get_by_label("E-mailadres")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "forgot password, empty")

    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator("#email-error")).to_contain_text("geldig e-mailadres")
    assert_accessible(page, "forgot password, invalid address")

    page.get_by_label("E-mailadres").fill(unique_email("vergeten"))
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    assert_accessible(page, "check your mailbox (reset)")

    page.goto("/account/registreren")
    page.get_by_role("button", name="Account aanmaken").click()
    summary = page.locator(".error-summary")
    for message in ("Vul uw naam in.", "Vul uw e-mailadres in.", "Kies een wachtwoord.", "Herhaal het wachtwoord."):
        expect(summary).to_contain_text(message)
    assert_accessible(page, "register, empty")


def test_account_page_is_accessible_with_and_without_errors(page, live_server):
    email = unique_email("account")
    make_verified_user(live_server, email)
    page.goto("/account/inloggen")
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Welkom"))

    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    assert_accessible(page, "my account")

    section = page.locator("section", has=page.get_by_role("heading", name="Wachtwoord wijzigen"))
    section.get_by_label("Huidig wachtwoord").fill("Niet-het-goede-1")
    section.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    section.get_by_label("Herhaal het nieuwe wachtwoord").fill("anders")
    section.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "my account, password form with errors")

    page.get_by_role("button", name="Uitloggen", exact=True).click()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    assert_accessible(page, "home after logging out")


ROLES = ["ondernemer", "mbo_staff", "inkoop", "gemeente", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_start_page_of_each_role_is_accessible(page, live_server, role):
    email = unique_email(role.replace("_", "-"))
    make_verified_user(live_server, email, name=f"Test {role}", roles=[role])
    page.goto("/account/inloggen")
    log_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, Test {role}")
    assert_accessible(page, f"home for {role}")


def test_focus_is_visible_on_links_and_buttons(page):
    page.goto("/account/inloggen")
    for _ in range(3):  # skip link, brand, language button
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        style = focused.evaluate(
            "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert style[0] != "none" and style[1] >= 2, (focused.evaluate("el => el.outerHTML"), style)
