"""Every organisation route with an object id, tried with another organisation's ids: refused, nothing changed.

This walks the URL map, so a new organisation route with an id is covered the day it is added.
"""
from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.label import assessments
from portal.label.models import Assessment, AssessmentAnswer, EvidenceFile
from portal.partners import services
from portal.partners.models import ImpactJob, Invitation, JoinRequest, Membership, Stageplek
from tests.conftest import login
from tests.label.conftest import FULL, answer_all, build_set


def snapshot():
    """What organisation B has; any change by A would show here."""
    return {
        "jobs": db.session.execute(select(ImpactJob.id, ImpactJob.title, ImpactJob.end_date)).all(),
        "plekken": db.session.execute(select(Stageplek.id, Stageplek.title, Stageplek.published)).all(),
        "members": db.session.execute(select(Membership.id, Membership.role)).all(),
        "invitations": db.session.execute(select(Invitation.id, Invitation.revoked_at)).all()
        if hasattr(Invitation, "revoked_at") else db.session.scalar(select(func.count()).select_from(Invitation)),
        "joins": db.session.execute(select(JoinRequest.id, JoinRequest.status)).all(),
        "assessments": db.session.execute(select(Assessment.id, Assessment.status, Assessment.version)).all(),
        "answers": db.session.execute(select(AssessmentAnswer.id, AssessmentAnswer.option_id)).all(),
        "evidence": db.session.scalar(select(func.count()).select_from(EvidenceFile)),
    }


def test_organisation_routes_refuse_another_organisations_ids(app, client, make_user, make_org, mailbox):
    staff = make_user("mbo_staff")
    criteria_set = build_set(staff)
    alice, bob, bobs_colleague, asker = make_user(), make_user(), make_user(), make_user()
    make_org(name="Bedrijf A", members=[alice])
    org_b = make_org(name="Bedrijf B", members=[bob, (bobs_colleague, "lid")])

    job = services.save_impact_job(org_b, bob, dict(title="Functie B", target_groups=["ww"], contract_type="vast",
                                                    hours_per_week=30, start_date=date(2025, 1, 6)))
    plek = services.save_stageplek(org_b, bob, dict(title="Stage B", education_level="mbo2", stage_type="bol",
                                                    field="zorg", places=2, published=False))
    invitation = services.invite_member(org_b, bob, "nieuw@b.example", "lid")
    join = services.request_to_join(asker, org_b, "")
    assessment = assessments.start_assessment(org_b, bob)
    db.session.commit()
    assessment = answer_all(assessment, bob, FULL)
    evidence = db.session.scalar(select(EvidenceFile))
    theme = criteria_set.themes[0]
    ids = {
        "job_id": job.id, "plek_id": plek.id, "invitation_id": invitation.id, "request_id": join.id,
        "membership_id": db.session.scalar(select(Membership.id).where(Membership.user_id == bobs_colleague.id)),
        "assessment_id": assessment.id, "evidence_id": evidence.id, "theme_id": theme.id,
        "criterion_id": theme.criteria[0].id,
    }
    before = snapshot()

    login(client, alice.email)
    tried = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        kind = getattr(view, "access_rule", {}).get("kind")
        if kind not in ("org_member", "org_admin") or not rule.arguments:
            continue
        if not rule.arguments <= ids.keys():
            # An argument that is not an organisation's object (an event id) is not this test's concern.
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"title": "Overgenomen", "role": "beheerder",
                                                              "decision": "accept", "body": "x"})
            tried.append((method, url))
            assert response.status_code in (403, 404), f"{method} {url} as another organisation: {response.status_code}"

    assert len(tried) >= 20, tried
    db.session.expire_all()
    assert snapshot() == before
