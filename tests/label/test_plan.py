"""The plan after the review: steps with dates, added by staff or the organisation, shown to both."""
from sqlalchemy import select

from portal.extensions import db
from portal.label.models import ImprovementAction
from tests.conftest import login


def test_staff_and_organisation_build_the_plan(app, client, submitted, member_org, staff, make_user, make_org):
    org, member = member_org
    reviewer = app.test_client()
    login(reviewer, staff.email)
    response = reviewer.post(f"/label/beoordeling/{submitted.id}/plan",
                             data={"description": "Vacatureteksten zonder diploma-eis", "due_on": "2030-03-01"})
    assert response.status_code == 302

    login(client, member.email)
    client.post(f"/label/zelfscan/{submitted.id}/plan", data={"description": "Buddy op de werkvloer", "due_on": ""})
    client.post(f"/label/zelfscan/{submitted.id}/plan", data={"description": "", "due_on": ""})
    actions = db.session.scalars(select(ImprovementAction).order_by(ImprovementAction.id)).all()
    assert [(a.description, a.by_staff) for a in actions] == [("Vacatureteksten zonder diploma-eis", True),
                                                              ("Buddy op de werkvloer", False)]
    page = client.get(f"/label/zelfscan/{submitted.id}").get_data(as_text=True)
    assert "Vacatureteksten zonder diploma-eis" in page and "voorgesteld door St. MBO" in page
    assert "Buddy op de werkvloer" in client.get("/label/zelfscan").get_data(as_text=True)

    client.post(f"/label/plan/{actions[1].id}/gedaan")
    assert db.session.get(ImprovementAction, actions[1].id).done_on is not None
    assert "Buddy op de werkvloer" in reviewer.get(f"/label/beoordeling/{submitted.id}").get_data(as_text=True)

    # Another organisation can neither see nor tick off these steps.
    outsider = make_user()
    make_org(members=[outsider])
    other = app.test_client()
    login(other, outsider.email)
    assert other.post(f"/label/plan/{actions[0].id}/gedaan").status_code == 404
    assert other.post(f"/label/zelfscan/{submitted.id}/plan", data={"description": "x"}).status_code == 404
    assert db.session.get(ImprovementAction, actions[0].id).done_on is None
