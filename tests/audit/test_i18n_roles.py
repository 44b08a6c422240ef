"""The audit log names acting roles, in the visitor's language, instead of showing their codes."""
import re

from portal.audit.services import record
from portal.extensions import db
from tests.conftest import login


def _role_cells(html):
    return re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", html)


def test_roles_in_the_log_and_the_filter_have_names(client, make_user):
    staff = make_user("mbo_staff", email="staf@stmbo.nl")
    record("test.by_a_business_owner", staff, actor=staff, role="ondernemer")
    record("test.system_job", staff, role="systeem", summary="cron")
    db.session.commit()
    login(client, staff.email)

    html = client.get("/beheer/audit/").get_data(as_text=True)
    cells = _role_cells(html)
    assert "Ondernemer" in cells and "Systeem" in cells and "systeem" not in cells and "ondernemer" not in cells
    assert '<option value="mbo_staff">Medewerker St. MBO</option>' in html

    assert client.post("/taal", data={"lang": "en"}).status_code == 302
    html = client.get("/beheer/audit/").get_data(as_text=True)
    cells = _role_cells(html)
    assert "Business owner" in cells and "System" in cells and "Ondernemer" not in cells
    assert '<option value="mbo_staff">St. MBO staff member</option>' in html
    assert '<option value="beheerder">Administrator of an organisation</option>' in html
    # Filtering still uses the code.
    filtered = client.get("/beheer/audit/?role=systeem").get_data(as_text=True)
    assert set(_role_cells(filtered)) == {"System"}
