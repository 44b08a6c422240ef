"""Who may open what: an ondernemer sees none of inkoop, buyers no commitments follow-up, and every route has a rule."""
from decimal import Decimal as D

import pytest

from portal.extensions import db
from portal.inkoop import procedures
from portal.inkoop.views import bp
from tests.conftest import login
from tests.inkoop.helpers import make_procedure, open_with_bids


@pytest.fixture
def world(make_user, make_org):
    buyer = make_user("inkoop")
    org = make_org(name="Bieder BV")
    procedure = make_procedure(buyer)
    open_with_bids(procedure, buyer, [(org, D(1000), {"impact_jobs": 1})], panel=[make_user("gemeente")])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    bid = procedure.bids[0]
    return {"procedure": procedure, "org": org, "bid": bid}


def urls(world):
    p, org = world["procedure"].id, world["org"].id
    return [
        "/inkoop/labelcheck", "/inkoop/labelcheck?q=bieder", f"/inkoop/labelcheck/{org}",
        f"/inkoop/labelcheck/{org}/bewijs", "/inkoop/labelcheck/lijst", "/inkoop/procedures",
        "/inkoop/procedures/nieuw", f"/inkoop/procedures/{p}", f"/inkoop/procedures/{p}/intrekken",
        f"/inkoop/procedures/{p}/inschrijvingen/nieuw", f"/inkoop/procedures/{p}/beoordelen",
        f"/inkoop/procedures/{p}/panelscores", f"/inkoop/procedures/{p}/rapport",
        "/inkoop/toezeggingen", f"/inkoop/toezeggingen/{org}",
    ]


@pytest.mark.parametrize("role", ["ondernemer", "mbo_staff"])
def test_ondernemer_and_st_mbo_staff_see_nothing_of_inkoop(client, make_user, make_org, world, role):
    user = make_user(role)
    if role == "ondernemer":
        make_org(name="Eigen BV", members=[user])
    login(client, user.email)
    for url in urls(world):
        assert client.get(url).status_code == 403, url
    p = world["procedure"].id
    for url, data in [(f"/inkoop/procedures/{p}/status", {"action": "award"}),
                      (f"/inkoop/procedures/{p}/consensus", {"bid_id": "1", "criterion_id": "1"}),
                      ("/inkoop/labelcheck/lijst.xlsx", {"kvk": "12345678"}),
                      (f"/inkoop/toezeggingen/{world['org'].id}", {"note": "x"})]:
        assert client.post(url, data=data).status_code == 403, url
    home = client.get("/").get_data(as_text=True)
    assert "Labelcheck" not in home and "/inkoop/" not in home


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in urls(world):
        response = client.get(url)
        assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"], url


def test_buyers_use_procedures_but_do_not_follow_up_commitments(client, make_user, world):
    login(client, make_user("inkoop").email)
    p = world["procedure"].id
    assert client.get(f"/inkoop/procedures/{p}").status_code == 200
    assert client.get("/inkoop/labelcheck").status_code == 200
    assert client.get("/inkoop/toezeggingen").status_code == 403
    # Not on the panel: no scoring page.
    assert client.get(f"/inkoop/procedures/{p}/beoordelen").status_code == 403


def test_gemeente_and_admin(client, make_user, world):
    login(client, make_user("gemeente").email)
    assert client.get("/inkoop/toezeggingen").status_code == 200
    assert client.get(f"/inkoop/toezeggingen/{world['org'].id}").status_code == 200
    client.post("/account/uitloggen")
    login(client, make_user("admin").email)
    for url in ("/inkoop/procedures", f"/inkoop/procedures/{world['procedure'].id}", "/inkoop/toezeggingen"):
        assert client.get(url).status_code == 200, url
    # Admins manage but do not score.
    assert client.get(f"/inkoop/procedures/{world['procedure'].id}/beoordelen").status_code == 403


def test_unknown_ids_are_404_and_bad_input_is_never_a_500(client, make_user, world):
    login(client, make_user("inkoop").email)
    p = world["procedure"].id
    assert client.get("/inkoop/procedures/99999").status_code == 404
    assert client.get("/inkoop/toezeggingen/99999").status_code == 403
    assert client.post(f"/inkoop/procedures/{p}/status", data={"action": "explode"}).status_code == 400
    assert client.post(f"/inkoop/procedures/{p}/consensus", data={"bid_id": "x"}).status_code == 400
    assert client.post(f"/inkoop/procedures/{p}/loting", data={f"lot-{world['bid'].id}": "abc"}).status_code == 302
    assert client.get("/inkoop/procedures?page=abc&status=nonsense").status_code == 200
    assert (client.post("/inkoop/labelcheck/lijst.xlsx", data={"op": "gisteren", "kvk": ["x", "12345678"]})
            .status_code == 200)


def test_every_inkoop_view_declares_an_access_rule(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith(bp.name + "."):
            assert getattr(view, "access_rule", None), endpoint
