"""Value tables are managed by staff and frozen once published; social value shows on every page it belongs to."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.impact import tables, value
from portal.impact.models import ValueTable
from portal.impact.reference import CONTRIBUTION_KINDS
from tests.conftest import login
from tests.impact.conftest import log_job, log_place


def _rates(amount="1000"):
    return {f"rate_{kind}": amount for kind in CONTRIBUTION_KINDS} | {"fulltime_hours": "36"}


def test_staff_draft_set_and_publish_a_table_then_it_is_frozen(app, client, login_as):
    staff = login_as("mbo_staff")
    response = client.post("/impact/waardetabellen", data={"year": "2024", "fulltime_hours": "36"})
    assert response.status_code == 302
    table = db.session.scalar(select(ValueTable).where(ValueTable.year == 2024))
    assert table.status == "concept" and table.rates == []
    assert client.post(f"/impact/waardetabellen/{table.id}", data=_rates("2500")).status_code == 302
    db.session.refresh(table)
    assert {r.kind: r.amount for r in table.rates}["stage_bol"] == Decimal("2500.00")
    assert client.post(f"/impact/waardetabellen/{table.id}/vaststellen").status_code == 302
    db.session.refresh(table)
    assert table.published and table.published_by_id == staff.id
    # Published: the form is gone and a POST is refused; the rule refuses too.
    page = client.get(f"/impact/waardetabellen/{table.id}").get_data(as_text=True)
    assert "Bedragen opslaan" not in page and "€ 2.500" in page
    assert client.post(f"/impact/waardetabellen/{table.id}", data=_rates("9999")).status_code == 403
    db.session.refresh(table)
    assert {r.kind: r.amount for r in table.rates}["stage_bol"] == Decimal("2500.00")
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"impact.value_table_created", "impact.value_table_changed", "impact.value_table_published"} <= actions


def test_a_later_years_table_never_rewrites_an_earlier_years_figures(app, make_org, make_user, publish_year, staff):
    owner = make_user()
    org = make_org(members=[owner])
    publish_year(2024, {"baan_bijstand": Decimal("36600")})
    log_job(org, owner, start=date(2024, 1, 1))
    today = date(2025, 12, 31)
    before = value.social_value(date(2024, 1, 1), date(2024, 12, 31), today=today)[org.id].total
    # 2025 has no table of its own: it uses 2024's. Then 2025 gets its own, much higher amounts.
    assert value.social_value(date(2025, 1, 1), date(2025, 12, 31), today=today)[org.id].total == Decimal("36600.00")
    table = tables.create_table(2025, by=staff)
    assert table.amount("baan_bijstand") == Decimal("36600.00")  # starts from the published one
    tables.set_rates(table, {"baan_bijstand": "73000"}, by=staff)
    tables.publish_table(table, by=staff)
    db.session.commit()
    assert value.social_value(date(2024, 1, 1), date(2024, 12, 31), today=today)[org.id].total == before
    assert value.social_value(date(2025, 1, 1), date(2025, 12, 31), today=today)[org.id].total == Decimal("73000.00")
    # And the 2024 table itself cannot be changed any more.
    published_2024 = db.session.scalar(select(ValueTable).where(ValueTable.year == 2024))
    import pytest

    from portal.impact.errors import ImpactError
    with pytest.raises(ImpactError):
        tables.set_rates(published_2024, {"baan_bijstand": "1"}, by=staff)
    with pytest.raises(ImpactError):
        tables.publish_table(published_2024, by=staff)


def test_bad_input_is_a_dutch_message_not_a_500(app, client, login_as, publish_year):
    login_as("mbo_staff")
    publish_year(2024)
    response = client.post("/impact/waardetabellen", data={"year": "2024", "fulltime_hours": "36"})
    assert response.status_code == 400 and "Voor 2024 bestaat al een waardetabel." in response.get_data(as_text=True)
    response = client.post("/impact/waardetabellen", data={"year": "abc", "fulltime_hours": "99"})
    assert response.status_code == 400
    assert client.get("/impact/sociale-waarde?van=2025-13-01").status_code == 400
    assert client.get("/impact/sociale-waarde?van=2025-06-01&tot=2025-01-01").status_code == 400


def test_gemeente_reads_tables_but_cannot_change_them(app, client, login_as, publish_year):
    table = publish_year(2024)
    login_as("gemeente")
    assert client.get("/impact/waardetabellen").status_code == 200
    assert client.get(f"/impact/waardetabellen/{table.id}").status_code == 200
    assert client.post("/impact/waardetabellen", data={"year": "2026", "fulltime_hours": "36"}).status_code == 403
    assert client.post(f"/impact/waardetabellen/{table.id}/vaststellen").status_code == 403


def test_value_shows_on_org_home_partner_detail_social_value_and_dashboard(app, client, make_user, make_org,
                                                                            publish_year):
    owner = make_user()
    org = make_org(members=[owner], sector="zorg")
    publish_year(clock.today().year - 1, {"baan_bijstand": Decimal("36600"), "stage_bol": Decimal("2500")})
    log_place(org, owner, start=date(clock.today().year - 1, 9, 1), filled=2)
    login(client, owner.email)
    home = client.get("/organisatie").get_data(as_text=True)
    assert "Sociale waarde" in home and "5.000" in home
    staff = make_user("mbo_staff")
    staff_client = app.test_client()
    login(staff_client, staff.email)
    assert "5.000" in staff_client.get(f"/partners/{org.id}").get_data(as_text=True)
    page = staff_client.get(f"/impact/sociale-waarde?van={clock.today().year - 1}-01-01").get_data(as_text=True)
    assert org.name in page and "€ 5.000" in page and "Zorg en welzijn" in page
    dashboard = staff_client.get(f"/dashboard/?van={clock.today().year - 1}-01-01").get_data(as_text=True)
    assert "Sociale waarde (SROI)" in dashboard and "5.000" in dashboard


def test_quarterly_report_suppresses_small_counts_in_the_external_version(app, client, make_user, make_org,
                                                                           publish_year):
    from portal.partners.models import Municipality

    owner = make_user()
    care = make_org(members=[owner], sector="zorg")
    build = make_org(members=[owner], sector="bouw_infra")
    clean = make_org(members=[owner], sector="schoonmaak")
    publish_year(2024, {"stage_bol": Decimal("2500")})
    log_place(care, owner, start=date(2024, 5, 1), places=2, filled=2)       # 2 students: suppressed
    log_place(build, owner, start=date(2024, 5, 2), places=6, filled=6)      # 6: shown, but the complement
    log_place(clean, owner, start=date(2024, 5, 3), places=9, filled=9)      # 9: shown
    dordrecht = db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))
    login(client, make_user("gemeente").email)
    base = f"/dashboard/kwartaalrapportage?jaar=2024&kwartaal=2&gemeente={dordrecht.id}"
    external = client.get(base + "&versie=extern").get_data(as_text=True)
    section = external[external.index("onderwerp-sociale-waarde"):]
    assert "&lt;5" in section and "€ 5.000" not in section       # the small sector: no count, no amount
    assert "€ 15.000" not in section                               # the next smallest is left out too
    assert "€ 22.500" in section and "€ 42.500" in section         # the largest and the total stay
    internal = client.get(base + "&versie=intern").get_data(as_text=True)
    section = internal[internal.index("onderwerp-sociale-waarde"):]
    assert "€ 5.000" in section and "€ 15.000" in section and "&lt;5" not in section
