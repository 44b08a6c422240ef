"""The procedure pages load what they show in a fixed number of queries, however many bids there are."""
from decimal import Decimal as D

from portal.extensions import db
from portal.inkoop import procedures
from tests.conftest import login
from tests.inkoop.helpers import make_procedure, open_with_bids, score_all
from tests.querycount import count_queries


def scored_procedure(make_user, make_org, n_bids):
    buyer, chair = make_user("inkoop"), make_user("gemeente")
    procedure = make_procedure(buyer, criteria=(("price", D(30)), ("quality", D(30)), ("quality", D(20)),
                                                ("commitment", D(10)), ("label", D(10))))
    bids = open_with_bids(procedure, buyer, [(make_org(), D(1000 + 10 * i), {"impact_jobs": i, "stageplekken": 1})
                                             for i in range(n_bids)], panel=[chair])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    score_all(procedure, chair, {bid: 6 for bid in bids})
    return procedure, chair


def counts(client, procedure):
    result = {}
    for suffix in ("", "/panelscores", "/rapport", "/rapport.xlsx", "/beoordelen"):
        with count_queries() as q:
            assert client.get(f"/inkoop/procedures/{procedure.id}{suffix}").status_code == 200
        result[suffix] = q.count
    return result


def test_procedure_pages_do_not_grow_a_query_per_bid(client, make_user, make_org):
    small, chair_small = scored_procedure(make_user, make_org, 2)
    large, chair_large = scored_procedure(make_user, make_org, 8)
    login(client, chair_small.email)
    few = counts(client, small)
    client.post("/account/uitloggen")
    login(client, chair_large.email)
    many = counts(client, large)
    assert many == few
