"""Procedure rules: weights, bids, the label status frozen at the closing date, award, lock and audit."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.inkoop import evaluation, procedures, sources
from portal.inkoop.models import Commitment
from portal.inkoop.procedures import ProcedureError
from portal.label.models import Label
from portal.mail.outbox import send_pending
from portal.partners.models import Organisation, PartnerStatusChange
from tests.inkoop.helpers import CLOSED, make_procedure, open_with_bids, score_all


def give_label(org, valid_from, valid_until, number):
    db.session.add(Label(organisation_id=org.id, certificate_number=number, valid_from=valid_from,
                         valid_until=valid_until))
    db.session.commit()


def make_partner(org, since=date(2023, 1, 1)):
    db.session.add(PartnerStatusChange(organisation_id=org.id, status="partner", valid_from=since))
    db.session.commit()


def test_weights_that_do_not_add_up_to_100_are_refused_when_opening(make_user):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", D(40)), ("quality", D(50))))
    with pytest.raises(ProcedureError, match="tellen op tot 90%"):
        procedures.open_procedure(procedure, by=buyer)
    db.session.rollback()
    procedures.add_criterion(procedure, by=buyer, kind="label", name="Label", weight=D(10))
    procedures.open_procedure(procedure, by=buyer)
    db.session.commit()
    assert procedure.status == "open"
    # Published criteria are fixed.
    with pytest.raises(ProcedureError):
        procedures.add_criterion(procedure, by=buyer, kind="quality", name="Extra", weight=D(5))


def test_bids_zero_price_refused_unknown_kvk_registered_duplicates_refused(make_user, make_org):
    buyer = make_user("inkoop")
    known = make_org(name="Afvalbedrijf Dordrecht")
    procedure = make_procedure(buyer)
    procedures.open_procedure(procedure, by=buyer)
    with pytest.raises(ProcedureError, match="nul") as refused:
        procedures.enter_bid(procedure, by=buyer, kvk=known.kvk, price=D(0))
    assert refused.value.field == "price"
    with pytest.raises(ProcedureError, match="Vul ook de naam"):
        procedures.enter_bid(procedure, by=buyer, kvk="0123 4567", price=D(10))
    with pytest.raises(ProcedureError, match="8 cijfers") as refused:  # 7 digits are never padded
        procedures.enter_bid(procedure, by=buyer, kvk="1234567", name="Nieuw Schoon BV", price=D(10))
    assert refused.value.field == "kvk"
    bid = procedures.enter_bid(procedure, by=buyer, kvk="01234567", name="Nieuw Schoon BV", price=D(10))
    db.session.commit()
    newcomer = db.session.scalar(select(Organisation).where(Organisation.kvk == "01234567"))
    assert bid.organisation_id == newcomer.id and newcomer.partner_status == "geen"
    with pytest.raises(ProcedureError, match="al een inschrijving"):
        procedures.enter_bid(procedure, by=buyer, kvk="01234567", price=D(12))
    with pytest.raises(ProcedureError, match="8 cijfers"):
        procedures.enter_bid(procedure, by=buyer, kvk="123", price=D(12))


def test_label_criterion_uses_the_status_on_the_closing_date_not_today(make_user, make_org):
    buyer, chair = make_user("inkoop"), make_user("gemeente")
    closing = clock.today() - timedelta(days=30)
    expired_since = make_org(name="Had het label")    # valid on the closing date, expired by today
    newly_labelled = make_org(name="Kreeg het label later")  # no label on the closing date, valid today
    give_label(expired_since, closing - timedelta(days=300), closing + timedelta(days=5), "OMI-2024-0001")
    give_label(newly_labelled, closing + timedelta(days=1), clock.today() + timedelta(days=300), "OMI-2025-0002")
    procedure = make_procedure(buyer, criteria=(("price", D(50)), ("label", D(50))), closing_date=closing)
    bids = open_with_bids(procedure, buyer, [(expired_since, D(1000), {}), (newly_labelled, D(1000), {})],
                          panel=[chair])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    old, new = bids
    assert (old.frozen_on, old.frozen_label_status, old.frozen_certificate) == (closing, "geldig", "OMI-2024-0001")
    # A partner without a label on the closing date works on the label, as the programme counts: the share.
    assert new.frozen_label_status == "geen" and new.label_level == "werkt_aan_label"
    ranked = evaluation.results(procedure)
    assert [(r.bid_id, r.total) for r in ranked] == [(old.id, D(100)), (new.id, D(75))]
    # Today the positions are reversed, which must not matter.
    assert sources.label_status_on([old.organisation_id], clock.today())[old.organisation_id].status == "verlopen"


def test_a_partner_working_on_the_label_earns_the_share(make_user, make_org):
    """Every partner without a valid label on the closing date works on the label (portal.programme.standing);
    an organisation that is not a partner gets nothing."""
    buyer, chair = make_user("inkoop"), make_user("gemeente")
    working, outsider = make_org(name="Werkt eraan"), make_org(name="Geen partner", status="aanvraag")
    make_partner(working)
    procedure = make_procedure(buyer, criteria=(("price", D(60)), ("label", D(40))))
    bids = open_with_bids(procedure, buyer, [(working, D(100), {}), (outsider, D(100), {})], panel=[chair])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    assert bids[0].label_level == "werkt_aan_label" and bids[1].label_level == "geen"
    totals = {r.bid_id: r.total for r in evaluation.results(procedure)}
    assert totals == {bids[0].id: D(80), bids[1].id: D(60)}


def test_closing_before_the_closing_date_is_refused(make_user, make_org):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", D(100)),), closing_date=clock.today() + timedelta(days=2))
    open_with_bids(procedure, buyer, [(make_org(), D(5), {})])
    with pytest.raises(ProcedureError, match="nog niet voorbij"):
        procedures.close_procedure(procedure, by=buyer)


def award_ready(make_user, make_org, **kwargs):
    buyer, chair, second = make_user("inkoop"), make_user("gemeente"), make_user("inkoop")
    a, b = make_org(name="Schoon BV", members=[make_user("ondernemer", email="directie@schoon.nl")]), make_org()
    procedure = make_procedure(buyer, criteria=(("price", D(40)), ("quality", D(40)), ("commitment", D(20))))
    bids = open_with_bids(procedure, buyer, [(a, D(90000), {"impact_jobs": 4, "stageplekken": 2}),
                                             (b, D(100000), {"impact_jobs": 1})], panel=[chair, second])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    for user in (chair, second):
        score_all(procedure, user, {bids[0]: 8, bids[1]: 6})
    for bid, score in ((bids[0], 8), (bids[1], 6)):
        evaluation.set_consensus(procedure, chair, bid_id=bid.id,
                                 criterion_id=evaluation.quality_criteria(procedure)[0].id,
                                 score=score, motivation="Besproken in het panel")
    db.session.commit()
    return procedure, bids, buyer, chair


def test_award_creates_commitments_with_due_dates_and_locks_everything(make_user, make_org, mailbox):
    procedure, bids, buyer, chair = award_ready(make_user, make_org)
    winner = procedures.award_procedure(procedure, by=buyer, today=date(2025, 3, 31))
    db.session.commit()
    assert winner.id == bids[0].id and procedure.status == "gegund" and procedure.awarded_bid_id == winner.id
    made = db.session.scalars(select(Commitment).order_by(Commitment.kind)).all()
    assert [(c.kind, c.promised, c.start_date, c.due_date) for c in made] == [
        ("impact_jobs", 4, date(2025, 3, 31), date(2027, 3, 31)),
        ("stageplekken", 2, date(2025, 3, 31), date(2027, 3, 31))]
    assert all(c.organisation_id == winner.organisation_id for c in made)
    send_pending()
    assert "Banen met impact: 4" in mailbox.text(mailbox.last_to("directie@schoon.nl"))

    quality = evaluation.quality_criteria(procedure)[0]
    attempts = [
        lambda: procedures.add_criterion(procedure, by=buyer, kind="quality", name="x", weight=D(1)),
        lambda: procedures.enter_bid(procedure, by=buyer, kvk="12345678", name="Laat BV", price=D(1)),
        lambda: procedures.remove_bid(procedure, bids[1], by=buyer),
        lambda: procedures.record_lots(procedure, {bids[0].id: 1}, by=buyer),
        lambda: procedures.withdraw_procedure(procedure, by=buyer, reason="Toch niet"),
        lambda: procedures.award_procedure(procedure, by=buyer),
        lambda: procedures.add_panel_member(procedure, make_user("inkoop"), by=buyer),
        lambda: evaluation.set_consensus(procedure, chair, bid_id=bids[1].id, criterion_id=quality.id, score=10,
                                         motivation="achteraf"),
        lambda: evaluation.save_scores(procedure, chair, {(bids[1].id, quality.id): ("10", "achteraf")}),
    ]
    for attempt in attempts:
        with pytest.raises(ProcedureError, match="gegund"):
            attempt()
        db.session.rollback()

    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("inkoop."))))
    assert {"inkoop.procedure_created", "inkoop.criterion_added", "inkoop.procedure_opened",
            "inkoop.panel_member_added", "inkoop.bid_entered", "inkoop.procedure_closed",
            "inkoop.scores_submitted", "inkoop.consensus_set", "inkoop.procedure_awarded"} <= actions


def test_a_tie_for_first_place_needs_drawn_lots_before_award(make_user, make_org):
    buyer, chair = make_user("gemeente"), make_user("gemeente")
    a, b = make_org(name="Logistiek A"), make_org(name="Logistiek B")
    procedure = make_procedure(buyer, kind="gronduitgifte", development_area="Distripark fase 2",
                               criteria=(("commitment", D(50)), ("label", D(50))))
    bids = open_with_bids(procedure, buyer, [(a, None, {"impact_jobs": 5}), (b, None, {"impact_jobs": 4})],
                          panel=[chair])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    ranked = evaluation.results(procedure)
    assert [(r.rank, r.tied) for r in ranked] == [(1, True), (1, True)]
    with pytest.raises(ProcedureError, match="loting"):
        procedures.award_procedure(procedure, by=buyer)
    db.session.rollback()
    with pytest.raises(ProcedureError, match="eigen volgnummer"):
        procedures.record_lots(procedure, {bids[0].id: 1, bids[1].id: 1}, by=buyer)
    db.session.rollback()
    procedures.record_lots(procedure, {bids[0].id: 2, bids[1].id: 1}, by=buyer, note="Notaris trok B eerst")
    winner = procedures.award_procedure(procedure, by=buyer)
    db.session.commit()
    assert winner.id == bids[1].id


def test_status_change_by_someone_else_first_is_refused(make_user):
    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", D(100)),))
    # Another session published it a moment ago: this session's object still says concept.
    db.session.execute(db.update(type(procedure)).where(type(procedure).id == procedure.id).values(status="open")
                       .execution_options(synchronize_session=False))
    with pytest.raises(ProcedureError, match="intussen"):
        procedures._move(procedure, "concept", "open")


def test_presets_give_weights_of_100_for_every_kind(make_user):
    from portal.inkoop.presets import PRESETS

    buyer = make_user("inkoop")
    for key, preset in PRESETS.items():
        procedure = procedures.create_procedure(by=buyer, kind=preset["kind"], title=key, closing_date=CLOSED,
                                                preset=key)
        procedures.check_ready_to_open(procedure)
        assert any(c.kind == "label" for c in procedure.criteria)
    vulnerable = [c.name for c in db.session.scalars(select(type(procedure)).where(
        type(procedure).title == "aanbesteding_kwetsbaar")).one().criteria]
    assert any("Banen met impact" in n for n in vulnerable)


def test_settings_change_in_concept_and_only_the_closing_date_once_open(client, make_user):
    from tests.conftest import login

    buyer = make_user("inkoop")
    procedure = make_procedure(buyer, criteria=(("price", D(100)),))
    login(client, buyer.email)
    url = f"/inkoop/procedures/{procedure.id}/bewerken"
    form = {"title": "Inzameling bedrijfsafval, perceel 2", "closing_date": "2026-02-01", "price_method": "relatief",
            "score_mode": "gemiddelde", "quality_scale": "0, 5, 10", "commitment_months": "36"}
    assert client.get(url).status_code == 200
    assert client.post(url, data=form).status_code == 302
    db.session.refresh(procedure)
    assert (procedure.title, procedure.score_mode, procedure.quality_scale, procedure.commitment_months) == (
        "Inzameling bedrijfsafval, perceel 2", "gemiddelde", "0,5,10", 36)
    # The price-quality method cannot go with a weighted price criterion.
    response = client.post(url, data={**form, "price_method": "fictieve_korting", "discount_per_point": "100"})
    assert response.status_code == 200 and "verwijder eerst het prijscriterium" in response.get_data(as_text=True)
    procedures.open_procedure(procedure, by=buyer)
    db.session.commit()
    response = client.post(url, data={**form, "title": "Andere titel"})
    assert "alleen de sluitingsdatum" in response.get_data(as_text=True)
    assert client.post(url, data={**form, "closing_date": "2026-03-01"}).status_code == 302
    db.session.refresh(procedure)
    assert procedure.closing_date == date(2026, 3, 1) and procedure.title == "Inzameling bedrijfsafval, perceel 2"
    updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "inkoop.procedure_updated")).all()
    assert updates[-1].changes["closing_date"] == ["2026-02-01", "2026-03-01"]


def test_a_bid_that_fails_admission_is_not_scored(client, make_user, make_org):
    from tests.conftest import login

    officer, chair = make_user("gemeente"), make_user("gemeente")
    a, b, c = make_org(name="Logistiek A"), make_org(name="Logistiek B"), make_org(name="Te klein BV")
    procedure = make_procedure(officer, kind="gronduitgifte", development_area="Dordtse Kil IV",
                               criteria=(("commitment", D(60)), ("quality", D(40))))
    bids = open_with_bids(procedure, officer, [(a, None, {"impact_jobs": 2}), (b, None, {"impact_jobs": 4}),
                                               (c, None, {"impact_jobs": 40})], panel=[chair])
    procedures.close_procedure(procedure, by=officer)
    db.session.commit()
    login(client, officer.email)
    url = f"/inkoop/procedures/{procedure.id}/inschrijvingen/{bids[2].id}/toelating"
    response = client.post(url, data={"admitted": "0", "reason": ""}, follow_redirects=True)
    assert "Motiveer waarom" in response.get_data(as_text=True)
    client.post(url, data={"admitted": "0", "reason": "Geen bewijs van de vereiste vloeroppervlakte."})
    db.session.refresh(bids[2])
    assert not bids[2].admitted
    # The panel scores only admitted bids; the excluded promise of 40 does not set the relative scale either.
    client.post("/account/uitloggen")
    login(client, chair.email)
    assert "Te klein BV" not in client.get(f"/inkoop/procedures/{procedure.id}/beoordelen").get_data(as_text=True)
    score_all(procedure, chair, {bids[0]: 8, bids[1]: 6})
    quality = evaluation.quality_criteria(procedure)[0]
    for bid, score in ((bids[0], 8), (bids[1], 6)):
        evaluation.set_consensus(procedure, chair, bid_id=bid.id, criterion_id=quality.id, score=score,
                                 motivation="Overleg")
    db.session.commit()
    # commitment target 4 (helpers): A 2/4 * 60 = 30 + 32 = 62; B 60 + 24 = 84.
    assert [(r.bid_id, r.total) for r in evaluation.results(procedure)] == [(bids[1].id, D(84)), (bids[0].id, D(62))]
    # After submission admission is fixed.
    with pytest.raises(ProcedureError, match="voordat het panel"):
        procedures.decide_admission(procedure, bids[2], by=officer, admitted=True)
    report = client.get(f"/inkoop/procedures/{procedure.id}/rapport").get_data(as_text=True)
    assert "Geen bewijs van de vereiste vloeroppervlakte." in report


def test_cron_closes_procedures_past_their_closing_date(runner, make_user, make_org):
    buyer = make_user("inkoop")
    due = make_procedure(buyer, criteria=(("price", D(100)),), title="Verlopen")
    open_with_bids(due, buyer, [(make_org(), D(10), {})])
    not_yet = make_procedure(buyer, criteria=(("price", D(100)),), title="Loopt nog",
                             closing_date=clock.today() + timedelta(days=5))
    open_with_bids(not_yet, buyer, [(make_org(), D(10), {})])
    no_chair = make_procedure(buyer, title="Zonder panel")
    open_with_bids(no_chair, buyer, [(make_org(), D(10), {})])
    result = runner.invoke(args=["inkoop", "close-due"])
    assert result.exit_code == 0, result.output
    assert "closed: Verlopen" in result.output and "not closed: Stel eerst een beoordelingspanel" in result.output
    statuses = {p.title: p.status for p in db.session.scalars(select(type(due)))}
    assert statuses == {"Verlopen": "beoordeling", "Loopt nog": "open", "Zonder panel": "open"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inkoop.procedure_closed"))
    assert entry.acting_role == "systeem" and entry.actor_id is None
