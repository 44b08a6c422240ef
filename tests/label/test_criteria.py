"""Criteria set versioning: concept -> gepubliceerd -> vervallen; a published set never changes."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.label import assessments, criteria
from portal.label.errors import LabelError
from portal.label.models import AnswerOption, CriteriaSet, PublishedSetIsImmutable
from tests.conftest import login


def test_published_set_cannot_be_changed_by_rules_or_directly(staff, label_set):
    theme = label_set.themes[0]
    with pytest.raises(LabelError, match="verandert nooit"):
        criteria.update_theme(theme, staff, title="Anders", weight=1)
    db.session.rollback()
    with pytest.raises(LabelError):
        criteria.add_criterion(theme, staff, question="Nieuw?", options="0 | Nee\n1 | Ja")
    db.session.rollback()

    label_set = db.session.get(CriteriaSet, label_set.id)
    label_set.themes[0].criteria[0].question = "Stiekem gewijzigd"
    with pytest.raises(PublishedSetIsImmutable):
        db.session.flush()
    db.session.rollback()
    option = db.session.scalar(select(AnswerOption))
    option.points = 99
    with pytest.raises(PublishedSetIsImmutable):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(PublishedSetIsImmutable):
        db.session.delete(db.session.get(CriteriaSet, label_set.id))
        db.session.flush()
    db.session.rollback()


def test_copy_publish_and_old_assessment_renders_against_its_own_set(app, client, staff, label_set, member_org):
    org, member = member_org
    old = assessments.start_assessment(org, member)
    db.session.commit()

    concept = criteria.create_concept(staff)
    assert concept.version == label_set.version + 1 and concept.status == "concept"
    assert [t.title for t in concept.themes] == [t.title for t in label_set.themes]
    first = concept.themes[0].criteria[0]
    assert first.key == label_set.themes[0].criteria[0].key  # kept for renewals
    criteria.update_criterion(first, staff, question="A1 Nieuwe formulering?", options="0 | Nee\n2 | Ja")
    criteria.publish_set(concept, staff)
    db.session.commit()
    assert db.session.get(CriteriaSet, label_set.id).status == "vervallen"
    assert criteria.current_set().id == concept.id

    login(client, member.email)
    text = client.get(f"/label/zelfscan/{old.id}/thema/{label_set.themes[0].id}").get_data(as_text=True)
    assert "A1 Werft u op vaardigheden?" in text and "Nieuwe formulering" not in text


def test_only_one_concept_at_a_time(staff, label_set):
    criteria.create_concept(staff)
    db.session.commit()
    with pytest.raises(LabelError, match="al een conceptversie"):
        criteria.create_concept(staff)


def test_options_are_parsed_from_lines():
    assert criteria.parse_options("0 | Nee\n\n 3 | Ja, altijd ") == [(0, "Nee"), (3, "Ja, altijd")]
    for bad in ("Nee", "x | Nee\n1 | Ja", "1 | Ja"):
        with pytest.raises(LabelError):
            criteria.parse_options(bad)


def test_staff_edit_a_concept_in_the_pages(client, staff, label_set):
    login(client, staff.email)
    assert client.get("/label/criteria").status_code == 200
    client.post("/label/criteria/nieuw")
    concept = db.session.scalar(select(CriteriaSet).where(CriteriaSet.status == "concept"))
    response = client.post(f"/label/criteria/{concept.id}", data={
        "name": "Versie 2", "description": "", "min_total_pct": "70", "min_theme_pct": "40"})
    assert response.status_code == 302
    client.post(f"/label/criteria/{concept.id}/thema", data={"thema-title": "Kwaliteit van banen",
                                                              "thema-weight": "2", "thema-description": ""})
    db.session.refresh(concept)
    theme = concept.themes[-1]
    response = client.post(f"/label/criteria/thema/{theme.id}/vraag", data={
        "vraag-question": "Biedt u deeltijders meer uren?", "vraag-options": "0 | Nee"})
    assert response.status_code == 400 and "minstens twee" in response.get_data(as_text=True)
    response = client.post(f"/label/criteria/thema/{theme.id}/vraag", data={
        "vraag-question": "Biedt u deeltijders meer uren?", "vraag-options": "0 | Nee\n2 | Ja",
        "vraag-evidence_required": "y"})
    assert response.status_code == 302
    criterion = db.session.get(CriteriaSet, concept.id).themes[-1].criteria[0]
    assert client.get(f"/label/criteria/vraag/{criterion.id}").status_code == 200
    client.post(f"/label/criteria/{concept.id}/publiceren")
    concept = db.session.get(CriteriaSet, concept.id)
    assert concept.status == "gepubliceerd" and concept.min_total_pct == 70
    # The published set's pages refuse edits.
    response = client.post(f"/label/criteria/{concept.id}", data={
        "name": "Anders", "description": "", "min_total_pct": "10", "min_theme_pct": "10"})
    assert response.status_code == 400
    assert db.session.get(CriteriaSet, concept.id).name == "Versie 2"


def test_criteria_pages_are_for_staff_only(client, login_as, label_set):
    login_as("ondernemer")
    assert client.get("/label/criteria").status_code == 403
    assert client.get("/label/beoordeling").status_code == 403
