"""Set-up through the same rules the app uses: procedures, panels, bids and scores."""
from datetime import timedelta
from decimal import Decimal as D

from portal import clock
from portal.extensions import db
from portal.inkoop import evaluation, procedures

CLOSED = clock.today() - timedelta(days=3)


def make_procedure(by, *, criteria=(("price", D(40)), ("quality", D(60))), price_method="relatief",
                   discount=None, score_mode="consensus", closing_date=CLOSED, kind="aanbesteding", **extra):
    procedure = procedures.create_procedure(by=by, kind=kind, title=extra.pop("title", "Inzameling bedrijfsafval"),
                                            closing_date=closing_date, price_method=price_method,
                                            discount_per_point=discount, score_mode=score_mode, **extra)
    for kind_, weight in criteria:
        params = {}
        if kind_ == "commitment":
            params = {"commitment_kind": "impact_jobs", "formula": "doel", "target": D(4)}
        procedures.add_criterion(procedure, by=by, kind=kind_, name=f"{kind_} criterium", weight=weight, **params)
    db.session.commit()
    return procedure


def open_with_bids(procedure, by, bids, panel=()):
    """bids: list of (org, price, {kind: n}); panel: list of users, the first is chair."""
    procedures.open_procedure(procedure, by=by)
    for i, user in enumerate(panel):
        procedures.add_panel_member(procedure, user, by=by, is_chair=(i == 0))
    made = []
    for org, price, promised in bids:
        made.append(procedures.enter_bid(procedure, by=by, kvk=org.kvk, price=price, commitments=promised or {}))
    db.session.commit()
    return made


def score_all(procedure, user, scores: dict, motivation="Goed onderbouwd plan"):
    """scores: {bid: score} on every quality criterion; submits."""
    entries = {(bid.id, c.id): (str(s), motivation) for bid, s in scores.items()
               for c in evaluation.quality_criteria(procedure)}
    evaluation.save_scores(procedure, user, entries, submit=True)
    db.session.commit()
