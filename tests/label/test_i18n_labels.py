"""The staff list of labels names its status filter in the visitor's language, not by its codes."""
import re

from tests.conftest import login


def _options(html):
    select = html[html.index('<select id="status"'):]
    select = select[:select.index("</select>")]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_status_filter_shows_names_in_dutch_and_in_english(client, staff):
    login(client, staff.email)
    dutch = _options(client.get("/label/labels?status=geschorst").get_data(as_text=True))
    assert dutch == [("", "Alle"), ("geldig", "geldig"), ("geschorst", "geschorst"),
                     ("ingetrokken", "ingetrokken"), ("verlopen", "verlopen")]

    assert client.post("/taal", data={"lang": "en"}).status_code == 302
    html = client.get("/label/labels?status=geschorst").get_data(as_text=True)
    english = _options(html)
    assert english == [("", "All"), ("geldig", "valid"), ("geschorst", "suspended"),
                       ("ingetrokken", "withdrawn"), ("verlopen", "expired")]
    assert '<option value="geschorst" selected>' in html
