"""Impact in a real browser (issue 17): an employer offers a Wijk naar Werk place and staff record it as filled
through a route; a buyer records the SROI obligation of an awarded tender and follows it falling behind.
Every page on the way is checked with axe-core and the structure checks."""
import uuid
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from tests.browser.helpers import (
    assert_sound_page,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
)


def test_employer_offers_a_place_and_staff_record_it_filled(make_page, live_server):
    tag = uuid.uuid4().hex[:6]
    owner, staff = unique_email("werkgever"), unique_email("stmbo")
    make_verified_user(live_server, owner, name=f"Wendy Werkgever {tag}")
    make_verified_user(live_server, staff, name=f"Sam Staf {tag}", roles=("mbo_staff",))
    name = f"Zorgcentrum Crabbehof {tag}"
    make_partner_org(live_server, name, members=[owner], kvk=unique_kvk(), sector="zorg")

    employer = make_page()
    log_in_at(employer, owner)
    employer.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wijk naar Werk").click()
    expect(employer.get_by_role("heading", level=1)).to_have_text("Wijk naar Werk")
    assert_sound_page(employer, "wijk naar werk (employer)")
    employer.get_by_role("group", name="Soort plek").get_by_label("Werkervaringsplek").check()
    employer.get_by_label("Wijk", exact=True).select_option(
        label="Dordt-West (Wielwijk, Crabbehof, Oud en Nieuw Krispijn)")
    employer.get_by_label("Vakgebied").select_option(label="Zorg en welzijn")
    employer.get_by_label("Aantal plekken").fill("2")
    employer.get_by_label("Beschikbaar vanaf").fill((clock.today() - timedelta(days=7)).isoformat())
    employer.get_by_label("Wij doen mee aan de pilot Wijk naar Werk").check()
    employer.get_by_label("Toelichting").fill("Een vaste buddy op de afdeling.")
    employer.get_by_role("button", name="Plek aanbieden").click()
    expect(employer.get_by_text("Dank u wel: uw plek voor Wijk naar Werk is aangeboden.")).to_be_visible()
    row = employer.get_by_role("row", name="Werkervaringsplek")
    expect(row).to_contain_text("doet mee aan de pilot")
    assert_sound_page(employer, "wijk naar werk after offering")

    office = make_page()
    log_in_at(office, staff)
    office.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wijk naar Werk").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Wijk naar Werk: aangeboden plekken")
    assert_sound_page(office, "wijk naar werk overview")
    offer = office.get_by_role("row", name=name)
    expect(offer).to_contain_text("0 / 2")
    offer.get_by_role("link", name="Vervulling vastleggen").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Vervulling vastleggen")
    assert_sound_page(office, "fill a place")
    office.get_by_label("Route").select_option(label="Perspct")
    office.get_by_label("Duurzame plek (6 maanden of langer)").check()
    office.get_by_role("button", name="Vastleggen").click()
    expect(office.get_by_text("De vervulling is vastgelegd.")).to_be_visible()
    expect(office.get_by_role("row", name=name)).to_contain_text("1 / 2")
    expect(office.get_by_role("table", name=f"Duurzaam vervulde plekken per gemeente in {clock.today().year}")
           .get_by_role("row", name="Dordrecht")).to_be_visible()
    # Nobody is identified: the filling page asks for a route and a date only.
    employer.reload()
    expect(employer.get_by_role("row", name="Werkervaringsplek")).to_contain_text("1")


def _awarded_tender(live_server, title, org_kvk, buyer_email, award_day):
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.impact import tables
    from portal.impact.models import ValueTable
    from portal.impact.reference import EXAMPLE_RATES
    from portal.inkoop import procedures
    from portal.partners.models import Organisation
    from tests.inkoop.helpers import make_procedure, open_with_bids

    with live_server.app.app_context():
        buyer = db.session.scalar(select(User).where(User.email == buyer_email))
        org = db.session.scalar(select(Organisation).where(Organisation.kvk == org_kvk))
        procedure = make_procedure(buyer, criteria=(("price", Decimal(100)),), title=title)
        open_with_bids(procedure, buyer, [(org, Decimal(480000), {})])
        procedures.close_procedure(procedure, by=buyer)
        procedures.award_procedure(procedure, by=buyer, today=award_day)
        year = award_day.year - 1
        if db.session.scalar(select(ValueTable).where(ValueTable.year == year)) is None:
            table = tables.create_table(year, by=buyer)
            tables.set_rates(table, dict(EXAMPLE_RATES), by=buyer)
            tables.publish_table(table, by=buyer)
        db.session.commit()
        procedure_id = procedure.id
        db.session.remove()
    return procedure_id


def test_buyer_records_and_follows_an_sroi_obligation(make_page, live_server):
    tag = uuid.uuid4().hex[:6]
    buyer = unique_email("inkoop")
    make_verified_user(live_server, buyer, name=f"Ilse Inkoop {tag}", roles=("inkoop",))
    kvk = unique_kvk()
    supplier = f"Groenbeheer Drechtsteden {tag}"
    make_partner_org(live_server, supplier, kvk=kvk, sector="groen")
    title = f"Groenonderhoud parken {tag}"
    award_day = clock.today() - timedelta(days=200)
    procedure_id = _awarded_tender(live_server, title, kvk, buyer, award_day)

    page = make_page()
    log_in_at(page, buyer)
    page.goto(f"/inkoop/procedures/{procedure_id}/rapport")
    expect(page.get_by_text("Voor deze procedure is geen SROI-verplichting vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="SROI-verplichting bekijken of vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"SROI bij {title}")
    assert_sound_page(page, "sroi form")
    page.get_by_label("Opdrachtwaarde in euro's (excl. btw)").fill("480000")
    page.get_by_label("SROI-percentage").fill("5")
    page.get_by_label("Looptijd van").fill(award_day.isoformat())
    page.get_by_label("Looptijd tot en met").fill((award_day + timedelta(days=730)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De SROI-verplichting is opgeslagen.")).to_be_visible()
    # Nothing logged after 200 days of a two-year contract: behind, with the buyer warned on the page.
    expect(page.get_by_role("status").filter(has_text="De social return loopt achter")).to_be_visible()
    table = page.get_by_role("table", name="Toegezegd tegen gerealiseerd")
    expect(table).to_contain_text("€ 24.000")
    expect(table).to_contain_text("Loopt achter")
    assert_sound_page(page, "sroi obligation behind")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="SROI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SROI-verplichtingen")
    expect(page.get_by_role("row", name=title)).to_contain_text(supplier)
    assert_sound_page(page, "sroi list")
    page.goto(f"/inkoop/procedures/{procedure_id}/rapport")
    expect(page.get_by_role("table", name="SROI: toegezegd tegen gerealiseerd")).to_contain_text("€ 24.000")
