"""The dashboard and the quarterly report in a real browser (issue 7): axe-core (WCAG 2.0/2.1 A and AA)
finds nothing for St. MBO staff and the municipality, and every chart has a table with its numbers beside it.
"""
import uuid
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from tests.browser.helpers import (
    assert_sound_page,
    check_on_a_phone,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
)


def seed_dashboard_data(live_server, member_email):
    """Two Dordrecht partners with impact jobs and a stageplek, and this year's target for Dordrecht."""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.dashboard.targets import set_target
    from portal.partners import reference as ref
    from portal.partners import services
    from portal.partners.models import Organisation

    make_verified_user(live_server, member_email, name="Olga Ondernemer")
    tag = uuid.uuid4().hex[:6]
    ids = [make_partner_org(live_server, f"Dashboardbedrijf {n} {tag}", members=[member_email], sector=sector)[0]
           for n, sector in ((1, "zorg"), (2, "vervoer_logistiek"))]
    today = clock.today()
    jobs = [("Zorgassistent", ["bijstand"], "vast", "wijk_naar_werk", "wielwijk", date(today.year - 1, 3, 1)),
            ("Magazijnmedewerker", ["statushouder", "ww"], "tijdelijk_kort", "werkshop", "crabbehof",
             date(today.year - 1, 10, 1)),
            ("Heftruckchauffeur", ["banenafspraak"], "bbl", "perspct", "dordt_oost", today.replace(day=1))]
    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == member_email))
        for n, org_id in enumerate(ids):
            org = db.session.get(Organisation, org_id)
            for title, groups, contract, route, wijk, start in jobs[n::2]:
                services.save_impact_job(org, member, {
                    "title": title, "target_groups": groups, "contract_type": contract,
                    "hours_per_week": Decimal(32), "start_date": start, "end_date": None, "end_reason": "",
                    "route": route, "neighbourhood": wijk, "profile": "", "job_coaching": n == 0, "note": ""})
            services.save_stageplek(org, member, {
                "title": "BBL logistiek medewerker", "education_level": "mbo2", "stage_type": "bbl",
                "field": "vervoer_logistiek", "places": 3, "places_filled": 1, "period_start": None,
                "period_end": None, "school": "Da Vinci College", "sbb_recognised": True, "published": True,
                "description": ""})
        dordrecht = ref.ensure_municipalities()["Dordrecht"]
        set_target(dordrecht, today.year, partners=155, labels=110, working_on_label=40)
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def dashboard_data(live_server):
    seed_dashboard_data(live_server, unique_email("dashboard-lid"))


def check_charts_have_tables(page):
    """Every chart (an SVG with role img) has a name and sits beside a table with the same title."""
    charts = page.locator("main svg[role='img']")
    count = charts.count()
    assert count > 0, "the dashboard shows no charts"
    for i in range(count):
        chart = charts.nth(i)
        chart_id = chart.get_attribute("id")
        title = chart.locator("title").text_content().strip()
        # Named by its <title>, described by its <desc> (the numbers in words).
        assert chart.get_attribute("aria-labelledby").split()[0] == f"{chart_id}-title"
        expect(chart.locator("desc")).not_to_be_empty()
        pair = page.locator(".chart-pair", has=page.locator(f"svg#{chart_id}"))
        table = pair.get_by_role("table", name=title, exact=True)
        expect(table).to_have_count(1)
        expect(table.locator("th[scope='col']").first).to_be_attached()
        expect(table.locator("tbody tr").first).to_be_attached()
    return count


@pytest.mark.parametrize("role", ["mbo_staff", "gemeente"])
def test_dashboard_and_quarterly_report_are_accessible(make_page, live_server, dashboard_data, role):
    email = unique_email(role.replace("_", "-"))
    make_verified_user(live_server, email, name=f"Test {role}", roles=(role,))
    page = make_page()
    log_in_at(page, email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    charts = check_charts_have_tables(page)
    assert_sound_page(page, f"dashboard ({role})")

    # Filtered on Dordrecht and a sector: still charts beside tables, still no violations.
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Gemeente").select_option(label="Dordrecht")
    filters.get_by_label("Sector").select_option(label="Vervoer en logistiek")
    filters.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("form", name="Filters").get_by_label("Sector")).to_have_value("vervoer_logistiek")
    check_charts_have_tables(page)
    assert_sound_page(page, f"dashboard filtered ({role})")

    # A date range the other way round is refused at the field, accessibly.
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Van", exact=True).fill(f"{clock.today().year}-06-30")
    filters.get_by_label("Tot en met", exact=True).fill(f"{clock.today().year}-01-01")
    filters.get_by_role("button", name="Toon").click()
    expect(page.locator(".error-summary")).to_contain_text("De einddatum ligt voor de begindatum.")
    assert_sound_page(page, f"dashboard with a filter error ({role})")

    # --- the quarterly report, chosen from the dashboard
    page.goto("/dashboard/")
    section = page.locator("#kwartaalrapportage")
    section.get_by_label("Jaar").fill(str(clock.today().year))
    quarter = (clock.today().month - 1) // 3 + 1
    section.get_by_label("Kwartaal").select_option(str(quarter))
    section.get_by_label("Gemeente").select_option(label="Dordrecht")
    section.get_by_label("Om te delen: aantallen onder 5 als <5").check()
    section.get_by_role("button", name="Rapportage tonen").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Dordrecht")
    expect(page.get_by_role("link", name="Download als Excel (XLSX)")).to_be_visible()
    expect(page.locator("main table").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("<5")  # small counts suppressed in the version to share
    assert_sound_page(page, f"quarterly report, to share ({role})")

    page.get_by_role("link", name="Ander kwartaal kiezen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kwartaalrapportage")
    assert_sound_page(page, f"quarterly report choice ({role})")
    page.get_by_label("Jaar").fill(str(clock.today().year))
    page.get_by_label("Kwartaal").select_option(str(quarter))
    page.get_by_label("Gemeente").select_option(label="Dordrecht")
    page.get_by_label("Intern: werkelijke aantallen").check()
    page.get_by_role("button", name="Rapportage tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dordrecht")
    assert_sound_page(page, f"quarterly report, internal ({role})")

    page.goto("/dashboard/kwartaalrapportage?jaar=1900&kwartaal=9")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_sound_page(page, f"quarterly report choice with errors ({role})")
    assert charts > 0


def test_targets_page_is_accessible(make_page, live_server, dashboard_data):
    email = unique_email("mbo")
    make_verified_user(live_server, email, name="Sanne Staf", roles=("mbo_staff",))
    page = make_page()
    log_in_at(page, email)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Doelen per gemeente en jaar beheren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doelen per gemeente en jaar")
    row = page.get_by_role("row").filter(has_text="Dordrecht").filter(has_text=str(clock.today().year))
    expect(row).to_contain_text("155")
    assert_sound_page(page, "targets")
    row.get_by_role("link", name=f"Wijzigen Dordrecht {clock.today().year}").click()
    expect(page.get_by_label("Doel partners")).to_have_value("155")
    assert_sound_page(page, "targets, changing Dordrecht")



def test_dashboard_pages_on_a_phone(make_page, live_server, dashboard_data):
    email = unique_email("mbo")
    make_verified_user(live_server, email, name="Sanne Staf", roles=("mbo_staff",))
    failures = check_on_a_phone(make_page, email, ["/dashboard/", "/dashboard/kwartaalrapportage",
                                                   "/dashboard/doelen"])
    assert not failures, "\n\n".join(failures)
