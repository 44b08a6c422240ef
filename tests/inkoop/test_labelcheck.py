"""Label check: one organisation on a date with a printable proof, and a messy supplier list in bulk."""
import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from portal import clock
from portal.extensions import db
from portal.inkoop import labelcheck
from portal.label.models import Label
from portal.partners.models import PartnerStatusChange


def labelled(make_org, name, kvk, valid_from, valid_until, number):
    org = make_org(name=name, kvk=kvk)
    db.session.add(PartnerStatusChange(organisation_id=org.id, status="partner", valid_from=date(2023, 1, 1)))
    db.session.add(Label(organisation_id=org.id, certificate_number=number, valid_from=valid_from,
                         valid_until=valid_until))
    db.session.commit()
    return org


def test_search_by_kvk_or_name_with_status_today_and_on_a_date(client, login_as, make_org):
    login_as("inkoop")
    today = clock.today()
    org = labelled(make_org, "Groenbedrijf Merwede", "27312345", today - timedelta(days=100),
                   today + timedelta(days=265), "OMI-2025-0042")
    response = client.get("/inkoop/labelcheck?q=27 31 23 45")
    page = response.get_data(as_text=True)
    assert "Groenbedrijf Merwede" in page and "Heeft het label" in page and "OMI-2025-0042" in page
    assert "Groenbedrijf Merwede" in client.get("/inkoop/labelcheck?q=merwede").get_data(as_text=True)
    assert "Geen organisatie gevonden" in client.get("/inkoop/labelcheck?q=99999999").get_data(as_text=True)

    before = (today - timedelta(days=200)).isoformat()
    page = client.get(f"/inkoop/labelcheck/{org.id}?op={before}").get_data(as_text=True)
    assert "Geldig label" in page and "Geen label" in page  # today valid, on the chosen date not yet
    assert "Label toegekend" in page and "OMI-2025-0042, tot" in page and "Partner" in page  # the history
    proof = client.get(f"/inkoop/labelcheck/{org.id}/bewijs?op={today.isoformat()}").get_data(as_text=True)
    assert "Bewijs labelcheck" in proof and "OMI-2025-0042" in proof and "/label/verificatie/OMI-2025-0042" in proof
    # A nonsense date falls back to today instead of failing.
    assert client.get(f"/inkoop/labelcheck/{org.id}?op=gisteren").status_code == 200
    assert client.get("/inkoop/labelcheck/999999").status_code == 404


MESSY_CSV = (
    "\ufeffLeverancier;KvK nummer ;Plaats\n"
    "Groenbedrijf Merwede;27 31 23 45;Dordrecht\n"
    "Zonder label;1234567;Zwijndrecht\n"          # leading zero lost in a spreadsheet: refused, not padded
    "Typfout;2731234;Dordrecht\n"                 # 7 digits: a typo, refused (padding would name another org)
    "Letters;KVK-ONBEKEND;Dordrecht\n"
    "Leeg;;Papendrecht\n"
    "Dubbel;27312345;Dordrecht\n"
    "Float;27312345.0;Dordrecht\n"
    "Onbekend;02731234;Dordrecht\n"
    ";;\n"
)


