"""Import of the existing partner list: preview with every row's problems, all-or-nothing commit, re-import."""
import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.partners import importing
from portal.partners.models import ImportBatch, Organisation
from portal.partners.services import partner_status_on

HEADER = "naam;KvK-nummer;straat;postcode;plaats;gemeente;sector;grootte;email;status;partner sinds\n"
ROWS = [
    "Bouwbedrijf Noordendijk;24111111;Noordendijk 1;3311ab;Dordrecht;Dordrecht;"
    "Bouw en infra;10-49;info@nd.example;partner;01-03-2024",
    "Zorg Sliedrecht;02422222;Kerkbuurt 2;3361 AB;Sliedrecht;Sliedrecht;zorg;250;;partner;2025-02-01",
    "Foute KvK BV;1234;Straat 3;3311 AB;Dordrecht;Dordrecht;;;;;",
    "Foute Postcode BV;24333333;Straat 4;33 AB;Dordrecht;Dordrecht;;;;;",
    "Rotterdam BV;24444444;Coolsingel 5;3011 AD;Rotterdam;Rotterdam;;;;;",
    "Dubbel Een;24555555;Straat 6;3311 AB;Dordrecht;Dordrecht;;;;;",
    "Dubbel Twee;24555555;Straat 7;3311 AB;Dordrecht;Dordrecht;;;;;",
    "Bestaand Bedrijf;24666666;Nieuwe Straat 8;3312 CD;Dordrecht;Dordrecht;Kunst;;;partner;",
    "Naamgenoot;24777777;Straat 9;3311 AB;Dordrecht;Dordrecht;;;;;",
]


