"""The organisation's self-assessment: one open at a time, save and return, colleagues, renewal pre-fill."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.label import assessments, review
from portal.label.errors import LabelError
from portal.label.models import Assessment
from tests.conftest import login
from tests.label.conftest import FULL, answer_all, review_all


def test_one_open_assessment_per_organisation(member_org, client):
    org, member = member_org
    assessments.start_assessment(org, member)
    db.session.commit()
    with pytest.raises(LabelError, match="al een zelfscan"):
        assessments.start_assessment(org, member)
    db.session.rollback()
    login(client, member.email)
    response = client.post("/label/zelfscan/starten", follow_redirects=True)
    assert "al een zelfscan in uitvoering" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Assessment)).all()) == 1


def test_the_database_refuses_a_second_open_assessment(member_org, label_set):
    org, member = member_org
    assessments.start_assessment(org, member)
    db.session.commit()
    # Even when the check in Python is passed (two requests at once), open_key is unique.
    twin = Assessment(organisation_id=org.id, criteria_set_id=label_set.id, open_key=org.id,
                      started_on=db.session.scalar(select(Assessment.started_on)))
    db.session.add(twin)
    with pytest.raises(Exception):  # noqa: B017, PT011 - IntegrityError differs per driver
        db.session.flush()
    db.session.rollback()


def test_non_partners_cannot_start(make_user, make_org, label_set):
    user = make_user()
    org = make_org(status="aanvraag", members=[user])
    with pytest.raises(LabelError, match="partners"):
        assessments.start_assessment(org, user)


def test_colleagues_do_not_overwrite_each_other(app, member_org, make_user):
    org, member = member_org
    colleague = make_user(name="Collega")
    from portal.partners.models import Membership

    db.session.add(Membership(user=colleague, organisation=org, role="lid"))
    db.session.commit()
    item = assessments.start_assessment(org, member)
    db.session.commit()
    loaded = assessments.load(item.id)
    theme = loaded.criteria_set.themes[0]
    a1 = theme.criteria[0]
    url = f"/label/zelfscan/{item.id}/thema/{theme.id}"
    one, two = app.test_client(), app.test_client()
    login(one, member.email)
    login(two, colleague.email)
    version = str(loaded.version)
    first = one.post(url, data={"version": version, f"option-{a1.id}": str(a1.options[2].id)})
    second = two.post(url, data={"version": version, f"option-{a1.id}": str(a1.options[0].id),
                                 f"explanation-{a1.id}": "Mijn tekst"})
    assert first.status_code == 302
    assert second.status_code == 409
    text = second.get_data(as_text=True)
    assert "Een collega heeft deze zelfscan intussen gewijzigd" in text
    assert "Mijn tekst" in text  # the colleague's input is kept on the page, not lost
    answer = assessments.answers_by_criterion(assessments.load(item.id))[a1.id]
    assert answer.option_id == a1.options[2].id


def test_saved_answers_come_back_and_submitted_assessments_are_read_only(client, member_org):
    org, member = member_org
    item = assessments.start_assessment(org, member)
    db.session.commit()
    item = answer_all(item, member, FULL)
    login(client, member.email)
    theme = item.criteria_set.themes[0]
    page = client.get(f"/label/zelfscan/{item.id}/thema/{theme.id}").get_data(as_text=True)
    assert "checked" in page and "toelichting" in page
    assessments.submit_assessment(assessments.load(item.id), member)
    db.session.commit()
    response = client.post(f"/label/zelfscan/{item.id}/thema/{theme.id}",
                           data={"version": str(db.session.get(Assessment, item.id).version)})
    assert response.status_code == 409 and "ingediend" in response.get_data(as_text=True)


def test_renewal_starts_prefilled_from_the_last_approved(member_org, staff):
    org, member = member_org
    item = assessments.start_assessment(org, member)
    db.session.commit()
    item = answer_all(item, member, FULL)
    assessments.submit_assessment(item, member)
    review.start_review(item, staff)
    review_all(item, staff)
    review.approve(assessments.load(item.id), staff)
    db.session.commit()

    renewal = assessments.start_assessment(org, member)
    db.session.commit()
    renewal = assessments.load(renewal.id)
    assert renewal.renewal_of_id == item.id
    assert assessments.missing_items(renewal) == []
    old = {a.criterion.key: a for a in assessments.load(item.id).answers}
    for answer in renewal.answers:
        assert answer.option.label == old[answer.criterion.key].option.label
    evidence = [e for a in renewal.answers for e in a.evidence]
    assert evidence and evidence[0].filename == "beleid.pdf"


def test_other_organisations_cannot_see_an_assessment(client, member_org, make_user, make_org):
    org, member = member_org
    item = assessments.start_assessment(org, member)
    db.session.commit()
    outsider = make_user()
    make_org(members=[outsider])
    login(client, outsider.email)
    assert client.get(f"/label/zelfscan/{item.id}").status_code == 404
    theme_id = assessments.load(item.id).criteria_set.themes[0].id
    assert client.get(f"/label/zelfscan/{item.id}/thema/{theme_id}").status_code == 404
    assert client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": "1"}).status_code == 404