def test_bulk_check_with_a_messy_csv(client, login_as, make_org):
    login_as("inkoop")
    today = clock.today()
    labelled(make_org, "Groenbedrijf Merwede", "27312345", today - timedelta(days=10), today + timedelta(days=300),
             "OMI-2025-0042")
    make_org(name="Zonder label BV", kvk="01234567", status="geen")
    response = client.post("/inkoop/labelcheck/lijst", data={
        "file": (io.BytesIO(MESSY_CSV.encode("utf-8")), "leveranciers.csv"), "op": today.isoformat()},
        content_type="multipart/form-data")
    assert response.status_code == 200
    rows = labelcheck.bulk_check(labelcheck.read_supplier_file("x.csv", MESSY_CSV.encode("utf-8")), today)
    assert [(r.line, r.kvk, r.verdict) for r in rows] == [
        (2, "27312345", "label"), (3, "", "ongeldig"), (4, "", "ongeldig"), (5, "", "ongeldig"),
        (6, "", "ongeldig"), (7, "27312345", "dubbel"), (8, "27312345", "dubbel"), (9, "02731234", "onbekend")]
    assert "regel 2" in rows[5].problem
    assert "de 0 aan het begin weggevallen" in rows[1].problem
    page = response.get_data(as_text=True)
    assert "Onbekend in het portaal" in page and "Ongeldig KvK-nummer" in page and "OMI-2025-0042" in page

    # The download repeats the check from the values on the page: no second upload.
    download = client.post("/inkoop/labelcheck/lijst.xlsx",
                           data={"kvk": [r.given for r in rows], "op": today.isoformat()})
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(download.data)).active
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert values[0][3:5] == ("Groenbedrijf Merwede", "Heeft het label")
    assert values[1][4] == "Ongeldig KvK-nummer" and values[7][4] == "Onbekend in het portaal"


def test_bulk_check_with_xlsx_numbers_and_a_date_in_the_past(client, login_as, make_org):
    login_as("gemeente")
    today = clock.today()
    labelled(make_org, "Logistiek Kil", "24000001", today - timedelta(days=10), today + timedelta(days=300), "OMI-1")
    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "KVK"])
    sheet.append(["Logistiek Kil", 24000001])
    sheet.append(["Kwijt", 1234567.0])
    buffer = io.BytesIO()
    book.save(buffer)
    values = labelcheck.read_supplier_file("lijst.xlsx", buffer.getvalue())
    assert values == ["24000001", "1234567"]
    rows = labelcheck.bulk_check(values, today - timedelta(days=30))
    # The label came later: a partner without a label on the date works on the label.
    assert rows[0].verdict == "werkt_aan_label" and rows[0].label_status == "geen"
    response = client.post("/inkoop/labelcheck/lijst", data={
        "file": (io.BytesIO(buffer.getvalue()), "lijst.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Logistiek Kil" in response.get_data(as_text=True)


def test_bulk_check_refuses_unreadable_files_with_a_message(client, login_as):
    login_as("inkoop")
    cases = [
        (b"naam,plaats\nA,Dordrecht\n", "lijst.csv", "geen kolom met"),
        (b"\x00\x01garbage", "lijst.xlsx", "kon niet worden gelezen"),
        (b"kvk\n123\n", "lijst.pdf", "CSV- of XLSX"),
        (b"", "lijst.csv", "Het bestand is leeg"),
        (b"kvk\n\n\n", "lijst.csv", "De KvK-kolom is leeg"),
    ]
    for data, name, message in cases:
        response = client.post("/inkoop/labelcheck/lijst", data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 200, name
        assert message in response.get_data(as_text=True), name
    response = client.post("/inkoop/labelcheck/lijst", data={"op": "2025-01-01"}, content_type="multipart/form-data")
    assert "Kies een CSV- of XLSX-bestand" in response.get_data(as_text=True)


def test_bulk_check_from_the_command_line(runner, make_org, tmp_path):
    make_org(name="Zonder label BV", kvk="01234567", status="geen")
    source = tmp_path / "lijst.csv"
    source.write_text("KvK\n01234567\n99999999\nabc\n1234567\n", encoding="utf-8")
    out = tmp_path / "uitkomst.xlsx"
    result = runner.invoke(args=["inkoop", "labelcheck", str(source), "--op", "2025-06-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "01234567\tGeen partner, geen label\tZonder label BV" in result.output
    assert "Onbekend in het portaal" in result.output and "Ongeldig KvK-nummer" in result.output
    assert load_workbook(out).active["A1"].value.endswith("2025-06-30")
    bad = runner.invoke(args=["inkoop", "labelcheck", str(source), "--op", "morgen"])
    assert bad.exit_code != 0
