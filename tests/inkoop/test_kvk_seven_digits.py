"""A KvK number has 8 digits wherever it is typed: 7 digits are refused with a message, never padded."""
from portal.inkoop import procedures
from portal.validators import InvalidNumber, normalise_kvk
from tests.conftest import login
from tests.inkoop.helpers import make_procedure


def test_seven_digits_are_refused_by_the_one_normaliser():
    for value in ("1234567", "123 4567", 1234567, 1234567.0):
        try:
            normalise_kvk(value)
        except InvalidNumber as exc:
            assert str(exc) == "Een KvK-nummer heeft 8 cijfers."
        else:
            raise AssertionError(f"{value!r} was accepted")
    assert normalise_kvk("0123 4567") == "01234567"


def test_the_bid_form_and_the_api_refuse_seven_digits(client, make_user, make_org):
    make_org(name="Nul Vooraan BV", kvk="01234567")
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer)
    procedures.open_procedure(procedure, by=buyer)
    from portal.extensions import db

    db.session.commit()
    login(client, buyer.email)
    response = client.post(f"/inkoop/procedures/{procedure.id}/inschrijvingen/nieuw",
                           data={"kvk": "1234567", "price": "1000"})
    assert response.status_code == 200
    assert "Een KvK-nummer heeft 8 cijfers." in response.get_data(as_text=True)
    db.session.refresh(procedure)
    assert procedure.bids == []
    response = client.get("/api/v1/labels/1234567")
    assert response.status_code == 400
    assert "8 cijfers" in response.get_json()["error"]["message"]
