"""The attendee export follows the language of the staff member who downloads it."""
import csv
import io

from openpyxl import load_workbook

from tests.conftest import login
from tests.events.test_staff_pages import _fill


def test_attendee_exports_in_english(client, make_event, member, staff):
    event, _question = _fill(make_event, member, staff)
    login(client, staff.email)
    assert client.post("/taal", data={"lang": "en"}).status_code == 302

    response = client.get(f"/evenementen/beheer/{event.id}/deelnemers.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == ["Name", "Email address", "Organisation", "Status", "Registered on", "Checked in on"]
    assert rows[0][-1] == "Biedt u een werkplek aan een wijkbewoner?"  # the staff member's own question
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Petra Partner"][3] == "confirmed"
    assert by_name["Willem Wacht"][3] == "waiting list"

    response = client.get(f"/evenementen/beheer/{event.id}/deelnemers.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Participants"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Name", "Email address", "Organisation", "Status"]
    assert any(v[0] == "Petra Partner" and v[3] == "confirmed" for v in values)
