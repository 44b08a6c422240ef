"""Wijk naar Werk: employers offer places, staff record fillings by route, the yearly count of lasting places."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.impact import wijk
from portal.impact.errors import ImpactError
from portal.impact.models import WijkPlace, WijkPlacement
from tests.conftest import login
from tests.querycount import count_queries


def _offer(org, by, **kw):
    data = {"kind": "baan", "area": "dordt_west", "field": "zorg", "places": 2,
            "period_start": clock.today() - timedelta(days=30)} | kw
    place = wijk.offer_place(org, by=by, **data)
    db.session.commit()
    return place


def test_employer_offers_a_place_and_may_join_the_pilot_without_the_kickoff(app, client, make_user, make_org):
    owner = make_user()
    org = make_org(members=[owner])
    login(client, owner.email)
    response = client.post("/impact/wijk-naar-werk", data={
        "kind": "werkervaringsplek", "area": "dordt_oost", "field": "vervoer_logistiek", "places": "3",
        "period_start": clock.today().isoformat(), "join_pilot": "y", "note": "Begeleiding door een buddy"})
    assert response.status_code == 302
    place = db.session.scalar(select(WijkPlace))
    assert (place.organisation_id, place.kind, place.area, place.places) == (org.id, "werkervaringsplek",
                                                                              "dordt_oost", 3)
    assert place.join_pilot and not place.attends_kickoff
    page = client.get("/impact/wijk-naar-werk").get_data(as_text=True)
    assert "Werkervaringsplek" in page and "doet mee aan de pilot" in page


def test_nothing_that_identifies_a_resident_and_bad_input_is_a_message(app, client, make_user, make_org):
    owner = make_user()
    make_org(members=[owner])
    login(client, owner.email)
    response = client.post("/impact/wijk-naar-werk", data={
        "kind": "baan", "area": "dordt_west", "field": "zorg", "places": "1",
        "period_start": clock.today().isoformat(), "note": "Voor Jan, BSN 123456782, tel 0612345678"})
    assert response.status_code == 400 and "Noteer niets waarmee iemand te herkennen is" in response.get_data(
        as_text=True)
    response = client.post("/impact/wijk-naar-werk", data={
        "kind": "baan", "area": "amsterdam", "field": "zorg", "places": "0", "period_start": "gisteren"})
    assert response.status_code == 400
    assert db.session.scalar(select(WijkPlace)) is None


def test_staff_fill_places_by_route_up_to_the_number_offered(app, client, make_user, make_org):
    owner = make_user()
    org = make_org(members=[owner])
    place = _offer(org, owner, places=2)
    staff = make_user("mbo_staff")
    login(client, staff.email)
    overview = client.get("/impact/wijk-naar-werk/overzicht").get_data(as_text=True)
    assert org.name in overview and "Vervulling vastleggen" in overview
    for route in ("wijk_naar_werk", "perspct"):
        response = client.post(f"/impact/wijk-naar-werk/{place.id}/vervullen", data={
            "route": route, "filled_on": clock.today().isoformat(), "lasting": "y"})
        assert response.status_code == 302
    response = client.post(f"/impact/wijk-naar-werk/{place.id}/vervullen", data={
        "route": "werkshop", "filled_on": clock.today().isoformat(), "lasting": "y"})
    assert response.status_code == 400 and "Alle plekken van dit aanbod zijn al vervuld." in response.get_data(
        as_text=True)
    assert [p.route for p in db.session.scalars(select(WijkPlacement).order_by(WijkPlacement.id))] == [
        "wijk_naar_werk", "perspct"]
    year = clock.today().year
    assert wijk.residents_to_lasting_place(year=year) == {(year, org.municipality_id): 2}
    assert "2" in client.get("/impact/wijk-naar-werk/overzicht").get_data(as_text=True)


def test_a_filling_cannot_be_in_the_future_or_on_a_withdrawn_place(app, make_user, make_org):
    owner, staff = make_user(), make_user("mbo_staff")
    place = _offer(make_org(members=[owner]), owner)
    with pytest.raises(ImpactError):
        wijk.fill_place(place, by=staff, route="perspct", filled_on=clock.today() + timedelta(days=1), lasting=True)
    wijk.withdraw_place(place, by=owner)
    with pytest.raises(ImpactError):
        wijk.fill_place(place, by=staff, route="perspct", filled_on=clock.today(), lasting=True)


def test_an_organisation_never_sees_or_withdraws_another_organisations_places(app, client, make_user, make_org):
    mine, theirs = make_user(), make_user()
    make_org(name="Eigen Bedrijf", members=[mine])
    other = make_org(name="Ander Bedrijf", members=[theirs])
    place = _offer(other, theirs, field="ict")
    login(client, mine.email)
    page = client.get("/impact/wijk-naar-werk").get_data(as_text=True)
    assert "U heeft nog geen plekken aangeboden." in page and "Intrekken" not in page
    assert client.post(f"/impact/wijk-naar-werk/{place.id}/intrekken").status_code == 404
    assert client.get("/impact/wijk-naar-werk/overzicht").status_code == 403
    assert client.get(f"/impact/wijk-naar-werk/{place.id}/vervullen").status_code == 403
    db.session.refresh(place)
    assert place.status == "aangeboden"


def test_gemeente_reads_the_overview_but_does_not_fill(app, client, make_user, make_org):
    owner = make_user()
    place = _offer(make_org(members=[owner]), owner)
    login(client, make_user("gemeente").email)
    page = client.get("/impact/wijk-naar-werk/overzicht").get_data(as_text=True)
    assert "Vervulling vastleggen" not in page
    assert client.post(f"/impact/wijk-naar-werk/{place.id}/vervullen", data={
        "route": "perspct", "filled_on": clock.today().isoformat()}).status_code == 403


def test_the_yearly_count_per_municipality_equals_a_plain_count(app, make_user, make_org):
    rng = random.Random(8)
    staff = make_user("mbo_staff")
    owner = make_user()
    orgs = [make_org(members=[owner], municipality=m) for m in ("Dordrecht", "Zwijndrecht", "Dordrecht")]
    expected = {}
    for _ in range(25):
        org = rng.choice(orgs)
        start = clock.today() - timedelta(days=rng.randrange(30, 900))
        place = _offer(org, owner, places=3, period_start=start)
        for _n in range(rng.randint(0, 3)):
            filled_on = start + timedelta(days=rng.randrange(0, (clock.today() - start).days + 1))
            lasting = rng.random() < 0.7
            wijk.fill_place(place, by=staff, route="wijk_naar_werk", filled_on=filled_on, lasting=lasting)
            if lasting:
                key = (filled_on.year, org.municipality_id)
                expected[key] = expected.get(key, 0) + 1
    db.session.commit()
    assert wijk.residents_to_lasting_place() == expected
    some_year = next(iter(expected))[0]
    assert wijk.residents_to_lasting_place(year=some_year) == {k: v for k, v in expected.items()
                                                               if k[0] == some_year}


def test_the_overview_takes_a_fixed_number_of_queries(app, client, make_user, make_org):
    owner = make_user()
    orgs = [make_org(members=[owner]) for _ in range(3)]
    staff = make_user("mbo_staff")
    login(client, staff.email)
    _offer(orgs[0], owner)
    client.get("/impact/wijk-naar-werk/overzicht")
    with count_queries() as few:
        client.get("/impact/wijk-naar-werk/overzicht")
    for org in orgs:
        for area in ("dordt_oost", "dordt_centrum"):
            _offer(org, owner, area=area, period_start=clock.today() - timedelta(days=3))
    with count_queries() as many:
        assert client.get("/impact/wijk-naar-werk/overzicht").status_code == 200
    assert few.count == many.count
