"""The dashboard and the quarterly report count as the programme does: partners = heeft het label + werkt aan
het label, municipalities only from the day they join, all municipalities against the sum of their targets,
"geen doel vastgesteld" where a year has none, and the programme's other figures against their targets."""
import io
from datetime import date

import pandas as pd

from portal.dashboard.targets import set_target
from portal.extensions import db
from portal.partners.models import PartnerStatusChange
from portal.partners.reference import ensure_municipalities
from tests.dashboard.conftest import job
from tests.dashboard.test_views import _row, _table
from tests.programme.test_standing import add_label

PEILDATUM = date(2024, 9, 30)


def _partner(make_org, name, municipality="Dordrecht", since=date(2024, 2, 1)):
    org = make_org(name=name, municipality=municipality)
    for change in list(org.status_history):
        db.session.delete(change)
    db.session.flush()
    db.session.add(PartnerStatusChange(organisation_id=org.id, status="partner", valid_from=since))
    return org


def _programme(make_org, make_user):
    """Dordrecht on 30-09-2024: 5 partners, 3 with a valid label, 1 with a suspended one; a label holder that is
    no partner; a Zwijndrecht partner (Zwijndrecht joins on 01-01-2025); two Wijk naar Werk placements."""
    staff = make_user("mbo_staff")
    munis = ensure_municipalities()
    orgs = [_partner(make_org, f"Dordts bedrijf {i}") for i in range(5)]
    for org in orgs[:3]:
        add_label(org, date(2024, 3, 1), date(2026, 2, 28))
    add_label(orgs[3], date(2024, 3, 1), date(2026, 2, 28), changes=[("geschorst", date(2024, 9, 1))])
    outsider = make_org(name="Labelhouder zonder partnerschap", status="aanvraag")
    add_label(outsider, date(2024, 3, 1), date(2026, 2, 28))
    _partner(make_org, "Zwijndrechts bedrijf", municipality="Zwijndrecht")
    owner = make_user("ondernemer")
    for route in ("wijk_naar_werk", "wijk_naar_werk", "werkshop"):
        job(orgs[0], owner, route=route, neighbourhood="wielwijk", start_date=date(2024, 9, 2))
    set_target(munis["Dordrecht"], 2024, partners=75, labels=50, working_on_label=25, wijk_naar_werk=100, by=staff)
    db.session.commit()
    return munis


def test_dashboard_shows_partners_heeft_het_label_and_werkt_aan_het_label(client, login_as, make_org, make_user):
    munis = _programme(make_org, make_user)
    login_as("gemeente")
    html = client.get(f"/dashboard/?gemeente={munis['Dordrecht'].id}&van=2024-07-01&tot={PEILDATUM}"
                      ).get_data(as_text=True)
    summary = _table(html, "doelen-stand")
    assert _row(summary, "Partners")[:2] == ["5", "75"]
    assert _row(summary, "Heeft het label")[:2] == ["3", "50"]
    assert _row(summary, "Werkt aan het label")[:2] == ["2", "25"]  # the suspended label works on it again
    assert _row(summary, "Label zonder partnerschap (telt niet mee)")[0] == "1"
    # Residents placed through Wijk naar Werk, counted from the logged jobs, against the target of 100.
    assert _row(summary, "Inwoners naar werk via Wijk naar Werk")[:3] == ["2", "100", "2%"]
    assert _row(summary, "Banen met impact gestart")[:2] == ["3", "geen doel vastgesteld"]


def test_all_municipalities_compare_those_with_a_target_and_say_why_others_are_left_out(client, login_as, make_org,
                                                                                         make_user):
    _programme(make_org, make_user)
    login_as("mbo_staff")
    html = client.get(f"/dashboard/?van=2024-07-01&tot={PEILDATUM}").get_data(as_text=True)
    summary = _table(html, "doelen-stand")
    # Only Dordrecht has a target for 2024: its figures against its target, and the page says so.
    assert _row(summary, "Partners") == ["5", "75", "7%", "Dordrecht"]
    assert "de stand van de gemeenten met een doel voor 2024, vergeleken met de som van hun doelen" in html
    # The Zwijndrecht partner is not counted before 01-01-2025, and the page says why.
    assert "Zwijndrecht neemt deel vanaf 01-01-2025 (1 partners)" in html
    per_municipality = _table(html, "doelen-gemeenten")
    assert "Zwijndrecht" not in per_municipality


def test_all_municipalities_sum_the_targets_of_those_that_have_one(client, login_as, make_org, make_user):
    munis = _programme(make_org, make_user)
    staff = make_user("mbo_staff")
    set_target(munis["Dordrecht"], 2025, partners=155, labels=110, working_on_label=None, by=staff)
    set_target(munis["Zwijndrecht"], 2025, partners=20, labels=None, working_on_label=None, by=staff)
    _partner(make_org, "Sliedrechts bedrijf", municipality="Sliedrecht")  # no target: not in the comparison
    db.session.commit()
    login_as("mbo_staff")
    html = client.get("/dashboard/?van=2025-01-01&tot=2025-03-31").get_data(as_text=True)
    summary = _table(html, "doelen-stand")
    assert _row(summary, "Partners") == ["6", "175", "3%", "Dordrecht, Zwijndrecht"]
    assert _row(summary, "Heeft het label")[:2] == ["3", "110"]
    assert _row(summary, "Werkt aan het label")[:2] == ["4", "geen doel vastgesteld"]  # everyone taking part


def test_quarterly_report_page_and_xlsx_show_the_three_groups(client, login_as, make_org, make_user):
    munis = _programme(make_org, make_user)
    login_as("gemeente")
    query = f"jaar=2024&kwartaal=3&gemeente={munis['Dordrecht'].id}&versie=intern"
    html = client.get(f"/dashboard/kwartaalrapportage?{query}").get_data(as_text=True)
    summary = _table(html, "doelen-stand")
    assert (_row(summary, "Partners")[0], _row(summary, "Heeft het label")[0],
            _row(summary, "Werkt aan het label")[0]) == ("5", "3", "2")
    data = client.get(f"/dashboard/kwartaalrapportage.xlsx?{query}").data
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Doelen")
    rows = {row["Categorie"]: row["Stand"] for _, row in frame.iterrows()
            if row["Indeling"].startswith("Stand op 30-09-2024")}
    assert (rows["Partners"], rows["Heeft het label"], rows["Werkt aan het label"]) == (5, 3, 2)


def test_the_command_line_prints_the_same_three_groups(app, runner, make_org, make_user):
    _programme(make_org, make_user)
    result = runner.invoke(args=["report", "standing", PEILDATUM.isoformat(), "--municipality", "dordrecht"])
    assert result.exit_code == 0, result.output
    lines = dict(line.rsplit(None, 1) for line in result.output.splitlines() if line[-1].isdigit())
    assert (lines["partners"], lines["heeft het label"], lines["werkt aan het label"]) == ("5", "3", "2")
    everywhere = runner.invoke(args=["report", "standing", PEILDATUM.isoformat()])
    assert "niet meegeteld (gemeente neemt nog niet deel): 1 partners" in everywhere.output
    assert runner.invoke(args=["report", "standing", "30-09-2024"]).exit_code != 0
