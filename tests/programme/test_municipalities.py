"""St. MBO manages the municipalities: the pages, the audit trail and the refusals; targets follow the start date."""
from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.dashboard.models import Target
from portal.dashboard.targets import DashboardError, set_target
from portal.extensions import db
from portal.partners.models import Municipality
from portal.partners.reference import ensure_municipalities
from portal.programme import municipalities


def _muni(name):
    return db.session.scalar(select(Municipality).where(Municipality.name == name))


def test_only_st_mbo_manages_municipalities(client, login_as):
    assert client.get("/programma/gemeenten").status_code in (302, 401)
    login_as("gemeente")
    assert client.get("/programma/gemeenten").status_code == 403
    assert client.post("/programma/gemeenten", data={"name": "Papendrecht-Oost"}).status_code in (400, 403)
    assert _muni("Papendrecht-Oost") is None


def test_staff_add_a_municipality_that_joins_later_and_the_change_is_audited(client, login_as):
    staff = login_as("mbo_staff")
    ensure_municipalities()
    db.session.commit()
    page = client.get("/programma/gemeenten").get_data(as_text=True)
    assert "Zwijndrecht" in page and "1 januari 2025" in page and "vanaf het begin" in page
    response = client.post("/programma/gemeenten", data={"name": " Molenlanden ", "joins_on": "2025-07-01",
                                                          "active": "y"})
    assert response.status_code == 302
    added = _muni("Molenlanden")
    assert (added.joins_on, added.active) == (date(2025, 7, 1), True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.municipality_added"))
    assert entry is not None and entry.actor_id == staff.id

    response = client.post(f"/programma/gemeenten/{added.id}", data={"name": "Molenlanden", "joins_on": "2025-09-01",
                                                                      "active": "y"})
    assert response.status_code == 302
    db.session.refresh(added)
    assert added.joins_on == date(2025, 9, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.municipality_changed"))
    assert entry.changes == {"joins_on": ["2025-07-01", "2025-09-01"]}


def test_a_second_municipality_with_the_same_name_is_refused_on_the_page(client, login_as):
    login_as("mbo_staff")
    ensure_municipalities()
    db.session.commit()
    response = client.post("/programma/gemeenten", data={"name": "dordrecht", "active": "y"})
    assert response.status_code == 400
    assert "Er is al een gemeente Dordrecht." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Municipality)
                             .where(db.func.lower(Municipality.name) == "dordrecht")) == 1


def test_a_target_before_the_municipality_joins_is_refused_with_a_message(client, login_as):
    staff = login_as("mbo_staff")
    zwijndrecht = ensure_municipalities()["Zwijndrecht"]
    db.session.commit()
    response = client.post("/dashboard/doelen", data={"gemeente": zwijndrecht.id, "jaar": 2024, "partners": 10})
    assert response.status_code == 400
    assert "Zwijndrecht neemt deel vanaf 01-01-2025: voor 2024 kan geen doel worden vastgesteld." in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(Target).where(Target.municipality_id == zwijndrecht.id)) is None
    assert client.post("/dashboard/doelen", data={"gemeente": zwijndrecht.id, "jaar": 2025,
                                                  "partners": 10}).status_code == 302
    # A municipality that does not take part has no targets at all.
    papendrecht = _muni("Papendrecht")
    try:
        set_target(papendrecht, 2025, partners=5, labels=None, working_on_label=None, by=staff)
    except DashboardError as exc:
        assert "neemt niet deel" in str(exc)
    else:
        raise AssertionError("a target for a municipality that does not take part was accepted")
    db.session.rollback()


def test_moving_the_start_after_a_year_with_targets_is_refused(app, make_user):
    staff = make_user("mbo_staff")
    dordrecht = ensure_municipalities()["Dordrecht"]
    set_target(dordrecht, 2024, partners=75, labels=50, working_on_label=25, by=staff)
    db.session.commit()
    try:
        municipalities.change_municipality(dordrecht, name="Dordrecht", joins_on=date(2025, 1, 1), active=True,
                                           by=staff)
    except municipalities.MunicipalityError as exc:
        assert "2024" in str(exc) and exc.field == "joins_on"
    else:
        raise AssertionError("moving the start past a year with targets was accepted")
    db.session.rollback()
    assert _muni("Dordrecht").joins_on is None


def test_targets_for_every_figure_are_kept(app, make_user):
    staff = make_user("mbo_staff")
    dordrecht = ensure_municipalities()["Dordrecht"]
    target = set_target(dordrecht, 2024, partners=75, labels=50, working_on_label=25, impact_jobs=120,
                        wijk_naar_werk=100, stageplekken=40, event_attendance=300, by=staff)
    db.session.commit()
    assert (target.impact_jobs, target.wijk_naar_werk, target.stageplekken, target.event_attendance) == (
        120, 100, 40, 300)
    try:
        set_target(dordrecht, 2024, partners=75, labels=50, working_on_label=25, impact_jobs=10, wijk_naar_werk=100,
                   by=staff)
    except DashboardError as exc:
        assert exc.field == "wijk_naar_werk"
    else:
        raise AssertionError("more Wijk naar Werk residents than impact jobs was accepted")
    db.session.rollback()