def csv_bytes(rows=ROWS, header=HEADER):
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def upload(client, data, filename="partners.csv"):
    return client.post("/partners/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.fixture
def staff_client(client, login_as):
    login_as("mbo_staff")
    return client


def test_preview_shows_every_problem_and_imports_nothing_yet(staff_client, make_org):
    make_org(name="Bestaand Bedrijf", kvk="24666666", city="Oud")
    make_org(name="Naamgenoot", kvk="24888888")
    before = db.session.scalar(select(func.count()).select_from(Organisation))

    response = upload(staff_client, csv_bytes())
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    for problem in ("Een KvK-nummer heeft 8 cijfers.", "postcode ‘33 AB’ is ongeldig",
                    "gemeente ‘Rotterdam’ hoort niet bij de Drechtsteden",
                    "KvK-nummer 24555555 staat meer dan eens in het bestand (regels 7, 8)",
                    "er bestaat al een organisatie ‘Naamgenoot’ met KvK-nummer 24888888",
                    "sector ‘Kunst’ onbekend"):
        assert problem in page, problem
    assert "3 rijen importeren" in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before

    batch = db.session.scalar(select(ImportBatch))
    rows = {row["line"]: row for row in batch.rows}
    assert rows[2]["clean"]["postcode"] == "3311 AB" and not rows[2]["problems"]
    assert rows[3]["clean"]["kvk"] == "02422222"
    assert rows[9]["action"] == "bijwerken"


def test_confirm_imports_valid_rows_at_once_and_reimport_updates(staff_client, make_org):
    existing = make_org(name="Bestaand Bedrijf", kvk="24666666", city="Oud", status="aanvraag")
    make_org(name="Naamgenoot", kvk="24888888")
    location = upload(staff_client, csv_bytes()).headers["Location"]
    batch_id = int(location.rsplit("/", 1)[1])

    response = staff_client.post(location, data={"confirm": "1"})
    assert response.status_code == 302
    batch = db.session.get(ImportBatch, batch_id)
    assert (batch.status, batch.created_count, batch.updated_count, batch.skipped_count) == ("imported", 2, 1, 6)
    noordendijk = db.session.scalar(select(Organisation).where(Organisation.kvk == "24111111"))
    assert noordendijk.postcode == "3311 AB" and noordendijk.sector == "bouw_infra"
    assert noordendijk.partner_status == "partner" and noordendijk.partner_since == date(2024, 3, 1)
    assert partner_status_on([noordendijk.id], date(2024, 2, 29))[noordendijk.id] == "geen"
    assert partner_status_on([noordendijk.id], date(2024, 3, 1))[noordendijk.id] == "partner"
    sliedrecht = db.session.scalar(select(Organisation).where(Organisation.kvk == "02422222"))
    assert sliedrecht.size_class == "250+" and sliedrecht.municipality.name == "Sliedrecht"
    db.session.refresh(existing)
    assert existing.city == "Dordrecht" and existing.street == "Nieuwe Straat 8"
    assert existing.partner_status == "partner"
    for kvk in ("24333333", "24444444", "24555555", "24777777"):
        assert db.session.scalar(select(Organisation).where(Organisation.kvk == kvk)) is None

    # Confirming the same batch again is refused with a message.
    again = staff_client.post(location, data={"confirm": "1"})
    assert again.status_code == 409 and "al verwerkt" in again.get_data(as_text=True)

    # A second import of a changed file updates by KvK and duplicates nothing.
    count = db.session.scalar(select(func.count()).select_from(Organisation))
    changed = [ROWS[0].replace("Noordendijk 1;", "Noordendijk 99;"), ROWS[1]]
    location = upload(staff_client, csv_bytes(changed)).headers["Location"]
    page = staff_client.get(location).get_data(as_text=True)
    assert "bijwerken" in page
    staff_client.post(location, data={"confirm": "1"})
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == count
    db.session.refresh(noordendijk)
    assert noordendijk.street == "Noordendijk 99"


def test_commit_is_all_or_nothing(app, make_user, monkeypatch):
    staff = make_user("mbo_staff")
    batch = importing.upload_partner_list("lijst.csv", csv_bytes(ROWS[:2]), staff)
    db.session.commit()
    batch_id = batch.id
    real_record = importing.record
    calls = {"n": 0}

    def failing_record(action, *args, **kwargs):
        if action == "organisation.imported":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("database went away")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(importing, "record", failing_record)
    with pytest.raises(RuntimeError):
        importing.commit_import(batch, staff)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert db.session.get(ImportBatch, batch_id).status == "preview"

    monkeypatch.setattr(importing, "record", real_record)
    importing.commit_import(db.session.get(ImportBatch, batch_id), staff)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_xlsx_upload(staff_client):
    frame = pd.DataFrame([{"Naam": "Logistiek Zeehaven", "KvK": 24999999, "Postcode": "3316 ab",
                           "Gemeente": "dordrecht", "Partner sinds": pd.Timestamp("2023-05-01")}])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    response = upload(staff_client, buffer.getvalue(), "partners.xlsx")
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    row = batch.rows[0]
    assert row["problems"] == [], row
    assert row["clean"]["kvk"] == "24999999" and row["clean"]["postcode"] == "3316 AB"
    assert row["clean"]["municipality"] == "Dordrecht" and row["clean"]["partner_since"] == "2023-05-01"


@pytest.mark.parametrize("data, filename, message", [
    (b"", "leeg.csv", "Het bestand is leeg."),
    (b"naam;kvk;postcode;gemeente\n", "alleen-kop.csv", "geen rijen onder de kopregel"),
    (b"naam;postcode\nA;3311 AB\n", "kolommen.csv", "De kolommen kvk, gemeente ontbreken"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "plaatje.csv", "geen tabel"),
    (b"PK\x03\x04 kapot", "kapot.xlsx", "kon niet als tabel worden gelezen"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "oud.xls", "Oude Excel-bestanden"),
])
def test_files_that_are_not_a_usable_table_get_a_clear_message(staff_client, data, filename, message):
    response = upload(staff_client, data, filename)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in text and 'aria-invalid="true"' in text
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_upload_without_a_file_and_sample_download(staff_client):
    response = staff_client.post("/partners/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies een CSV- of XLSX-bestand." in response.get_data(as_text=True)
    sample = staff_client.get("/partners/import/voorbeeld.csv")
    assert sample.status_code == 200 and b"naam;kvk" in sample.data
    # The sample itself imports cleanly.
    response = upload(staff_client, sample.data, "voorbeeld.csv")
    assert response.status_code == 302
    assert all(not row["problems"] for row in db.session.scalar(select(ImportBatch)).rows)


def test_discarding_a_batch_imports_nothing(staff_client):
    location = upload(staff_client, csv_bytes(ROWS[:1])).headers["Location"]
    assert staff_client.post(location, data={"discard": "1"}).status_code == 302
    assert db.session.scalar(select(ImportBatch)).status == "discarded"
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert staff_client.post(location, data={"confirm": "1"}).status_code == 409


def test_a_row_that_lost_its_leading_zero_is_refused_with_the_likely_cause(staff_client, make_org):
    """Seven digits are never padded: the row is refused and says the spreadsheet probably dropped the 0."""
    make_org(name="Zorg Sliedrecht", kvk="02422222")
    rows = ["Zorg Sliedrecht;2422222;Kerkbuurt 2;3361 AB;Sliedrecht;Sliedrecht;zorg;250;;partner;2025-02-01"]
    page = staff_client.get(upload(staff_client, csv_bytes(rows)).headers["Location"]).get_data(as_text=True)
    assert "Een KvK-nummer heeft 8 cijfers; hier staan er 7." in page
    batch = db.session.scalar(select(ImportBatch))
    assert batch.rows[0]["problems"] and batch.rows[0]["action"] != "bijwerken"
