"""Pure scoring rules: both price methods, quality, label and commitment criteria, totals and ranking.

Nothing here touches the database: the procedure rules turn models into these plain inputs, so the
arithmetic can be proved on hand-computed examples. A criterion's weight is the number of points it can
earn (the weights add up to 100); each rule yields a fraction 0..1 of that weight.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from portal.actions import Refusal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ScoringError(Refusal):
    """A refusal with a message fit for the page."""


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def check_weights(weights) -> None:
    """Refuse a set of weights that does not add up to exactly 100%."""
    weights = [Decimal(w) for w in weights]
    if not weights:
        raise ScoringError(_("Voeg eerst criteria toe; de gewichten moeten samen 100% zijn."))
    if any(w <= 0 for w in weights):
        raise ScoringError(_("Elk criterium heeft een gewicht groter dan 0%."))
    total = sum(weights, Decimal(0))
    if total != HUNDRED:
        raise ScoringError(_("De gewichten tellen op tot %(total)s%%; dat moet precies 100%% zijn.",
                             total=format(total.normalize(), "f")))


def check_price(price) -> Decimal:
    if price is None:
        raise ScoringError(_("Vul de inschrijfprijs in."))
    price = Decimal(price)
    if price <= 0:
        raise ScoringError(_("Een inschrijfprijs van nul of lager kan niet worden beoordeeld."))
    return price


def relative_price_fractions(prices: dict) -> dict:
    """Lowest price earns the full weight, every other bid lowest / own price (equal prices score equal)."""
    checked = {key: check_price(price) for key, price in prices.items()}
    if not checked:
        return {}
    lowest = min(checked.values())
    return {key: lowest / price for key, price in checked.items()}


def quality_fraction(score, scale) -> Decimal:
    """A panel score on the fixed scale as a share of the highest step."""
    scale = [Decimal(s) for s in scale]
    top = max(scale)
    score = Decimal(score)
    if score < min(scale) or score > top:
        raise ScoringError(_("Een score ligt tussen %(low)s en %(high)s.", low=min(scale), high=top))
    return score / top


def check_on_scale(score, scale) -> Decimal:
    score = Decimal(score)
    if score not in [Decimal(s) for s in scale]:
        raise ScoringError(_("Kies een score uit de schaal %(scale)s.",
                             scale=", ".join(format(Decimal(s).normalize(), "f") for s in scale)))
    return score


def label_fraction(level: str, working_share) -> Decimal:
    """Label on the closing date: full weight; a partner working on it: a share; otherwise nothing."""
    if level == "label":
        return Decimal(1)
    if level == "werkt_aan_label":
        return Decimal(working_share)
    return Decimal(0)


def commitment_fractions(promised: dict, formula: str, target=None) -> dict:
    """Score promised numbers: ``doel`` is linear up to the target; ``relatief`` compares to the highest promise."""
    if formula == "doel":
        target = Decimal(target or 0)
        if target <= 0:
            raise ScoringError(_("Een toezeggingscriterium met de formule 'doel' heeft een doel groter dan 0."))
        return {key: min(Decimal(n) / target, Decimal(1)) if n > 0 else Decimal(0) for key, n in promised.items()}
    highest = max((Decimal(n) for n in promised.values()), default=Decimal(0))
    if highest <= 0:
        return {key: Decimal(0) for key in promised}
    return {key: max(Decimal(n), Decimal(0)) / highest for key, n in promised.items()}


def fictive_price(price, quality_points, discount_per_point) -> Decimal:
    """Price-quality ratio: every quality point earns a fictitious discount on the bid price."""
    return check_price(price) - Decimal(quality_points) * Decimal(discount_per_point)


@dataclass
class CriterionSpec:
    id: int
    kind: str
    weight: Decimal
    name: str = ""
    commitment_kind: str = ""
    formula: str = "doel"
    target: Decimal | None = None
    working_share: Decimal = Decimal("0.5")


@dataclass
class BidInput:
    id: int
    price: Decimal | None = None
    label_level: str = "geen"
    promised: dict = field(default_factory=dict)      # commitment kind -> number
    quality: dict = field(default_factory=dict)       # criterion id -> final panel score
    lot_number: int | None = None


@dataclass
class BidResult:
    bid_id: int
    points: dict = field(default_factory=dict)        # criterion id -> weighted points
    price: Decimal | None = None
    quality_points: Decimal = Decimal(0)              # all points except price
    total: Decimal = Decimal(0)
    fictive_price: Decimal | None = None
    rank: int = 0
    tied: bool = False
    by_lot: bool = False
    lot_number: int | None = None

    @property
    def key(self):
        return rounded(self.fictive_price) if self.fictive_price is not None else rounded(self.total)


def score_bids(criteria: list[CriterionSpec], bids: list[BidInput], *, price_method: str, scale,
               discount_per_point=None) -> list[BidResult]:
    """Weighted points per criterion for every bid, then the ranking (best first)."""
    check_weights([c.weight for c in criteria])
    has_price = any(c.kind == "price" for c in criteria)
    if price_method == "fictieve_korting":
        if has_price:
            raise ScoringError(_("Bij de prijs-kwaliteitverhouding met fictieve korting telt de prijs niet als "
                                 "gewogen criterium; verwijder het prijscriterium."))
        if discount_per_point is None or Decimal(discount_per_point) <= 0:
            raise ScoringError(_("Vul de fictieve korting per kwaliteitspunt in."))
    results = {b.id: BidResult(bid_id=b.id, price=b.price, lot_number=b.lot_number) for b in bids}
    for criterion in criteria:
        weight = Decimal(criterion.weight)
        if criterion.kind == "price":
            fractions = relative_price_fractions({b.id: b.price for b in bids})
        elif criterion.kind == "quality":
            fractions = {}
            for b in bids:
                if b.quality.get(criterion.id) is None:
                    raise ScoringError(_("Nog niet alle kwaliteitsscores zijn vastgesteld."))
                fractions[b.id] = quality_fraction(b.quality[criterion.id], scale)
        elif criterion.kind == "label":
            fractions = {b.id: label_fraction(b.label_level, criterion.working_share) for b in bids}
        elif criterion.kind == "commitment":
            fractions = commitment_fractions({b.id: b.promised.get(criterion.commitment_kind, 0) for b in bids},
                                             criterion.formula, criterion.target)
        else:
            raise ScoringError(_("Onbekend soort criterium."))
        for bid_id, fraction in fractions.items():
            results[bid_id].points[criterion.id] = weight * fraction
    for b in bids:
        result = results[b.id]
        result.total = sum(result.points.values(), Decimal(0))
        result.quality_points = sum((p for cid, p in result.points.items()
                                     if next(c for c in criteria if c.id == cid).kind != "price"), Decimal(0))
        if price_method == "fictieve_korting":
            result.fictive_price = fictive_price(b.price, result.quality_points, discount_per_point)
    lower_is_better = price_method == "fictieve_korting"
    return rank(list(results.values()), lower_is_better=lower_is_better)


def rank(results: list[BidResult], *, lower_is_better: bool = False) -> list[BidResult]:
    """Standard competition ranking (1, 2, 2, 4) on the rounded key; equal keys are shown as ties.

    A tie is broken only by drawn lots, when every bid in the tie has a lot number.
    """
    def sort_key(r):
        return r.key if lower_is_better else -r.key

    ordered = sorted(results, key=lambda r: (sort_key(r), r.bid_id))
    position = 0
    while position < len(ordered):
        group = [r for r in ordered[position:] if r.key == ordered[position].key]
        if len(group) > 1 and all(r.lot_number is not None for r in group):
            group.sort(key=lambda r: r.lot_number)
            for offset, r in enumerate(group):
                r.rank, r.tied, r.by_lot = position + 1 + offset, False, True
        else:
            for r in group:
                r.rank, r.tied = position + 1, len(group) > 1
        ordered[position:position + len(group)] = group
        position += len(group)
    return ordered


def winner(results: list[BidResult]) -> BidResult:
    """The single best bid; refuses a tie for first place that lots have not decided."""
    if not results:
        raise ScoringError(_("Er zijn geen inschrijvingen om te gunnen."))
    first = [r for r in results if r.rank == 1]
    if len(first) != 1:
        raise ScoringError(_("Er is een gelijke stand op de eerste plaats. Leg eerst de uitkomst van de loting vast."))
    return first[0]
