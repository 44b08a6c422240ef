"""The registration form, the zelfscan and the procedure set-up with a screen reader's eyes (issue 15): every control
has a label, a refused submit lands focus on an error summary whose links point to the fields, and each field
with an error says so (aria-invalid, message tied by aria-describedby)."""
from playwright.sync_api import expect

from tests.browser.helpers import (
    assert_sound_page,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
)

CHECK = """() => {
  const summary = document.querySelector('.error-summary');
  const problems = [];
  if (!summary) return ['no error summary'];
  if (document.activeElement !== summary) problems.push('focus is on ' + document.activeElement.outerHTML.slice(0, 80));
  for (const a of summary.querySelectorAll('a[href^="#"]')) {
    const target = document.getElementById(a.getAttribute('href').slice(1));
    if (!target) { problems.push('summary link to a missing id: ' + a.getAttribute('href')); continue; }
    const control = target.matches('input, select, textarea') ? target
        : target.querySelector('input, select, textarea');
    if (!control) { problems.push('summary link to no form control: ' + a.getAttribute('href')); continue; }
    const named = (control.labels && control.labels.length) || control.getAttribute('aria-label');
    if (!named) problems.push('field without a label: ' + control.id);
    const invalid = control.getAttribute('aria-invalid') === 'true' || target.getAttribute('aria-invalid') === 'true'
      || (target.getAttribute('aria-describedby') || '').includes('error');
    if (!invalid) problems.push('field not marked invalid: ' + control.id);
  }
  return problems;
}"""


def assert_error_summary_leads_to_fields(page, where, min_links=1):
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator(".error-summary a").count() >= min_links, f"{where}: the summary links to no field"
    problems = page.evaluate(CHECK)
    assert not problems, f"{where}:\n" + "\n".join(problems)
    assert_sound_page(page, where)


def test_registration_form(page):
    page.goto("/account/registreren")
    page.get_by_label("Uw naam").fill("Kees Kort")
    page.get_by_label("E-mailadres").fill(unique_email("kort"))
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Herhaal het wachtwoord").fill("anders")
    page.get_by_role("button", name="Account aanmaken").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Kies een wachtwoord van minstens 10 tekens.")
    expect(summary).to_contain_text("De wachtwoorden zijn niet gelijk.")
    assert_error_summary_leads_to_fields(page, "registration with a short, mismatched password", min_links=2)
    summary.get_by_role("link", name="Wachtwoord: Kies een wachtwoord van minstens 10 tekens.").click()
    assert page.url.endswith("#password")


def test_zelfscan_theme_with_a_refused_file(make_page, live_server):
    from tests.browser.test_label_journey import published_set

    member_email, staff_email = unique_email("lid"), unique_email("mbo")
    make_verified_user(live_server, member_email)
    make_verified_user(live_server, staff_email, roles=("mbo_staff",))
    make_partner_org(live_server, f"Schermlezer B.V. {unique_kvk()}", members=[member_email])
    themes = published_set(live_server, staff_email)
    page = make_page()
    log_in_at(page, member_email)
    page.goto("/label/zelfscan")
    page.get_by_role("button", name="Zelfscan starten").click()
    page.get_by_role("link", name=themes[0][0], exact=True).click()
    question = page.locator("section.label-question").first
    question.get_by_label("Toelichting (optioneel)").fill("Tekst die niet verloren mag gaan.")
    question.get_by_label("Bewijsstuk toevoegen").set_input_files(
        {"name": "programma.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 64})
    question.get_by_role("button", name="Opslaan en uploaden").click()
    assert_error_summary_leads_to_fields(page, "zelfscan theme with a refused file")
    expect(page.locator("section.label-question").first.get_by_label("Toelichting (optioneel)")) \
        .to_have_value("Tekst die niet verloren mag gaan.")


def test_procedure_set_up(make_page, live_server):
    email = unique_email("inkoop")
    make_verified_user(live_server, email, roles=("inkoop",))
    page = make_page()
    log_in_at(page, email)
    page.goto("/inkoop/procedures/nieuw")
    assert_sound_page(page, "new procedure form")
    page.get_by_role("button", name="Concept aanmaken").click()
    assert_error_summary_leads_to_fields(page, "new procedure, empty")
