"""Leaving an organisation asks for confirmation on a page that says what will happen (issue 14), without JavaScript."""
from sqlalchemy import select

from portal.extensions import db
from portal.partners.models import Membership
from tests.conftest import login


def test_leaving_shows_what_happens_and_a_post_confirms(client, make_user, make_org):
    admin, lid = make_user(), make_user()
    org = make_org(name="Schildersbedrijf Test", members=[admin, (lid, "lid")])
    login(client, lid.email)
    members = client.get("/organisatie/leden").get_data(as_text=True)
    assert 'href="/organisatie/verlaten"' in members  # a link to the page, not a one-click POST

    page = client.get("/organisatie/verlaten")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Schildersbedrijf Test verlaten?" in text and "Terugkomen kan alleen als een beheerder" in text
    assert db.session.scalar(select(Membership).where(Membership.user_id == lid.id)) is not None  # looking is safe

    response = client.post("/organisatie/verlaten")
    assert response.status_code == 302
    assert db.session.scalar(select(Membership).where(Membership.user_id == lid.id,
                                                      Membership.organisation_id == org.id)) is None


def test_the_last_beheerder_is_told_before_and_refused_after(client, make_user, make_org):
    admin = make_user()
    make_org(members=[admin])
    login(client, admin.email)
    text = client.get("/organisatie/verlaten").get_data(as_text=True)
    assert "U bent de laatste beheerder" in text and "Ja, ik verlaat" not in text
    response = client.post("/organisatie/verlaten")
    assert response.status_code == 400 and "U bent de laatste beheerder" in response.get_data(as_text=True)
    assert db.session.scalar(select(Membership).where(Membership.user_id == admin.id)) is not None
