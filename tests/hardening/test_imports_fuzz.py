"""Property-based bad files for the two imports: the partner list (preview, then confirm or discard) and the
procurement label check of a supplier list. Never a 500, a Dutch message for every refusal, and an import is
all or nothing: a refused file or confirmation leaves the organisations exactly as they were.
"""
import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.partners.importing import MAX_ROWS
from portal.partners.models import ImportBatch, Organisation
from tests.hardening.fuzzkit import HUGE, World, changed, fuzz_settings, shows_error

EXAMPLES = 25
MUNICIPALITIES = ["Dordrecht", "Zwijndrecht", "Papendrecht", "Sliedrecht", "Alblasserdam", "Hendrik-Ido-Ambacht",
                  "Hardinxveld-Giessendam", "dordrecht ", "Rotterdam", ""]
HEADERS = ["naam", "kvk", "KvK-nummer", "straat", "postcode", "plaats", "gemeente", "sector", "grootte", "website",
           "contactpersoon", "telefoon", "email", "status", "partner_sinds", "onbekend", "", "naam", "K.v.K."]
NASTY_CELLS = ["", " ", "\x00", HUGE, "=cmd|' /C calc'!A0", "=1+1", "+31 78 123", "@SUM(A1)", "-1", "1e20",
               "99999999999999999999", "12345678.0", "1.2345678E7", "ë€𝄞\u202e", "<script>alert(1)</script>",
               "' OR 1=1 --", "NaN", "None", "31-02-2024", "2999-01-01", "\r\n", '"', ";", "partner", "geschorst"]


@pytest.fixture(scope="module")
def world(database_url, smtp_server):
    world = World(database_url, smtp_server.port)
    yield world
    world.close()


def organisations():
    db.session.rollback()
    return db.session.execute(select(Organisation.id, Organisation.kvk, Organisation.name, Organisation.partner_status,
                                     Organisation.street, Organisation.contact_email).order_by(Organisation.id)).all()


# --------------------------------------------------------------------------- files
@st.composite
def cell(draw, column):
    plausible = {
        "naam": st.sampled_from(["Fuzz BV", "Bakkerij Ë", "Fuzz BV"]),
        "kvk": st.integers(10_000_000, 99_999_999).map(str), "KvK-nummer": st.integers(0, 99_999_999).map(str),
        "postcode": st.sampled_from(["3311 AB", "3312cd", "1234", "9999 ZZ"]),
        "gemeente": st.sampled_from(MUNICIPALITIES), "status": st.sampled_from(["partner", "aanvraag", "x", ""]),
        "partner_sinds": st.sampled_from(["2024-03-01", "15-06-2023", "2024/13/45", ""]),
    }.get(column, st.text(max_size=20))
    return draw(st.one_of(plausible, plausible, st.sampled_from(NASTY_CELLS), st.text(max_size=40)))


@st.composite
def table(draw):
    headers = draw(st.one_of(
        st.just(["naam", "kvk", "postcode", "gemeente"]),
        st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8),
        st.permutations(["naam", "kvk", "postcode", "gemeente", "status", "partner_sinds", "website", "email"]),
    ))
    rows = draw(st.lists(st.tuples(*[cell(h) for h in headers]) if headers else st.just(()), max_size=6))
    ragged = draw(st.booleans()) and rows
    if ragged:
        rows[0] = rows[0][:-1] if len(rows[0]) else ("extra",)
    return headers, [list(r) for r in rows]


