from decimal import Decimal as D

from portal.inkoop import procedures
from tests.conftest import login
from tests.inkoop.helpers import make_procedure, open_with_bids, score_all


def test_pages_render(app, client, make_user, make_org):
    buyer = make_user("inkoop")
    chair = make_user("gemeente")
    a, b = make_org(name="Afval BV"), make_org(name="Groen NV", status="geen")
    p = make_procedure(buyer)
    bids = open_with_bids(p, buyer, [(a, D(100000), {}), (b, D(80000), {})], panel=[chair, buyer])
    procedures.close_procedure(p, by=buyer)
    from portal.extensions import db
    db.session.commit()
    login(client, buyer.email)
    for url in ["/inkoop/labelcheck", "/inkoop/labelcheck?q=afval", f"/inkoop/labelcheck/{a.id}",
                f"/inkoop/labelcheck/{a.id}/bewijs", "/inkoop/labelcheck/lijst", "/inkoop/procedures",
                "/inkoop/procedures/nieuw", f"/inkoop/procedures/{p.id}", f"/inkoop/procedures/{p.id}/beoordelen"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
    score_all(p, buyer, {bids[0]: 8, bids[1]: 6})
    score_all(p, chair, {bids[0]: 8, bids[1]: 6})
    for url in [f"/inkoop/procedures/{p.id}/panelscores", f"/inkoop/procedures/{p.id}/rapport",
                f"/inkoop/procedures/{p.id}/rapport.xlsx"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
