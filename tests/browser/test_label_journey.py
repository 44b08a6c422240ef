"""The label in a real browser (issue 4): from starting the self-assessment to the awarded label on the
public verification page.

A member of a partner organisation starts the self-assessment, answers it theme by theme (uploading an
evidence file where one is required) and submits it; a St. MBO staff user takes it, reviews it and approves
it; the label is "geldig" on the public verification page, with its QR code. Every page on the way is
checked with axe-core (WCAG 2.0/2.1 A and AA).
"""
import re

from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.helpers import (
    assert_sound_page,
    check_on_a_phone,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
    wait_for_subject,
)
from tests.conftest import Mailbox

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BEST = "Structureel en aantoonbaar"  # the highest answer on the starting set's scale


def published_set(live_server, staff_email):
    """The current published criteria set (the starting set of DOMAIN.md when there is none yet):
    [(theme title, [(question, evidence required)])]."""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.label import criteria
    from portal.label.demo import seed_criteria

    with live_server.app.app_context():
        current = criteria.current_set()
        if current is None:
            staff = db.session.scalar(select(User).where(User.email == staff_email))
            current = seed_criteria(staff)
            db.session.commit()
        current = criteria.load_set(current.id)
        themes = [(t.title, [(c.question, c.evidence_required, [o.label for o in c.options]) for c in t.criteria])
                  for t in current.themes]
        db.session.remove()
    return themes


