"""Acceptance of issue 13: importing the partners, labels and path steps that describe Dordrecht on
30 September 2024 makes the dashboard and the quarterly report for 2024 Q3 (page and XLSX) show exactly
75 partners / 30 with the label / 45 working on it, and a label check of an imported holder on 2024-09-30
shows its certificate. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.partners import path
from portal.partners.models import Municipality, Organisation
from tests.conftest import login

Q3_END = date(2024, 9, 30)


def kvk(n: int) -> str:
    return f"{30000000 + n:08d}"


def partner_csv() -> bytes:
    lines = ["naam;kvk;straat;postcode;plaats;gemeente;status;partner_sinds"]
    for n in range(1, 76):
        since = date(2024, 1, 10) + timedelta(days=3 * n)
        lines.append(f"Dordtse Partner {n:02d};{kvk(n)};Spuiboulevard {n};3311 AB;Dordrecht;Dordrecht;partner;"
                     f"{since.isoformat()}")
    # Not in the Q3 2024 figures: a Dordrecht partner from October, a Zwijndrecht partner from 2025, an applicant.
    lines.append(f"Later Partner;{kvk(76)};Kade 1;3311 AB;Dordrecht;Dordrecht;partner;2024-10-15")
    lines.append(f"Zwijndrechtse Partner;{kvk(77)};Dorp 1;3331 AB;Zwijndrecht;Zwijndrecht;partner;2025-02-01")
    lines.append(f"Aanvrager;{kvk(78)};Dorp 2;3311 AB;Dordrecht;Dordrecht;aanvraag;")
    return ("\n".join(lines) + "\n").encode("utf-8")


def labels_csv() -> bytes:
    lines = ["kvk;certificaatnummer;toegekend_op;geldig_tot;status;geschorst_op;ingetrokken_op;reden"]
    for n in range(1, 31):
        awarded = date(2024, 2, 1) + timedelta(days=5 * n)
        number = f"MBO-2024-{n:03d}" if n <= 20 else ""
        lines.append(f"{kvk(n)};{number};{awarded.strftime('%d-%m-%Y')};;;;;")
    # A 31st label, suspended in August 2024: that partner works on the label on 30 September.
    lines.append(f"{kvk(31)};MBO-2024-031;2024-03-01;;geschorst;2024-08-15;;Klacht in onderzoek")
    return ("\n".join(lines) + "\n").encode("utf-8")


def path_csv() -> bytes:
    lines = ["kvk;stap;datum;notitie"]
    for n in range(32, 61):
        lines.append(f"{kvk(n)};intake;2024-05-{(n % 28) + 1:02d};Eerste inventarisatie")
    for n in range(40, 51):
        lines.append(f"{kvk(n)};inspiratiesessie;2024-09-{(n % 20) + 1:02d};")
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_file(client, url, data, filename):
    response = client.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    preview = response.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "met problemen" in page
    confirmed = client.post(preview, data={"confirm": "1"})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:3000]
    return client.get(confirmed.headers["Location"]).get_data(as_text=True)


def cell(page: str, row_title: str) -> int:
    match = re.search(re.escape(row_title) + r"</th>\s*<td[^>]*>\s*([\d.]+)", page)
    assert match, f"no row {row_title!r}"
    return int(match.group(1).replace(".", ""))


@pytest.fixture
def imported(client, login_as):
    login_as("mbo_staff")
    import_file(client, "/partners/import", partner_csv(), "partners.csv")
    import_file(client, "/partners/import/labels", labels_csv(), "labels.csv")
    import_file(client, "/partners/import/trajectstappen", path_csv(), "trajectstappen.csv")
    return db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))


THREE = ("Partners", "Heeft het label", "Werkt aan het label")


def test_the_path_breakdown_splits_the_45_by_step(client, imported):
    counts = {c.code: c.count for c in path.stage_counts(Q3_END, imported.id)}
    assert counts["partnerovereenkomst"] == 16 and counts["intake"] == 18 and counts["inspiratiesessie"] == 11
    assert sum(counts.values()) == 45
    page = client.get(f"/dashboard/?gemeente={imported.id}&van=2024-07-01&tot=2024-09-30").get_data(as_text=True)
    assert cell(page, "Totaal werkt aan het label") == 45


def test_dashboard_shows_75_30_45_on_30_september_2024(client, imported):
    dashboard = client.get(f"/dashboard/?gemeente={imported.id}&van=2024-07-01&tot=2024-09-30&ververs=1")
    assert dashboard.status_code == 200
    page = dashboard.get_data(as_text=True)
    assert tuple(cell(page, title) for title in THREE) == (75, 30, 45)


def test_quarterly_report_page_shows_75_30_45_for_2024_q3(client, imported):
    query = f"jaar=2024&kwartaal=3&gemeente={imported.id}&versie=intern"
    report = client.get(f"/dashboard/kwartaalrapportage?{query}").get_data(as_text=True)
    assert tuple(cell(report, title) for title in THREE) == (75, 30, 45)


def test_quarterly_report_xlsx_shows_75_30_45_for_2024_q3(client, imported):
    query = f"jaar=2024&kwartaal=3&gemeente={imported.id}&versie=intern"
    xlsx = client.get(f"/dashboard/kwartaalrapportage.xlsx?{query}")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if len(row) > 2 and row[1] in THREE:
                found.setdefault(row[1], row[2])
    assert tuple(found.get(title) for title in THREE) == (75, 30, 45)


def test_label_check_of_an_imported_holder_on_30_september_2024_shows_its_certificate(app, imported, make_user):
    holder = db.session.scalar(select(Organisation).where(Organisation.kvk == kvk(7)))
    buyer = make_user("inkoop")
    client = app.test_client()
    login(client, buyer.email)
    page = client.get(f"/inkoop/labelcheck/{holder.id}?op=2024-09-30").get_data(as_text=True)
    assert "MBO-2024-007" in page
    verify = client.get("/label/verificatie/MBO-2024-007")
    assert verify.status_code == 200 and "Dordtse Partner 07" in verify.get_data(as_text=True)
