"""Label check and evaluation workbooks follow the language of whoever downloads them; the CLI stays Dutch."""
import io
from datetime import timedelta

from flask_babel import refresh
from openpyxl import load_workbook

from portal import clock
from portal.inkoop import evaluation
from tests.inkoop.test_evaluation import setup_panel
from tests.inkoop.test_labelcheck import labelled


def test_bulk_label_check_workbook_in_english(client, login_as, make_org):
    login_as("inkoop")
    today = clock.today()
    labelled(make_org, "Groenbedrijf Merwede", "27312345", today - timedelta(days=10), today + timedelta(days=300),
             "OMI-2025-0042")
    assert client.post("/taal", data={"lang": "en"}).status_code == 302
    download = client.post("/inkoop/labelcheck/lijst.xlsx",
                           data={"kvk": ["27312345", "02731234", "KVK-ONBEKEND"], "op": today.isoformat()})
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet.title == "Label check"
    assert sheet["A1"].value.endswith(today.isoformat()) and "peildatum" not in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:7] == ("Line", "As entered", "KvK number (Chamber of Commerce)", "Organisation", "Result",
                           "Partner status", "Label status")
    assert rows[1][3:7] == ("Groenbedrijf Merwede", "Has the label", "Partner", "Valid label")
    assert rows[2][4] == "Unknown in the portal" and rows[3][4] == "Invalid KvK number"


def test_evaluation_report_workbook_in_english_and_in_dutch(app, make_user, make_org):
    procedure, _bids, *_people = setup_panel(make_user, make_org)
    data = evaluation.report_data(procedure)
    with app.test_request_context("/?lang=en"):
        refresh()  # the test's app context (and its g) outlives the request: forget the locale found before
        book = load_workbook(io.BytesIO(evaluation.report_xlsx(data)))
    assert book.sheetnames == ["Ranking", "Scores", "Bidders"]
    ranking = list(book["Ranking"].iter_rows(values_only=True))
    assert ranking[1][0] == "Reference" and ranking[1][5] == "Under evaluation"
    assert ranking[1][7] == "Price relative to the lowest bid"
    assert ranking[3][:4] == ("Rank", "Tied", "Drawn by lot", "Bidder")
    bidders = list(book["Bidders"].iter_rows(values_only=True))
    assert bidders[0][:3] == ("Bidder", "KvK", "Admitted")
    assert {row[2] for row in bidders[1:]} == {"yes"} and {row[7] for row in bidders[1:]} == {"Partner"}

    with app.test_request_context("/"):
        refresh()
        book = load_workbook(io.BytesIO(evaluation.report_xlsx(data)))
    assert book.sheetnames == ["Rangorde", "Scores", "Inschrijvers"]
    bidders = list(book["Inschrijvers"].iter_rows(values_only=True))
    assert bidders[0][:3] == ("Inschrijver", "KvK", "Toegelaten") and {row[2] for row in bidders[1:]} == {"ja"}
