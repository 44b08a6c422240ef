"""Label fixtures: a small published criteria set with hand-checkable points, built through the rules."""
import pytest

from portal.extensions import db
from portal.label import assessments, criteria

# Theme A (weight 2): A1 options 0/1/2, A2 options 0/1/2 with evidence required.
# Theme B (weight 1): B1 options 0/2/4, B2 options 0/2/4.
SMALL_SET = [
    ("Inclusief werven", 2, [("A1 Werft u op vaardigheden?", False, "0 | Nee\n1 | Soms\n2 | Altijd"),
                             ("A2 Heeft u een wervingsbeleid?", True, "0 | Nee\n1 | In concept\n2 | Ja")]),
    ("Banen met impact", 1, [("B1 Biedt u banen met impact?", False, "0 | Nee\n2 | Een paar\n4 | Veel"),
                             ("B2 Is er jobcoaching?", False, "0 | Nee\n2 | Soms\n4 | Altijd")]),
]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def build_set(by, spec=SMALL_SET, min_total=60, min_theme=50, publish=True):
    new = criteria.create_concept(by, name="Testset")
    criteria.update_set(new, by, name="Testset", description="", min_total_pct=min_total, min_theme_pct=min_theme)
    for title, weight, questions in spec:
        theme = criteria.add_theme(new, by, title=title, weight=weight)
        for question, evidence, options in questions:
            criteria.add_criterion(theme, by, question=question, evidence_required=evidence, options=options)
    if publish:
        criteria.publish_set(new, by)
    db.session.commit()
    return new


@pytest.fixture
def staff(make_user):
    return make_user("mbo_staff", name="Sanne Staf")


@pytest.fixture
def label_set(staff):
    return build_set(staff)


def points_map(assessment, points: dict[str, int]):
    """{criterion code prefix ('A1'): points} -> {criterion_id: option_id}."""
    chosen = {}
    for theme in assessment.criteria_set.themes:
        for criterion in theme.criteria:
            code = criterion.question.split()[0]
            if code in points:
                option = next(o for o in criterion.options if o.points == points[code])
                chosen[criterion.id] = option.id
    return chosen


def answer_all(assessment, by, points: dict[str, int], evidence=True):
    """Answer through the rules as a member would; adds a PDF to criteria that require evidence."""
    item = assessments.load(assessment.id)
    chosen = points_map(item, points)
    for theme in item.criteria_set.themes:
        values = {c.id: (chosen.get(c.id), "toelichting") for c in theme.criteria}
        assessments.save_theme(item, theme, values, by, version=item.version)
        if evidence:
            for c in theme.criteria:
                if c.evidence_required:
                    assessments.add_evidence(item, c, "beleid.pdf", PDF, by)
    db.session.commit()
    return assessments.load(assessment.id)


FULL = {"A1": 2, "A2": 2, "B1": 4, "B2": 4}


@pytest.fixture
def member_org(make_user, make_org, label_set):
    """(organisation, member) of a partner organisation, with the test set published."""
    user = make_user("ondernemer", name="Olga Ondernemer")
    org = make_org(name="Bouwbedrijf Test", members=[user])
    return org, user


@pytest.fixture
def submitted(member_org):
    org, user = member_org
    item = assessments.start_assessment(org, user)
    db.session.commit()
    item = answer_all(item, user, FULL)
    assessments.submit_assessment(item, user)
    db.session.commit()
    return assessments.load(item.id)


def review_all(assessment, staff, verdict="voldoet"):
    """Look at every evidence file (klaar) and give every question a verdict, as a reviewer does on the page."""
    from portal.label import review

    item = assessments.load(assessment.id)
    for theme in item.criteria_set.themes:
        for criterion in theme.criteria:
            answer = assessments.answers_by_criterion(item).get(criterion.id)
            for evidence in (answer.evidence if answer else []):
                review.set_evidence_state(evidence, "klaar", staff)
            review.set_verdict(item, criterion, verdict, staff)
    db.session.commit()
    return assessments.load(assessment.id)