def to_csv(headers, rows, sep, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def to_xlsx(headers, rows):
    book = Workbook()
    sheet = book.active
    for row in [headers] + rows:
        sheet.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def upload(draw):
    """(bytes, filename) of a table or of something that only claims to be one."""
    kind = draw(st.sampled_from(["csv", "csv", "xlsx", "xlsx", "bytes", "special"]))
    if kind in ("csv", "xlsx"):
        headers, rows = draw(table())
        if kind == "xlsx":
            return to_xlsx(headers, rows), draw(st.sampled_from(["lijst.xlsx", "lijst.XLSX", "lijst.csv", "lijst"]))
        sep = draw(st.sampled_from([";", ",", "\t", "|"]))
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
        return to_csv(headers, rows, sep, encoding), draw(st.sampled_from(["lijst.csv", "lijst.txt", "lijst.xlsx",
                                                                           "lijst.xls", ""]))
    if kind == "bytes":
        return draw(st.binary(max_size=400)), draw(st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.pdf"]))
    special = draw(st.sampled_from([
        b"", b"\n\n\n", b"naam;kvk;postcode;gemeente\n", b"\xef\xbb\xbf", b"PK\x03\x04" + b"\x00" * 40,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, b"<html><body>geen tabel</body></html>",
        "naam;kvk;postcode;gemeente\nÉén;12345678;3311 AB;Dordrecht\n".encode("utf-16-le"),
        b'naam,kvk,postcode,gemeente\n"open quote,12345678,3311 AB,Dordrecht\n',
        b"kvk\n" + b"1" * 100_000 + b"\n",
    ]))
    return special, draw(st.sampled_from(["x.csv", "x.xlsx"]))


def post_file(client, url, data, filename, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), filename), **fields}, content_type="multipart/form-data")


# --------------------------------------------------------------------------- partner import
@fuzz_settings(EXAMPLES)
@given(file=upload(), confirm=st.sampled_from(["confirm", "confirm", "discard", "twice"]))
def test_partner_import_is_all_or_nothing(world, file, confirm):
    client = world.clients["mbo_staff"]
    before_orgs, before = organisations(), world.counts()
    response = post_file(client, "/partners/import", *file)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        body = response.get_data(as_text=True)
        assert shows_error(body) and "Er is een probleem" in body
        assert changed(before, world.counts()) == {}
        return
    # The preview keeps the batch; nothing is imported yet.
    assert organisations() == before_orgs
    batch_url = response.headers["Location"]
    preview = client.get(batch_url)
    assert preview.status_code == 200
    batch_id = int(batch_url.rstrip("/").rsplit("/", 1)[1])
    fields = {"discard": "1"} if confirm == "discard" else {}
    response = client.post(batch_url, data=fields)
    if confirm == "twice":
        response = client.post(batch_url, data=fields)
    batch = db.session.get(ImportBatch, batch_id)
    if response.status_code == 302:
        assert confirm != "twice"
        after = organisations()
        if confirm == "discard":
            assert after == before_orgs and batch.status == "discarded"
        else:
            assert batch.status == "imported"
            assert len(after) == len(before_orgs) + batch.created_count
            assert batch.created_count + batch.skipped_count + batch.updated_count <= len(batch.rows)
    else:
        assert response.status_code == 409, response.status_code
        assert shows_error(response.get_data(as_text=True))
        if confirm != "twice":
            # Refused as a whole: not a single organisation was added or changed.
            assert organisations() == before_orgs
            assert batch.status == "preview"


def test_partner_import_refuses_more_rows_than_allowed_and_reads_the_most_allowed(world):
    client = world.clients["mbo_staff"]
    before = organisations()
    lines = ["naam;kvk;postcode;gemeente"] + [
        f"Rij {n};{20_000_000 + n};3311 AB;Dordrecht" for n in range(MAX_ROWS + 1)]
    too_many = "\n".join(lines).encode()
    response = post_file(client, "/partners/import", too_many, "groot.csv")
    assert response.status_code == 400
    assert "meer dan 5000 rijen" in response.get_data(as_text=True).replace(".", "")
    most = "\n".join(lines[:-1]).encode()
    response = post_file(client, "/partners/import", most, "groot.csv")
    assert response.status_code == 302
    assert organisations() == before


