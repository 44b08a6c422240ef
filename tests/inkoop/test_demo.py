"""seed-demo adds an awarded tender with commitments in progress and a plot issuance in evaluation."""
from sqlalchemy import select

from portal.auth.services import create_user
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.inkoop import demo as inkoop_demo
from portal.inkoop import evaluation
from portal.inkoop.models import Commitment, FollowUp, Procedure
from portal.label import demo as label_demo
from portal.partners import demo as partners_demo


def test_seed_demo_adds_both_procedures(app):
    # The seeders that run before ours (partners, label), then ours: independent of later packages.
    accounts = {}
    for email, name, roles in DEMO_ACCOUNTS:
        accounts[roles[0]] = create_user(email, DEMO_PASSWORD, roles=roles, name=name)
    for module in (partners_demo, label_demo, inkoop_demo):
        module.seed(accounts)
        db.session.flush()
    db.session.commit()
    tender = db.session.scalar(select(Procedure).where(Procedure.kind == "aanbesteding"))
    plot = db.session.scalar(select(Procedure).where(Procedure.kind == "gronduitgifte"))
    assert tender.status == "gegund" and "bedrijfsafval" in tender.title and len(tender.bids) == 3
    assert plot.status == "beoordeling" and plot.development_area == "Distripark fase 2" and len(plot.bids) >= 2
    assert db.session.scalar(select(db.func.count()).select_from(Commitment)) >= 2
    assert db.session.scalar(select(db.func.count()).select_from(FollowUp)) == 1
    assert [m.submitted_at is not None for m in plot.panel] == [True, False]
    assert {b.frozen_label_status for b in tender.bids} <= {"geen", "geldig", "geschorst", "verlopen", "ingetrokken"}
    assert evaluation.results(tender)[0].bid_id == tender.awarded_bid_id
