"""Targets per municipality and year: edited by St. MBO, read by the municipality, seeded from DOMAIN.md."""
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.dashboard.models import Target
from portal.extensions import db


def _target(municipality, year):
    return db.session.scalar(select(Target).where(Target.municipality_id == municipality.id, Target.year == year))


def test_staff_set_and_change_a_target(client, login_as, dataset):
    login_as("mbo_staff")
    page = client.get("/dashboard/doelen")
    assert page.status_code == 200 and "Er zijn nog geen doelen vastgesteld." in page.get_data(as_text=True)
    data = {"gemeente": dataset.dordrecht.id, "jaar": 2025, "partners": 155, "labels": 110, "working_on_label": ""}
    response = client.post("/dashboard/doelen", data=data)
    assert response.status_code == 302
    target = _target(dataset.dordrecht, 2025)
    assert (target.partners, target.labels, target.working_on_label) == (155, 110, None)

    # Changing it goes through the same form, filled from ?gemeente=&jaar=.
    form = client.get(f"/dashboard/doelen?gemeente={dataset.dordrecht.id}&jaar=2025").get_data(as_text=True)
    assert 'value="155"' in form
    client.post("/dashboard/doelen", data={**data, "partners": 160})
    db.session.expire_all()
    assert _target(dataset.dordrecht, 2025).partners == 160
    assert db.session.scalar(select(db.func.count()).select_from(Target)) == 1
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "dashboard.target_set")).all()
    assert len(entries) == 2 and entries[-1].changes == {"partners": [155, 160]}

    # The dashboard shows it against the count.
    html = client.get(f"/dashboard/?gemeente={dataset.dordrecht.id}&van=2025-01-01&tot=2025-03-31").get_data(
        as_text=True)
    assert "Doel 2025" in html and "160" in html


def test_impossible_targets_are_refused_at_the_field(client, login_as, dataset):
    login_as("admin")
    response = client.post("/dashboard/doelen", data={"gemeente": dataset.dordrecht.id, "jaar": 2025,
                                                      "partners": 10, "labels": 20})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "kan niet hoger zijn dan het doel voor partners" in text and 'aria-invalid="true"' in text
    for bad in ({"jaar": 1900}, {"partners": -1}, {"gemeente": 99999}, {"jaar": "twee"}):
        data = {"gemeente": dataset.dordrecht.id, "jaar": 2025, "partners": 10, **bad}
        response = client.post("/dashboard/doelen", data=data)
        assert response.status_code == 400, bad
        assert "Er is een probleem" in response.get_data(as_text=True)
    assert _target(dataset.dordrecht, 2025) is None


def test_municipality_reads_but_does_not_edit_targets(client, login_as, dataset):
    login_as("gemeente")
    assert client.get("/dashboard/doelen").status_code == 403
    assert client.post("/dashboard/doelen", data={"gemeente": dataset.dordrecht.id, "jaar": 2025,
                                                  "partners": 1}).status_code == 403
    assert "Doelen per gemeente en jaar beheren" not in client.get("/dashboard/").get_data(as_text=True)


def test_demo_seed_has_the_targets_of_the_programme(app):
    from portal.dashboard import demo
    from portal.partners.reference import ensure_municipalities

    demo.seed({})
    db.session.commit()
    dordrecht = ensure_municipalities()["Dordrecht"]
    t2024, t2025 = _target(dordrecht, 2024), _target(dordrecht, 2025)
    assert (t2024.partners, t2024.labels, t2024.working_on_label) == (75, 50, 25)
    # 155 partners of whom 110 with the label: the other 45 work on it (the two groups split the partners).
    assert (t2025.partners, t2025.labels, t2025.working_on_label) == (155, 110, 45)
    # Every year the demo covers has a target, the current one too (2026: 2025's carried forward).
    assert {t.year for t in db.session.scalars(select(Target))} == {2024, 2025, 2026}
    demo.seed({})  # idempotent: the rule changes the existing target
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Target)) == 3