def test_partner_import_with_overlong_values_is_refused_per_row_not_with_a_server_error(world):
    """A cell longer than its column is a problem of that row, never a database error at the confirmation."""
    client = world.clients["mbo_staff"]
    before = organisations()
    rows = [["naam", "kvk", "postcode", "gemeente", "straat", "plaats", "website", "contactpersoon", "telefoon",
             "email"],
            ["N" * 5000, "31234567", "3311 AB", "Dordrecht", "", "", "", "", "", ""],
            ["Lang adres", "31234568", "3311 AB", "Dordrecht", "S" * 5000, "P" * 500, "w" * 500 + ".nl", "C" * 500,
             "0" * 100, "e" * 300 + "@example.nl"]]
    for data, name in ((to_xlsx(rows[0], rows[1:]), "lang.xlsx"),
                       (to_csv(rows[0], rows[1:], ";", "utf-8"), "lang.csv")):
        response = post_file(client, "/partners/import", data, name)
        assert response.status_code == 302
        batch_url = response.headers["Location"]
        response = client.post(batch_url, data={})
        assert response.status_code in (302, 409)
        assert organisations() == before
        body = client.get(batch_url).get_data(as_text=True)
        assert "te lang" in body


def test_partner_import_neutralises_formulas(world):
    """A formula in a cell is kept as text; it is never evaluated or exported as a live formula."""
    client = world.clients["mbo_staff"]
    data = to_csv(["naam", "kvk", "postcode", "gemeente"], [["=cmd|' /C calc'!A0", "41234567", "3311 AB", "Dordrecht"]],
                  ";", "utf-8")
    response = post_file(client, "/partners/import", data, "formule.csv")
    assert response.status_code == 302
    response = client.post(response.headers["Location"], data={})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.kvk == "41234567"))
    assert org is not None and org.name == "=cmd|' /C calc'!A0"


# --------------------------------------------------------------------------- label check of a supplier list
@fuzz_settings(EXAMPLES)
@given(file=upload(), on=st.sampled_from(["", "2025-01-01", "0001-01-01", "9999-12-31", "gisteren", "\x00"]))
def test_bulk_label_check_never_errors_and_writes_nothing(world, file, on):
    client = world.clients["inkoop"]
    before = world.counts()
    response = post_file(client, "/inkoop/labelcheck/lijst", *file, op=on)
    assert response.status_code in (200, 400), response.status_code
    body = response.get_data(as_text=True)
    assert shows_error(body) or "Leveranciers (" in body
    assert changed(before, world.counts()) == {}
    if "Leveranciers (" in body:
        values = re.findall(r'<input type="hidden" name="kvk" value="([^"]*)">', body)
        response = client.post("/inkoop/labelcheck/lijst.xlsx", data={"kvk": values, "op": on})
        assert response.status_code == 200 and response.data[:2] == b"PK"


def test_bulk_label_check_reads_a_list_of_the_most_allowed_suppliers(world):
    client = world.clients["inkoop"]
    data = ("KvK-nummer\n" + "\n".join(str(30_000_000 + n) for n in range(5000))).encode("utf-8")
    response = post_file(client, "/inkoop/labelcheck/lijst", data, "lijst.csv")
    assert response.status_code == 200
    assert "Leveranciers (5000 regels)" in response.get_data(as_text=True).replace(".", "")
    response = post_file(client, "/inkoop/labelcheck/lijst", data + b"\n12345678", "lijst.csv")
    assert "hoogstens 5000 leveranciers" in response.get_data(as_text=True).replace(".", "")


def test_imports_leave_the_organisation_count_alone_when_refused(world):
    count = db.session.scalar(select(func.count()).select_from(Organisation))
    client = world.clients["mbo_staff"]
    for data, name in ((b"", "leeg.csv"), (b"naam;kvk\n", "kop.csv"), (b"\xff\xfe\x00", "rommel.xlsx")):
        response = post_file(client, "/partners/import", data, name)
        assert response.status_code == 400 and "Er is een probleem" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == count
