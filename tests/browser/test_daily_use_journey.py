"""Daily use in a real browser (issue 15): each role's start page points to its own next step, an invited colleague
joins through the invitation (not by registering the organisation again), leaving an organisation and submitting
the zelfscan ask for confirmation on a page, and St. MBO's request for changes shows on the overview.
Every page on the way is checked with axe-core and the structure checks."""
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.helpers import (
    assert_sound_page,
    fill_registration,
    log_in,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
    wait_for_mail,
)
from tests.conftest import Mailbox

REGISTER_NEXT = "Volgende stap: meld uw organisatie aan"


@pytest.mark.parametrize("role", ["inkoop", "gemeente"])
def test_inkoop_and_gemeente_get_their_own_start_page(make_page, live_server, role):
    email = unique_email(role)
    make_verified_user(live_server, email, name=f"Test {role}", roles=(role,))
    page = make_page()
    log_in_at(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, Test {role}")
    expect(page.get_by_text(REGISTER_NEXT)).to_have_count(0)
    expect(page.get_by_role("link", name="Organisatie aanmelden")).to_have_count(0)
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Labelcheck")).to_be_visible()
    expect(page.get_by_role("heading", name="Wat u hier doet")).to_be_visible()
    assert_sound_page(page, f"start page of {role}")


def test_st_mbo_start_page_shows_what_waits(make_page, live_server):
    email = unique_email("mbo")
    make_verified_user(live_server, email, name="Sanne Staf", roles=("mbo_staff",))
    make_partner_org(live_server, f"Wachtende aanvrager {unique_kvk()}", status="aanvraag")
    page = make_page()
    log_in_at(page, email)
    waiting = page.locator("section", has=page.get_by_role("heading", name="Wat op u wacht"))
    expect(waiting).to_contain_text(re.compile(r"\d+ aanvra(ag|gen) voor partnerschap"))
    expect(waiting).to_contain_text(re.compile(r"\d+ zelfscans? wacht"))
    expect(waiting).to_contain_text(re.compile(r"\d+ labels? verlo"))
    expect(waiting).to_contain_text(re.compile(r"\d+ evenement(en)? vandaag"))
    assert_sound_page(page, "St. MBO start page")
    waiting.get_by_role("link", name=re.compile("voor partnerschap")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/partners/aanvragen" in page.url


def test_invited_colleague_joins_through_the_invitation(make_page, live_server, mailbox):
    admin_email, colleague_email = unique_email("beheerder"), unique_email("collega")
    make_verified_user(live_server, admin_email, name="Bea Beheerder")
    kvk = unique_kvk()
    org_name = f"Schildersbedrijf Verf {kvk}"
    make_partner_org(live_server, org_name, kvk=kvk, members=[admin_email])

    admin = make_page()
    log_in_at(admin, admin_email)
    admin.goto("/organisatie/leden")
    admin.get_by_label("E-mailadres").fill(colleague_email)
    admin.get_by_role("button", name="Uitnodiging versturen").click()
    expect(admin.get_by_text(f"De uitnodiging is verstuurd naar {colleague_email}.")).to_be_visible()

    # The colleague has no account yet: "Account aanmaken" carries the invitation and fills in the address.
    link = Mailbox.link(wait_for_mail(mailbox, colleague_email), "/uitnodiging/")
    page = make_page()
    page.goto(link)
    expect(page.get_by_text("als lid mee te werken")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Account aanmaken").click()
    expect(page.get_by_label("E-mailadres")).to_have_value(colleague_email)
    assert_sound_page(page, "register form from an invitation")
    fill_registration(page, colleague_email, name="Carla Collega")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    page.goto(Mailbox.link(_verification_mail(mailbox, colleague_email), "/account/bevestigen/"))
    log_in(page, colleague_email)

    # After log-in: the invitation, not "register your organisation".
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Carla Collega")
    expect(page.get_by_text(REGISTER_NEXT)).to_have_count(0)
    assert_sound_page(page, "start page with a pending invitation")
    page.get_by_role("link", name=f"Uitnodiging van {org_name} bekijken en aanvaarden").click()
    page.get_by_role("button", name="Uitnodiging aanvaarden").click()
    expect(page.get_by_text(f"Welkom bij {org_name}.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(org_name)

    # Leaving asks first, on a page that says what happens.
    page.goto("/organisatie/leden")
    page.get_by_role("link", name=f"Ik verlaat {org_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{org_name} verlaten?")
    expect(page.get_by_text("Terugkomen kan alleen als een beheerder u opnieuw uitnodigt.")).to_be_visible()
    assert_sound_page(page, "leave confirmation")
    page.get_by_role("button", name=f"Ja, ik verlaat {org_name}").click()
    expect(page.get_by_text(f"U bent geen lid meer van {org_name}.")).to_be_visible()


def _verification_mail(mailbox, address):
    """The newest mail to ``address`` with an account confirmation link."""
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in reversed(mailbox.to(address)):
            if "/account/bevestigen/" in Mailbox.text(message):
                return message
        time.sleep(0.05)
    raise AssertionError(f"no confirmation mail to {address}")


def test_applicant_is_told_the_application_waits_not_sent_to_the_zelfscan(make_page, live_server):
    from datetime import timedelta

    from portal.database import utcnow
    from portal.partners.models import Organisation

    email = unique_email("aanvrager")
    make_verified_user(live_server, email, name="Anne Aanvrager")
    org_id, _kvk = make_partner_org(live_server, f"Aanvrager {unique_kvk()}", status="aanvraag", members=[email])
    with live_server.app.app_context():
        db.session.get(Organisation, org_id).applied_at = utcnow() - timedelta(days=4)
        db.session.commit()
        db.session.remove()
    page = make_page()
    log_in_at(page, email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn organisatie").click()
    expect(page.get_by_text(re.compile("Uw aanvraag wacht op St. MBO sinds"))).to_be_visible()
    expect(page.get_by_role("link", name="Zelfscan")).to_have_count(0)
    expect(page.get_by_role("link", name="Naar de zelfscan")).to_have_count(0)
    events = page.locator("section", has=page.get_by_role("heading", name="Evenementen", exact=True))
    expect(events).to_contain_text(re.compile(r"Uw organisatie was \d+ keer aanwezig"))
    assert_sound_page(page, "organisation page while the application waits")


def test_after_st_mbo_asks_for_changes_the_overview_shows_where(make_page, live_server):
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.label import assessments
    from portal.partners.models import Organisation
    from tests.browser.test_label_journey import PDF, published_set

    member_email, staff_email = unique_email("lid"), unique_email("mbo")
    make_verified_user(live_server, member_email, name="Olga Ondernemer")
    make_verified_user(live_server, staff_email, name="Sanne Staf", roles=("mbo_staff",))
    org_name = f"Aanvulbedrijf {unique_kvk()}"
    org_id, _kvk = make_partner_org(live_server, org_name, members=[member_email])
    published_set(live_server, staff_email)
    with live_server.app.app_context():  # answered and submitted through the rules, as the member would
        member = db.session.scalar(select(User).where(User.email == member_email))
        item = assessments.load(assessments.start_assessment(db.session.get(Organisation, org_id), member).id)
        for theme in item.criteria_set.themes:
            values = {c.id: (c.options[-1].id, "") for c in theme.criteria}
            assessments.save_theme(item, theme, values, member, version=item.version)
            for criterion in theme.criteria:
                if criterion.evidence_required:
                    assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member)
        assessments.submit_assessment(item, member)
        db.session.commit()
        item_id, first_question = item.id, item.criteria_set.themes[0].criteria[0].question
        db.session.remove()

    staff = make_page()
    log_in_at(staff, staff_email)
    staff.goto(f"/label/beoordeling/{item_id}")
    staff.get_by_role("button", name="Oppakken en beoordelen").click()
    expect(staff.get_by_text("U beoordeelt deze zelfscan nu.")).to_be_visible()
    question = staff.locator("div.card", has=staff.get_by_text(first_question, exact=False)).first
    question.get_by_role("textbox").first.fill("Hoe meet u dit precies?")
    question.get_by_role("button", name="Plaatsen").click()
    expect(staff.get_by_text("Uw opmerking is geplaatst.")).to_be_visible()
    decision = staff.locator("section", has=staff.get_by_role("heading", name="Besluit", exact=True))
    decision.get_by_label("Vraag de organisatie om aan te vullen").check()
    decision.get_by_label("Toelichting voor de organisatie").fill("Zie de vraag over meten.")
    decision.get_by_role("button", name="Besluit vastleggen").click()

    page = make_page()
    log_in_at(page, member_email)
    page.goto(f"/label/zelfscan/{item_id}")
    requested = page.locator("section", has=page.get_by_role("heading", name="Wat St. MBO van u vraagt"))
    expect(requested).to_contain_text("Hoe meet u dit precies?")
    assert_sound_page(page, "overview after a request for changes")
    requested.get_by_role("link", name=re.compile(r"^Vraag 1\.1")).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(first_question[:30])))).to_be_visible()
