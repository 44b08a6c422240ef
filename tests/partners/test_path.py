"""The path to the label: staff record intake and inspiratiesessie; the stage of each partner working on the
label on a date (set-based), shown on the partner page, the dashboard and the staff list."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.label import assessments, review
from portal.partners import path, services
from portal.partners.models import PathStep
from portal.partners.services import PartnerError
from tests.label.conftest import FULL, answer_all, build_set, review_all
from tests.querycount import count_queries


@pytest.fixture
def staff(make_user):
    return make_user("mbo_staff", name="Sanne Staf")


def test_record_step_creates_then_corrects_with_audit(app, make_org, staff):
    org = make_org()
    path.record_path_step(org, "intake", date(2024, 3, 1), staff, "Eerste gesprek")
    path.record_path_step(org, "intake", date(2024, 3, 4), staff, "Eerste gesprek")
    db.session.commit()
    [step] = db.session.scalars(select(PathStep)).all()
    assert step.held_on == date(2024, 3, 4) and step.recorded_by_id == staff.id
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.organisation_id == org.id)).all()
    assert "partner.path_step_recorded" in actions and "partner.path_step_changed" in actions
    with pytest.raises(PartnerError):
        path.record_path_step(org, "intake", clock.today() + timedelta(days=1), staff)
    with pytest.raises(PartnerError):
        path.record_path_step(org, "koffie", date(2024, 3, 1), staff)


def test_stage_on_a_date_follows_the_path(app, make_org, make_user, staff):
    build_set(staff)
    member = make_user("ondernemer")
    today = clock.today()
    agreement, intake, inspired, scan, submitted, changes, refused, holder = (
        make_org(name=n, members=[make_user("ondernemer")] if n != "Scan" else [member])
        for n in ("Akkoord", "Intake", "Inspiratie", "Scan", "Ingediend", "Wijzigen", "Afgewezen", "Houder"))
    ended = make_org(name="Gestopt")
    services.change_partnership(ended, "end", staff, "Verhuisd")
    path.record_path_step(intake, "intake", today - timedelta(days=40), staff)
    path.record_path_step(inspired, "intake", today - timedelta(days=60), staff)
    path.record_path_step(inspired, "inspiratiesessie", today - timedelta(days=10), staff)
    path.record_path_step(refused, "inspiratiesessie", today - timedelta(days=90), staff)
    db.session.commit()

    def started(org):
        user = org.memberships[0].user
        return assessments.start_assessment(org, user), user

    a, _u = started(scan)
    for org in (submitted, changes, refused, holder):
        a, user = started(org)
        item = answer_all(a, user, FULL)
        assessments.submit_assessment(item, user)
        if org is submitted:
            continue
        review.start_review(item, staff)
        if org is changes:
            review.request_changes(item, staff, "Vul aan")
        elif org is refused:
            review.reject(item, staff, "Nog niet")
        else:
            review.approve(review_all(item, staff), staff)
    db.session.commit()

    stages = {org.id: path.stage_of(org.id) for org in
              (agreement, intake, inspired, scan, submitted, changes, refused, holder, ended)}
    assert stages[agreement.id] == ("partnerovereenkomst", date(2024, 1, 15))
    assert stages[intake.id] == ("intake", today - timedelta(days=40))
    assert stages[inspired.id] == ("inspiratiesessie", today - timedelta(days=10))
    assert stages[scan.id] == ("zelfscan", today)
    assert stages[submitted.id][0] == "beoordeling"
    assert stages[changes.id][0] == "wijzigingen"
    assert stages[refused.id] == ("verbeterplan", today)  # the refusal beats the earlier inspiratiesessie
    assert stages[holder.id] is None and stages[ended.id] is None  # holds the label / no longer a partner
    # Yesterday the assessments had not started: the steps before them count.
    yesterday = {c.code: c.count for c in path.stage_counts(today - timedelta(days=1))}
    assert yesterday["zelfscan"] == 0 and yesterday["inspiratiesessie"] == 2
    counts = {c.code: c.count for c in path.stage_counts(today)}
    assert counts == {"partnerovereenkomst": 1, "intake": 1, "inspiratiesessie": 1, "zelfscan": 1,
                      "beoordeling": 1, "wijzigingen": 1, "verbeterplan": 1}


def test_staff_record_a_step_on_the_partner_page(client, login_as, make_org):
    login_as("mbo_staff")
    org = make_org(name="Trajectbedrijf")
    url = f"/partners/{org.id}/traject"
    response = client.post(url, data={"step": "inspiratiesessie", "held_on": "2024-09-27",
                                      "note": "Samen met Wijk naar Werk"})
    assert response.status_code == 302
    page = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Samen met Wijk naar Werk" in page and "Inspiratiesessie gevolgd" in page
    future = (clock.today() + timedelta(days=3)).isoformat()
    client.post(url, data={"step": "intake", "held_on": future})
    page = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "De datum ligt in de toekomst" in page
    assert client.post(url, data={"step": "intake", "held_on": "gisteren"}).status_code == 302
    assert db.session.scalar(select(PathStep.step).where(PathStep.step == "intake")) is None


def test_stage_list_and_dashboard_show_who_is_stuck_in_fixed_queries(client, login_as, make_org, staff):
    for n in range(12):
        org = make_org(name=f"Wachtend {n:02d}")
        if n % 2:
            path.record_path_step(org, "intake", date(2024, 2, 1) + timedelta(days=n), staff)
    db.session.commit()
    login_as("mbo_staff")
    with count_queries() as few:
        client.get("/partners/traject?fase=intake")
    for n in range(12, 30):
        org = make_org(name=f"Wachtend {n:02d}")
        path.record_path_step(org, "intake", date(2024, 2, 1) + timedelta(days=n), staff)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/partners/traject?fase=intake").get_data(as_text=True)
    assert many.count == few.count
    # Longest at the step first.
    assert page.index("Wachtend 01") < page.index("Wachtend 29")
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert "Werkt aan het label: waar staan zij?" in dashboard and "/partners/traject?fase=intake" in dashboard


def test_gemeente_sees_the_counts_but_no_organisations(client, login_as, make_org):
    make_org(name="Geheim Traject")
    login_as("gemeente")
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert "Werkt aan het label: waar staan zij?" in dashboard and "/partners/traject" not in dashboard
    assert client.get("/partners/traject").status_code == 403
