"""The demo seeder: the starting set, and assessments in every status plus expired and suspended labels."""
from sqlalchemy import select

from portal.auth.services import create_user
from portal.extensions import db
from portal.label import demo
from portal.label.models import Assessment, CriteriaSet, Label


def test_seed_without_organisations_creates_only_the_set(app):
    staff = create_user("staf@demo.nl", "x", roles=["mbo_staff"], check_password=False)
    ondernemer = create_user("o@demo.nl", "x", check_password=False)
    demo.seed({"mbo_staff": staff, "ondernemer": ondernemer})
    db.session.commit()
    [criteria_set] = db.session.scalars(select(CriteriaSet)).all()
    assert criteria_set.status == "gepubliceerd" and len(criteria_set.themes) == 6
    assert all(len(t.criteria) == 4 for t in criteria_set.themes)
    assert db.session.scalars(select(Assessment)).all() == []


def test_seed_with_organisations(app, make_org):
    staff = create_user("staf@demo.nl", "x", roles=["mbo_staff"], check_password=False)
    ondernemer = create_user("o@demo.nl", "x", check_password=False)
    make_org(name="Bouwbedrijf De Merwede", members=[ondernemer])
    for n in range(9):
        make_org(name=f"Demo {n}")
    demo.seed({"mbo_staff": staff, "ondernemer": ondernemer})
    db.session.commit()
    statuses = set(db.session.scalars(select(Assessment.status)))
    assert statuses == {"concept", "ingediend", "in_behandeling", "wijzigingen_gevraagd", "goedgekeurd", "afgewezen"}
    label_statuses = set(db.session.scalars(select(Label.status)))
    assert {"geldig", "geschorst", "verlopen"} <= label_statuses
