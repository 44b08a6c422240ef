"""Scoring on hand-computed examples: theme percentages, weighted total and the label rule.

The test set (conftest.SMALL_SET): theme A weight 2 with A1, A2 worth 0-2 points each (max 4);
theme B weight 1 with B1, B2 worth 0-4 points each (max 8). Label rule: total >= 60%, each theme >= 50%.
"""
from decimal import Decimal

from portal.extensions import db
from portal.label import assessments, criteria
from portal.label.scoring import compute_score
from tests.label.conftest import points_map


def score_for(label_set, points):
    item = criteria.load_set(label_set.id)

    class Fake:
        criteria_set = item

    return compute_score(item, points_map(Fake, points))


def test_weighted_total_and_theme_minimum_met(label_set):
    # A: (2 + 1) / 4 = 75%; B: (4 + 0) / 8 = 50%; total (2*75 + 1*50) / 3 = 66.67%.
    score = score_for(label_set, {"A1": 2, "A2": 1, "B1": 4, "B2": 0})
    a, b = score.themes
    assert (a.points, a.max_points, a.pct) == (3, 4, Decimal("75.0"))
    assert (b.points, b.max_points, b.pct) == (4, 8, Decimal("50.0"))
    assert score.pct == Decimal("66.7")
    assert b.meets_minimum  # exactly on the minimum counts
    assert score.meets_rule


def test_high_total_but_one_theme_below_its_minimum(label_set):
    # A: 4/4 = 100%; B: 2/8 = 25%; total (200 + 25) / 3 = 75%: the total is fine, theme B is not.
    score = score_for(label_set, {"A1": 2, "A2": 2, "B1": 2, "B2": 0})
    assert score.pct == Decimal("75.0") and score.meets_total
    assert [t.title for t in score.themes_below_minimum] == ["Banen met impact"]
    assert score.themes[1].gap == Decimal("25.0")
    assert not score.meets_rule


def test_every_theme_on_minimum_but_total_too_low(label_set):
    # A: 2/4 = 50%; B: 4/8 = 50%; total 50% < 60%.
    score = score_for(label_set, {"A1": 1, "A2": 1, "B1": 2, "B2": 2})
    assert all(t.meets_minimum for t in score.themes)
    assert score.pct == Decimal("50.0") and not score.meets_total and not score.meets_rule


def test_a_theme_may_set_its_own_minimum(staff, label_set):
    concept = criteria.create_concept(staff)
    theme_b = concept.themes[1]
    criteria.update_theme(theme_b, staff, title=theme_b.title, weight=1, min_pct=20)
    criteria.publish_set(concept, staff)
    db.session.commit()
    # Same answers as above: B at 25% now clears its own minimum of 20%.
    score = score_for(concept, {"A1": 2, "A2": 2, "B1": 2, "B2": 0})
    assert score.themes[1].minimum == 20 and score.meets_rule


def test_unanswered_questions_score_zero_and_count_in_progress(member_org):
    org, user = member_org
    item = assessments.start_assessment(org, user)
    db.session.commit()
    loaded = assessments.load(item.id)
    theme = loaded.criteria_set.themes[1]
    b1 = theme.criteria[0]
    assessments.save_theme(loaded, theme, {b1.id: (b1.options[2].id, "")}, user, version=loaded.version)
    db.session.commit()
    from portal.label.scoring import score_assessment

    score = score_assessment(assessments.load(item.id))
    # B: 4/8 = 50%; A: 0%; total (0*2 + 50) / 3 = 16.67%.
    assert score.pct == Decimal("16.7")
    assert (score.answered, score.total_criteria, score.progress_pct) == (1, 4, 25)
