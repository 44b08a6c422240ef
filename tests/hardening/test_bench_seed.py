"""seed-bench (bench/seed.py) on the test database: consistent rows at a small size, refused in production."""
from collections import Counter

import pytest
from sqlalchemy import func, select

from bench.seed import BENCH_ROLES, bench_email, seed_bench_command
from portal.extensions import db


@pytest.fixture
def bench_cli(app):
    # The app itself does not carry seed-bench; bench/wsgi.py adds it the same way.
    app.cli.add_command(seed_bench_command)


def test_seed_bench_makes_consistent_data(app, bench_cli, runner, client):
    from portal.auth.models import User, UserRole
    from portal.partners.models import (
        ImpactJob,
        ImpactJobTargetGroup,
        Membership,
        Organisation,
        PartnerStatusChange,
        Stageplek,
    )

    result = runner.invoke(args=["seed-bench", "--orgs", "20"])
    assert result.exit_code == 0, result.output

    orgs = db.session.scalars(select(Organisation)).all()
    assert len(orgs) == 20
    assert len({o.kvk for o in orgs}) == 20
    for role in BENCH_ROLES:
        user = db.session.scalar(select(User).where(User.email == bench_email(role)))
        assert user is not None and user.verified and user.has_role(role)
    # Every generated member holds the role ondernemer; every organisation has a beheerder.
    assert db.session.scalar(select(func.count(User.id))) == db.session.scalar(select(func.count(UserRole.id)))
    beheerders = set(db.session.scalars(select(Membership.organisation_id).where(Membership.role == "beheerder")))
    assert beheerders == {o.id for o in orgs}

    active = {o.id for o in orgs if o.partner_status in ("partner", "geschorst", "beeindigd", "aanvraag")}
    assert db.session.scalar(select(func.count(Stageplek.id))) == 2 * len(active)
    jobs = Counter(db.session.scalars(select(ImpactJob.organisation_id)))
    assert set(jobs) == active
    assert all(5 <= n <= 15 for n in jobs.values())
    job_ids = set(db.session.scalars(select(ImpactJob.id)))
    assert set(db.session.scalars(select(ImpactJobTargetGroup.impact_job_id))) == job_ids

    # The partnership history ends in the organisation's status.
    for org in orgs:
        last = db.session.scalar(select(PartnerStatusChange.status).where(PartnerStatusChange.organisation_id == org.id)
                                 .order_by(PartnerStatusChange.valid_from.desc(), PartnerStatusChange.id.desc()))
        assert last == (None if org.partner_status == "geen" else org.partner_status), org.partner_status

    # The API answers for a generated KvK-nummer, and the bench ondernemer's home page renders.
    assert client.get(f"/api/v1/labels/{orgs[0].kvk}").status_code == 200


def test_seed_bench_label_events_and_inkoop_rows_are_consistent(app, bench_cli, runner):
    from portal.events.models import Event, Registration
    from portal.inkoop.models import Bid, Procedure
    from portal.label.models import Assessment, Label, LabelStatusChange

    result = runner.invoke(args=["seed-bench", "--orgs", "60"])
    assert result.exit_code == 0, result.output

    open_keys = db.session.execute(select(Assessment.organisation_id, Assessment.open_key)
                                   .where(Assessment.status.in_(("concept", "ingediend", "in_behandeling",
                                                                 "wijzigingen_gevraagd")))).all()
    assert all(org_id == key for org_id, key in open_keys)
    assert len({org_id for org_id, _ in open_keys}) == len(open_keys)  # one open assessment per organisation
    for label in db.session.scalars(select(Label)):
        first = db.session.scalar(select(LabelStatusChange).where(LabelStatusChange.label_id == label.id)
                                  .order_by(LabelStatusChange.effective_on, LabelStatusChange.id))
        assert first.status == "geldig" and first.effective_on == label.valid_from
        assert label.assessment_id is not None
    for event in db.session.scalars(select(Event)):
        confirmed = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == "confirmed"))
        assert event.seats_taken == confirmed
        assert event.capacity is None or confirmed <= event.capacity
    assert db.session.scalar(select(func.count(Procedure.id))) >= 10
    pairs = db.session.execute(select(Bid.procedure_id, Bid.organisation_id)).all()
    assert len(pairs) == len(set(pairs))


def test_seed_bench_is_refused_in_production(make_app, mailbox):
    from portal.auth.models import User

    app = make_app(PORTAL_ENV="production")
    app.cli.add_command(seed_bench_command)
    result = app.test_cli_runner().invoke(args=["seed-bench", "--orgs", "5"])
    assert result.exit_code != 0
    assert "refused" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
