"""Demo data: an awarded tender for commercial waste collection with commitments in progress, and a plot
issuance on Distripark fase 2 in evaluation. Bidders are the demo organisations the partners and label
seeders made; everything goes through the same rules as the pages."""
from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import select

from portal.extensions import db
from portal.inkoop import commitments, evaluation, procedures, sources
from portal.partners.models import Organisation

MOTIVATIONS = {
    10: "Uitstekend: concreet, met meetbare doelen, planning en eigen begeleiding op de werkvloer.",
    8: "Goed: duidelijke aanpak met vaste ploegen en een werkbegeleider; enkele onderdelen algemeen beschreven.",
    6: "Voldoende: de aanpak is herkenbaar maar weinig concreet over begeleiding en doorstroom.",
    4: "Matig: vooral algemene intenties, geen planning of verantwoordelijke genoemd.",
}


def _pick_bidders(today: date, wanted: int, sectors=(), exclude=()) -> list[Organisation]:
    """A label holder, a partner without the label and a non-partner where the demo data has them,
    from the given sectors first."""
    orgs = [o for o in db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
            if o.id not in exclude]
    # Organisations of the sectors come first in every group below.
    orgs.sort(key=lambda o: o.sector not in sectors)
    ids = [o.id for o in orgs]
    labels = sources.label_status_on(ids, today)
    partners = sources.partner_status_on(ids, today)
    with_label = [o for o in orgs if labels[o.id].status == "geldig"]
    partner_only = [o for o in orgs if partners[o.id] == "partner" and labels[o.id].status != "geldig"]
    others = [o for o in orgs if partners[o.id] != "partner" and labels[o.id].status == "geen"]
    chosen = []
    for group in (with_label, partner_only, others, with_label[1:], partner_only[1:]):
        for org in group:
            if org not in chosen:
                chosen.append(org)
                break
        if len(chosen) == wanted:
            break
    return chosen


def _score(procedure, user, grades: dict):
    """grades: {bid: [score per quality criterion]}; submits the evaluator's scores."""
    quality = evaluation.quality_criteria(procedure)
    entries = {}
    for bid, scores in grades.items():
        for criterion, score in zip(quality, scores, strict=True):
            entries[(bid.id, criterion.id)] = (str(score), MOTIVATIONS[score])
    evaluation.save_scores(procedure, user, entries, submit=True)


def seed(accounts):
    buyer, officer = accounts["inkoop"], accounts["gemeente"]
    today = sources.today()

    # --- an awarded tender in a category with vulnerable jobs --------------------------------------
    closing = today - timedelta(days=150)
    tender = procedures.create_procedure(
        by=buyer, kind="aanbesteding", title="Inzameling bedrijfsafval gemeentelijke locaties 2025-2029",
        reference="DOR-2025-017", category="Inzameling bedrijfsafval", vulnerable_jobs=True, closing_date=closing,
        preset="aanbesteding_kwetsbaar", price_method="relatief", score_mode="consensus", commitment_months=24,
        description="Inzameling van bedrijfsafval op 42 gemeentelijke locaties, met banen voor inwoners met "
                    "een afstand tot de arbeidsmarkt.")
    procedures.open_procedure(tender, by=buyer)
    procedures.add_panel_member(tender, buyer, by=buyer, is_chair=True)
    procedures.add_panel_member(tender, officer, by=buyer)
    bidders = _pick_bidders(closing, 3, sectors=("schoonmaak", "vervoer_logistiek"))
    offers = [(D("1185000"), {"impact_jobs": 4, "stageplekken": 3}),
              (D("1098500"), {"impact_jobs": 2, "stageplekken": 1}),
              (D("1240000"), {"impact_jobs": 1})]
    bids = [procedures.enter_bid(tender, by=buyer, kvk=org.kvk, price=price, commitments=promised)
            for org, (price, promised) in zip(bidders, offers, strict=False)]
    if len(bids) < 3:  # a bare database: bidders that are not in the portal yet
        for n, (price, promised) in enumerate(offers[len(bids):]):
            bids.append(procedures.enter_bid(tender, by=buyer, kvk=f"2999000{n}", name=f"Afvalinzameling Zuid {n}",
                                             price=price, commitments=promised))
    procedures.close_procedure(tender, by=buyer, today=closing + timedelta(days=1))
    _score(tender, buyer, {bids[0]: [8, 8], bids[1]: [6, 4], bids[2]: [6, 6]})
    _score(tender, officer, {bids[0]: [8, 10], bids[1]: [6, 6], bids[2]: [4, 6]})
    for bid, scores in zip(bids, ([8, 8], [6, 6], [6, 6]), strict=True):
        for criterion, score in zip(evaluation.quality_criteria(tender), scores, strict=True):
            evaluation.set_consensus(tender, buyer, bid_id=bid.id, criterion_id=criterion.id, score=score,
                                     motivation="Consensus in het panel: " + MOTIVATIONS[score])
    winner = procedures.award_procedure(tender, by=officer, today=closing + timedelta(days=30))
    commitments.add_follow_up(winner.organisation, by=officer, held_on=today - timedelta(days=20),
                              procedure_id=tender.id,
                              note="Startgesprek: twee inwoners via Wijk naar Werk zijn als belader begonnen; "
                                   "een BBL-plek chauffeur wordt met het Leerwerkloket ingevuld.")

    # --- a plot issuance on Distripark fase 2, in evaluation ---------------------------------------
    closing = today - timedelta(days=10)
    plot = procedures.create_procedure(
        by=officer, kind="gronduitgifte", title="Kavel 7, Distripark fase 2", reference="GU-DP2-07",
        development_area="Distripark fase 2", plot="Kavel 7 (4,2 ha)", closing_date=closing,
        preset="uitgifte_logistiek", price_method="relatief", score_mode="consensus", commitment_months=36,
        description="Openbare selectie (Didam): toelating op de vaste grondprijs, daarna punten op de "
                    "uitgiftecriteria. Bij gelijke stand beslist loting.")
    procedures.open_procedure(plot, by=officer)
    procedures.add_panel_member(plot, officer, by=officer, is_chair=True)
    procedures.add_panel_member(plot, buyer, by=officer)
    applicants = _pick_bidders(closing, 3, sectors=("vervoer_logistiek", "maritiem", "techniek"),
                               exclude={b.organisation_id for b in bids})
    promises = [{"jobs": 180, "impact_jobs": 12, "stageplekken": 6},
                {"jobs": 240, "impact_jobs": 5, "stageplekken": 2},
                {"jobs": 120, "impact_jobs": 8}]
    plot_bids = [procedures.enter_bid(plot, by=officer, kvk=org.kvk, commitments=promised)
                 for org, promised in zip(applicants, promises, strict=False)]
    procedures.close_procedure(plot, by=officer)
    # The chair has scored; the second evaluator has not yet, so nobody else's scores are visible to them.
    grades = ([8, 6, 8], [6, 8, 6], [6, 4, 6])
    size = len(evaluation.quality_criteria(plot))
    _score(plot, officer, {bid: (grades[n] * 2)[:size] for n, bid in enumerate(plot_bids)})
    db.session.flush()
