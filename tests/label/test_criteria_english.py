"""Zelfscan themes, questions and options have an English version that staff fill in (issue 15); in English mode a
missing translation shows the Dutch text marked as Dutch."""
from portal.extensions import db
from portal.label import assessments, criteria
from portal.label.models import LabelCriterion
from tests.conftest import login


def test_staff_fill_in_english_and_members_see_it_in_english_mode(app, client, make_user, make_org, staff):
    concept = criteria.create_concept(staff, name="Tweetalig")
    theme = criteria.add_theme(concept, staff, title="Inclusief werven", weight=1)
    db.session.commit()
    login(client, staff.email)
    response = client.post(f"/label/criteria/thema/{theme.id}/vraag", data={
        "vraag-question": "Werft u op vaardigheden?", "vraag-options": "0 | Nee\n2 | Ja",
        "vraag-question_en": "Do you recruit on skills?", "vraag-options_en": "No\nYes"})
    assert response.status_code == 302
    criterion = db.session.scalars(db.select(LabelCriterion).where(LabelCriterion.theme_id == theme.id)).one()
    assert criterion.question_en == "Do you recruit on skills?"
    assert [o.label_en for o in criterion.options] == ["No", "Yes"]

    # A wrong number of English answers is refused at its field.
    page = client.post(f"/label/criteria/vraag/{criterion.id}", data={
        "question": "Werft u op vaardigheden?", "options": "0 | Nee\n2 | Ja", "options_en": "No"})
    assert (page.status_code == 400
            and "Geef voor elk van de 2 antwoorden een Engelse tekst" in page.get_data(as_text=True))

    criteria.publish_set(db.session.get(type(concept), concept.id), staff)
    db.session.commit()
    member = make_user("ondernemer", email="tweetalig@bedrijf.nl")
    org = make_org(name="Tweetalig", members=[member])
    item = assessments.start_assessment(org, member)
    db.session.commit()
    client = app.test_client()
    login(client, member.email)
    client.post("/taal", data={"lang": "en"})
    text = client.get(f"/label/zelfscan/{item.id}/thema/{theme.id}").get_data(as_text=True)
    assert "Do you recruit on skills?" in text and ">Yes</label>" in text
    # The theme has no English title: Dutch, marked as such.
    assert '<span lang="nl">Inclusief werven</span> <span class="muted">(Dutch)</span>' in text
    client.post("/taal", data={"lang": "nl"})
    text = client.get(f"/label/zelfscan/{item.id}/thema/{theme.id}").get_data(as_text=True)
    assert "Werft u op vaardigheden?" in text and "Do you recruit" not in text
