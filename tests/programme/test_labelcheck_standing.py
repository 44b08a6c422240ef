"""The label check, the bulk check and the API answer as the programme counts: "partner, werkt aan het label"
for a partner without a valid label; a suspended or expired label shows the same status everywhere; a KvK number
listed twice is "dubbel"."""
import io
from datetime import timedelta

from openpyxl import load_workbook

from portal import clock
from portal.extensions import db
from portal.inkoop import labelcheck
from tests.programme.test_standing import add_label

TODAY = clock.today()


def _orgs(make_org):
    suspended = make_org(name="Geschorst BV", kvk="11111111")
    add_label(suspended, TODAY - timedelta(days=100), TODAY + timedelta(days=200),
              changes=[("geschorst", TODAY - timedelta(days=5))])
    expired = make_org(name="Verlopen BV", kvk="22222222")
    add_label(expired, TODAY - timedelta(days=800), TODAY - timedelta(days=70))
    working = make_org(name="Onderweg BV", kvk="33333333")
    holder = make_org(name="Label BV", kvk="44444444")
    add_label(holder, TODAY - timedelta(days=10), TODAY + timedelta(days=300))
    db.session.commit()
    return suspended, expired, working, holder


def test_bulk_check_shows_a_suspended_or_expired_label_as_the_single_check_and_the_xlsx_do(client, login_as,
                                                                                            make_org):
    suspended, expired, working, holder = _orgs(make_org)
    login_as("inkoop")
    csv = "KvK\n11111111\n22222222\n33333333\n44444444\n11111111\n"
    response = client.post("/inkoop/labelcheck/lijst", data={"file": (io.BytesIO(csv.encode()), "lijst.csv"),
                                                             "op": TODAY.isoformat()},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    rows = labelcheck.bulk_check(["11111111", "22222222", "33333333", "44444444", "11111111"], TODAY)
    assert [r.verdict for r in rows] == ["werkt_aan_label", "werkt_aan_label", "werkt_aan_label", "label", "dubbel"]
    assert [r.label_status for r in rows[:4]] == ["geschorst", "verlopen", "geen", "geldig"]
    # The screen: the same outcome and label status as the single check, never a bare "Partner".
    for name, status in (("Geschorst BV", "Label geschorst"), ("Verlopen BV", "Label verlopen")):
        row = page[page.index(name):].split("</tr>")[0]
        assert "Partner, werkt aan het label" in row and status in row, name
    assert "Dubbel in de lijst" in page and "staat ook op regel 2" in page
    single = client.get(f"/inkoop/labelcheck/{suspended.id}?op={TODAY.isoformat()}").get_data(as_text=True)
    assert "Partner, werkt aan het label" in single and "Label geschorst" in single
    download = client.post("/inkoop/labelcheck/lijst.xlsx", data={"kvk": [r.given for r in rows],
                                                                  "op": TODAY.isoformat()})
    sheet = load_workbook(io.BytesIO(download.data)).active
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(v[4], v[6]) for v in values[:2]] == [("Partner, werkt aan het label", "Label geschorst"),
                                                 ("Partner, werkt aan het label", "Label verlopen")]
    assert values[4][4] == "Dubbel in de lijst"


def test_api_answers_partner_werkt_aan_het_label(client, make_org):
    suspended, expired, working, holder = _orgs(make_org)
    body = client.get("/api/v1/labels/33333333").get_json()
    assert (body["partner_on_date"], body["programme_status"], body["working_on_label"]) == (
        True, "werkt_aan_label", True)
    body = client.get("/api/v1/labels/11111111").get_json()
    assert (body["label_status"], body["programme_status"], body["working_on_label"]) == (
        "geschorst", "werkt_aan_label", True)
    body = client.get("/api/v1/labels/44444444").get_json()
    assert (body["label_status"], body["programme_status"], body["working_on_label"]) == ("geldig", "label", False)
    # Before the partnership started (make_org: 15-01-2024) the organisation was neither.
    body = client.get("/api/v1/labels/33333333?date=2024-01-14").get_json()
    assert (body["partner_on_date"], body["programme_status"], body["working_on_label"]) == (False, "geen", False)
    listed = client.get("/api/v1/labels?kvk=33333333&kvk=44444444").get_json()
    assert [r["programme_status"] for r in listed["results"]] == ["werkt_aan_label", "label"]


def test_label_check_search_page_says_werkt_aan_het_label(client, login_as, make_org):
    _orgs(make_org)
    login_as("inkoop")
    page = client.get("/inkoop/labelcheck?q=Onderweg").get_data(as_text=True)
    assert "Onderweg BV" in page and "Partner, werkt aan het label" in page