def test_self_assessment_review_award_and_public_verification(make_page, live_server, mailbox):
    member_email = unique_email("lid")
    staff_email = unique_email("mbo")
    make_verified_user(live_server, member_email, name="Olga Ondernemer")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    kvk = unique_kvk()
    org_name = f"Installatiebedrijf Zwijnenburg {kvk}"  # unique: the live server's database is shared
    make_partner_org(live_server, org_name, kvk=kvk, members=[(member_email, "lid")])
    themes = published_set(live_server, staff_email)

    # --- the member starts the self-assessment
    page = make_page()
    log_in_at(page, member_email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zelfscan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfscan label Ondernemen met impact")
    assert_sound_page(page, "self-assessment home (no assessment yet)")
    page.get_by_role("button", name="Zelfscan starten").click()

    expect(page.get_by_text("Uw zelfscan is gestart.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zelfscan van {org_name}")
    assert_sound_page(page, "self-assessment overview (new)")

    # --- theme by theme
    page.get_by_role("link", name=themes[0][0], exact=True).click()
    for number, (title, questions) in enumerate(themes, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        nav = page.get_by_role("navigation", name="Thema's van de zelfscan")
        expect(nav.get_by_role("link", name=title, exact=True)).to_have_attribute("aria-current", "step")
        assert_sound_page(page, f"theme {number}: {title}")

        # Answers first, then the upload: the upload saves what was typed with it (issue 15: nothing is lost).
        for question, _required, options in questions:
            section = page.locator("section", has=page.get_by_role("heading", name=question, exact=False))
            section.get_by_role("group", name="Uw antwoord op vraag").get_by_label(
                BEST if BEST in options else options[-1], exact=True).check()
        first = page.locator("section", has=page.get_by_role("heading", name=questions[0][0], exact=False))
        first.get_by_label("Toelichting (optioneel)").fill("Zie ons jaarverslag 2025, hoofdstuk 3.")
        for question, evidence_required, _options in questions:
            if not evidence_required:
                continue
            section = page.locator("section", has=page.get_by_role("heading", name=question, exact=False))
            section.get_by_label("Bewijsstuk toevoegen").set_input_files(
                {"name": "beleid-inclusief-werven.pdf", "mimeType": "application/pdf", "buffer": PDF})
            section.get_by_role("button", name="Opslaan en uploaden").click()
            expect(page.get_by_text("Het bewijsstuk is toegevoegd.")).to_be_visible()
            section = page.locator("section", has=page.get_by_role("heading", name=question, exact=False))
            expect(section.get_by_role("link", name="beleid-inclusief-werven.pdf")).to_be_visible()
            # What was typed before the upload is still there, saved.
            expect(page.locator("section", has=page.get_by_role("heading", name=questions[0][0], exact=False))
                   .get_by_label("Toelichting (optioneel)")).to_have_value("Zie ons jaarverslag 2025, hoofdstuk 3.")
            expect(page.get_by_text(f"Dit thema: {len(questions)} van {len(questions)} beantwoord.")).to_be_visible()
        if any(required for _q, required, _o in questions):
            assert_sound_page(page, f"theme {number} with evidence")

        last = number == len(themes)
        page.get_by_role("button", name="Opslaan en naar indienen" if last else "Opslaan en volgend thema").click()
        expect(page.get_by_text("Uw antwoorden zijn opgeslagen.")).to_be_visible()

    # The last theme leads to the overview, where everything is answered and "Indienen" waits.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zelfscan van {org_name}")
    expect(page.get_by_text("Alles is ingevuld.")).to_be_visible()
    assert_sound_page(page, "self-assessment overview (complete)")
    page.get_by_role("link", name="Zelfscan indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfscan indienen?")
    expect(page.get_by_text("St. MBO krijgt bericht en beoordeelt de zelfscan.")).to_be_visible()
    assert_sound_page(page, "submit confirmation")
    page.get_by_role("button", name="Ja, zelfscan indienen").click()
    expect(page.get_by_text("Uw zelfscan is ingediend.")).to_be_visible()
    assert_sound_page(page, "self-assessment overview (submitted)")
    wait_for_subject(mailbox, member_email, "Zelfscan ingediend")
    wait_for_subject(mailbox, staff_email, f"Nieuwe zelfscan om te beoordelen: {org_name}")

    # --- St. MBO reviews and approves
    staff = make_page()
    log_in_at(staff, staff_email)
    staff.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zelfscans").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Zelfscans beoordelen")
    assert_sound_page(staff, "review queue")
    staff.get_by_role("row").filter(has_text=org_name).get_by_role("link", name=org_name).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Zelfscan van {org_name}")
    expect(staff.locator(".summary-list")).to_contain_text(kvk)
    assert_sound_page(staff, "review (submitted)")

    staff.get_by_role("button", name="Oppakken en beoordelen").click()
    expect(staff.get_by_text("U beoordeelt deze zelfscan nu.")).to_be_visible()
    assert_sound_page(staff, "review (in progress)")
    evidence = staff.get_by_role("link", name="beleid-inclusief-werven.pdf").first
    with staff.expect_download() as download:
        evidence.click()
    assert download.value.suggested_filename == "beleid-inclusief-werven.pdf"

    # Approval waits for a verdict per question and a look at every evidence file: give the first verdict
    # on the page, then approve with a written override for what is still open.
    first = staff.locator(".verdict-form").first
    first.get_by_label("Voldoet").check()
    first.get_by_role("button", name=re.compile("^Oordeel opslaan")).click()
    expect(staff.get_by_text("Het oordeel over de vraag is opgeslagen.")).to_be_visible()
    decision = staff.locator("section", has=staff.get_by_role("heading", name="Besluit", exact=True))
    decision.get_by_label("Goedkeuren en label toekennen").check()
    decision.get_by_label("Toelichting voor de organisatie").fill("Een overtuigende zelfscan met goed bewijs.")
    decision.get_by_role("button", name="Besluit vastleggen").click()
    expect(staff.locator(".error-summary")).to_contain_text("Goedkeuren kan pas als elk bewijsstuk is bekeken")
    assert_sound_page(staff, "review (approval refused: open items)")
    decision = staff.locator("section", has=staff.get_by_role("heading", name="Besluit", exact=True))
    decision.get_by_label("Goedkeuren en label toekennen").check()
    decision.get_by_label("Toch goedkeuren: waarom?").fill("Overige vragen besproken tijdens het bezoek.")
    decision.get_by_role("button", name="Besluit vastleggen").click()
    flash = staff.get_by_text(re.compile(r"Goedgekeurd\. Label (\S+) is toegekend\."))
    expect(flash).to_be_visible()
    certificate = re.search(r"Label (\S+) is toegekend", flash.inner_text()).group(1)
    assert_sound_page(staff, "review (approved)")

    # --- the organisation hears it and finds the label
    mail = wait_for_subject(mailbox, member_email, "Gefeliciteerd: het label Ondernemen met impact")
    verify_link = Mailbox.link(mail, "/label/verificatie/")
    assert verify_link.startswith(live_server.url + "/"), verify_link
    assert certificate in verify_link

    page.goto("/label/zelfscan")
    label_card = page.locator("section", has=page.get_by_role("heading", name="Uw label"))
    expect(label_card.locator(".status")).to_have_text("geldig")
    expect(label_card).to_contain_text(certificate)
    assert_sound_page(page, "self-assessment home (label awarded)")

    # --- anyone can verify it: a fresh visitor, not logged in, finds it in the public register
    public = make_page()
    public.goto("/")
    public.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Register labelhouders").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Register van partners en labelhouders")
    public.get_by_label("Zoek op naam of plaats").fill(org_name)
    public.get_by_label("Alleen organisaties met het label").check()
    public.get_by_role("button", name="Zoeken").click()
    row = public.get_by_role("row").filter(has_text=org_name)
    expect(row).to_have_count(1)
    assert_sound_page(public, "public register, searched")
    row.get_by_role("link", name=f"geldig label van {org_name} controleren").click()
    assert public.url == verify_link, (public.url, verify_link)  # the same stable address as in the mail
    expect(public.get_by_role("heading", level=1)).to_have_text("Verificatie label Ondernemen met impact")
    expect(public.get_by_text(f"{org_name} heeft het label Ondernemen met impact Drechtsteden. "
                              "Het label is geldig.")).to_be_visible()
    summary = public.locator(".summary-list")
    expect(summary.locator("div").filter(has=public.locator("dt", has_text="Status op")).locator("dd")) \
        .to_have_text("geldig")
    expect(summary).to_contain_text(certificate)
    expect(summary).to_contain_text(kvk)
    qr = public.get_by_role("img", name="QR-code naar deze verificatiepagina")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image did not load"
    svg = public.request.get(qr.get_attribute("src"))
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    png = public.request.get(public.get_by_role("link", name="Download als PNG").get_attribute("href"))
    assert png.ok and png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_sound_page(public, "public verification page")


def test_label_pages_on_a_phone(make_page, live_server):
    staff = unique_email("mbo")
    make_verified_user(live_server, staff, roles=("mbo_staff",))
    published_set(live_server, staff)
    failures = check_on_a_phone(make_page, staff, ["/label/beoordeling", "/label/labels", "/label/criteria",
                                                   "/label/register"])
    assert not failures, "\n\n".join(failures)
