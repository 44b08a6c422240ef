"""Text that is stored (audit summaries, status reasons) is Dutch, whatever language the acting person reads."""
import flask_babel
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.i18n import in_dutch


def test_in_dutch_renders_a_lazy_string_in_dutch_in_an_english_request(app):
    with app.test_request_context("/?lang=en"):
        flask_babel.refresh()
        assert str(_l("Opslaan")) == "Save"
        assert in_dutch(_l("Opslaan")) == "Opslaan"
        assert in_dutch("al tekst") == "al tekst"


def test_an_english_staff_member_writes_a_dutch_audit_summary(client, login_as, dataset):
    login_as("mbo_staff")
    assert client.post("/taal", data={"lang": "en"}).status_code == 302
    response = client.post("/dashboard/doelen", data={"gemeente": dataset.dordrecht.id, "jaar": 2025,
                                                      "partners": 155, "labels": 110, "working_on_label": ""})
    assert response.status_code == 302
    assert "saved" in client.get(response.headers["Location"]).get_data(as_text=True)  # the page is English
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "dashboard.target_set"))
    assert entry.summary == "Doel Dordrecht 2025 vastgesteld"
