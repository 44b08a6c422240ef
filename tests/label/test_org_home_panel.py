"""The label panel on the organisation home scores from the chosen options alone, with the set's structure kept."""

from portal import clock
from portal.extensions import db
from portal.label import assessments, panels
from portal.label.scoring import score_assessment
from tests.label.conftest import answer_all, build_set
from tests.querycount import count_queries


def test_light_score_equals_the_full_score(app, member_org):
    org, user = member_org
    item = assessments.start_assessment(org, user)
    db.session.commit()
    item = answer_all(item, user, {"A1": 1, "A2": 2, "B1": 4})
    light = panels.light_score(item)
    full = score_assessment(assessments.load(item.id))
    assert light == full
    assert (light.answered, light.total_criteria, light.pct) == (3, 4, full.pct)


def test_published_structure_is_read_once(app, member_org):
    org, user = member_org
    item = assessments.start_assessment(org, user)
    db.session.commit()
    panels.light_score(item)
    with count_queries() as q:
        panels.light_score(item)
    assert q.count == 2  # the set's status and the answers; no themes, criteria or options


def test_a_concept_set_is_read_every_time(app, staff, member_org):
    from portal.label import criteria
    from portal.label.models import Assessment

    concept = build_set(staff, publish=False)
    org, _user = member_org
    item = Assessment(organisation_id=org.id, criteria_set_id=concept.id, status="concept", open_key=org.id,
                      started_on=clock.today())
    db.session.add(item)
    db.session.commit()
    themes = len(panels.light_score(item).themes)
    criteria.add_theme(concept, staff, title="Nieuw thema", weight=1)
    db.session.commit()
    assert len(panels.light_score(item).themes) == themes + 1


def test_org_home_shows_the_score_per_theme(client, member_org):
    from tests.conftest import login

    org, user = member_org
    item = assessments.start_assessment(org, user)
    db.session.commit()
    answer_all(item, user, {"A1": 2, "A2": 2, "B1": 4, "B2": 4})
    login(client, user.email)
    html = client.get("/organisatie").get_data(as_text=True)
    assert "Score per thema" in html and "Inclusief werven" in html and "4 / 4" in html
    assert "100% beantwoord" in html
