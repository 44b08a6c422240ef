"""One function says which actions a label allows; the label page
offers exactly those and the rules accept only those."""
from datetime import timedelta

from portal.extensions import db
from portal.label import awards
from portal.label.history import today
from portal.label.models import Label
from tests.conftest import login
from tests.label.test_history import approve_now, move_label


def offered(client, label):
    page = client.get(f"/label/labels/{label.id}").get_data(as_text=True)
    return {name for name, text in (("schorsen", 'value="schorsen"'), ("herstellen", 'value="herstellen"'),
                                    ("intrekken", 'value="intrekken"')) if text in page}


def test_a_valid_label_is_never_offered_schorsing_opheffen(app, client, member_org, staff):
    org, member = member_org
    _item, label = approve_now(org, member, staff)
    login(client, staff.email)
    assert offered(client, label) == {"schorsen", "intrekken"} == set(awards.allowed_actions(label))
    # Posting the action anyway is refused with a message, nothing changes.
    response = client.post(f"/label/labels/{label.id}", data={"action": "herstellen", "reason": "Per abuis"})
    assert response.status_code == 400
    assert "Dit kan niet bij een label met status geldig" in response.get_data(as_text=True)
    assert db.session.get(Label, label.id).status == "geldig" and len(db.session.get(Label, label.id).history) == 1

    assert (client.post(f"/label/labels/{label.id}", data={"action": "schorsen", "reason": "Onderzoek"})
            .status_code == 302)
    assert offered(client, label) == {"herstellen", "intrekken"}
    assert (client.post(f"/label/labels/{label.id}", data={"action": "intrekken", "reason": "Gegrond"})
            .status_code == 302)
    assert offered(client, label) == set() and awards.allowed_actions(db.session.get(Label, label.id)) == []


def test_a_label_past_its_end_date_offers_only_withdrawal(app, client, member_org, staff):
    org, member = member_org
    _item, label = approve_now(org, member, staff)
    move_label(label, today() - timedelta(days=800))  # ended, the nightly expiry has not run yet
    login(client, staff.email)
    assert offered(client, label) == {"intrekken"}
    response = client.post(f"/label/labels/{label.id}", data={"action": "schorsen", "reason": "Onderzoek"})
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True)
