"""The scoring arithmetic on hand-computed examples: both price methods, ties, lots and refusals."""
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.inkoop import scoring
from portal.inkoop.scoring import BidInput, CriterionSpec, ScoringError, score_bids

SCALE = [0, 2, 4, 6, 8, 10]


def test_weights_must_add_up_to_exactly_100(app):
    scoring.check_weights([D(40), D(60)])
    with pytest.raises(ScoringError, match="tellen op tot 90%"):
        scoring.check_weights([D(40), D(50)])
    with pytest.raises(ScoringError, match="110"):
        scoring.check_weights([D(60), D(50)])
    with pytest.raises(ScoringError):
        scoring.check_weights([])


def test_price_relative_to_lowest_bid_with_equal_prices(app):
    # Price 40%, quality 60% on 0..10. Hand computed:
    # A: 40 * 80000/100000 = 32.00 + 60 * 8/10 = 48.00 -> 80.00
    # B: 40 * 1 = 40.00          + 60 * 6/10 = 36.00 -> 76.00
    # C: same price as B, same quality           -> 76.00 (tied with B)
    criteria = [CriterionSpec(1, "price", D(40)), CriterionSpec(2, "quality", D(60))]
    bids = [BidInput(10, price=D(100000), quality={2: D(8)}),
            BidInput(11, price=D(80000), quality={2: D(6)}),
            BidInput(12, price=D(80000), quality={2: D(6)})]
    ranked = score_bids(criteria, bids, price_method="relatief", scale=SCALE)
    by_id = {r.bid_id: r for r in ranked}
    assert by_id[10].points == {1: D(32), 2: D(48)} and by_id[10].total == D(80)
    assert by_id[11].points[1] == by_id[12].points[1] == D(40)
    assert by_id[11].total == by_id[12].total == D(76)
    assert [(r.bid_id, r.rank, r.tied) for r in ranked] == [(10, 1, False), (11, 2, True), (12, 2, True)]


def test_relative_price_with_a_repeating_fraction(app):
    # 50 * 90000/120000 = 37.50 ; 50 * 90000/90000 = 50
    fractions = scoring.relative_price_fractions({"a": D(120000), "b": D(90000), "c": D(135000)})
    assert fractions["a"] * 50 == D("37.5")
    assert scoring.rounded(fractions["c"] * 50) == D("33.33")


def test_zero_or_negative_price_is_refused(app):
    with pytest.raises(ScoringError, match="nul of lager"):
        scoring.check_price(D(0))
    with pytest.raises(ScoringError):
        scoring.relative_price_fractions({"a": D(100), "b": D(-5)})
    with pytest.raises(ScoringError, match="inschrijfprijs"):
        scoring.check_price(None)


def test_price_quality_ratio_with_fictitious_discount(app):
    # Quality 70% (0..10), label 30%. EUR 500 discount per quality point. Hand computed:
    # A: price 100000, quality 10 -> 70 + label 30 = 100 pts -> 100000 - 50000 = 50000
    # B: price  80000, quality  6 -> 42 + label  0 =  42 pts ->  80000 - 21000 = 59000
    # C: price  71000, quality  4 -> 28 + half label 15 = 43 pts -> 71000 - 21500 = 49500 (best)
    criteria = [CriterionSpec(1, "quality", D(70)), CriterionSpec(2, "label", D(30), working_share=D("0.5"))]
    bids = [BidInput(1, price=D(100000), label_level="label", quality={1: D(10)}),
            BidInput(2, price=D(80000), label_level="geen", quality={1: D(6)}),
            BidInput(3, price=D(71000), label_level="werkt_aan_label", quality={1: D(4)})]
    ranked = score_bids(criteria, bids, price_method="fictieve_korting", scale=SCALE, discount_per_point=D(500))
    assert [(r.bid_id, r.fictive_price, r.rank) for r in ranked] == [
        (3, D(49500), 1), (1, D(50000), 2), (2, D(59000), 3)]
    assert ranked[0].quality_points == D(43)


def test_fictitious_discount_ties_and_lots(app):
    # A: 100000 - 80 pts * 500 = 60000; B: 90000 - 60 * 500 = 60000 -> tie for first place.
    criteria = [CriterionSpec(1, "quality", D(100))]
    bids = [BidInput(1, price=D(100000), quality={1: D(8)}), BidInput(2, price=D(90000), quality={1: D(6)})]
    ranked = score_bids(criteria, bids, price_method="fictieve_korting", scale=SCALE, discount_per_point=D(500))
    assert [(r.rank, r.tied) for r in ranked] == [(1, True), (1, True)]
    with pytest.raises(ScoringError, match="gelijke stand"):
        scoring.winner(ranked)
    bids[0].lot_number, bids[1].lot_number = 2, 1
    ranked = score_bids(criteria, bids, price_method="fictieve_korting", scale=SCALE, discount_per_point=D(500))
    assert [(r.bid_id, r.rank, r.by_lot) for r in ranked] == [(2, 1, True), (1, 2, True)]
    assert scoring.winner(ranked).bid_id == 2


def test_price_quality_method_refuses_a_weighted_price_and_a_missing_discount(app):
    with pytest.raises(ScoringError, match="prijscriterium"):
        score_bids([CriterionSpec(1, "price", D(100))], [BidInput(1, price=D(5))],
                   price_method="fictieve_korting", scale=SCALE, discount_per_point=D(1))
    with pytest.raises(ScoringError, match="fictieve korting"):
        score_bids([CriterionSpec(1, "quality", D(100))], [BidInput(1, price=D(5), quality={1: D(2)})],
                   price_method="fictieve_korting", scale=SCALE)


def test_quality_on_the_fixed_scale(app):
    assert scoring.quality_fraction(D(6), SCALE) == D("0.6")
    scoring.check_on_scale(D(4), SCALE)
    with pytest.raises(ScoringError, match="schaal"):
        scoring.check_on_scale(D(5), SCALE)
    with pytest.raises(ScoringError):
        scoring.quality_fraction(D(11), SCALE)


def test_commitment_formulas(app):
    # doel: linear up to the target of 4, capped; relatief: share of the highest promise.
    assert scoring.commitment_fractions({"a": 2, "b": 4, "c": 9, "d": 0}, "doel", D(4)) == {
        "a": D("0.5"), "b": D(1), "c": D(1), "d": D(0)}
    assert scoring.commitment_fractions({"a": 3, "b": 6}, "relatief") == {"a": D("0.5"), "b": D(1)}
    assert scoring.commitment_fractions({"a": 0, "b": 0}, "relatief") == {"a": D(0), "b": D(0)}
    with pytest.raises(ScoringError):
        scoring.commitment_fractions({"a": 1}, "doel", D(0))


def test_label_levels(app):
    assert scoring.label_fraction("label", D("0.5")) == 1
    assert scoring.label_fraction("werkt_aan_label", D("0.5")) == D("0.5")
    assert scoring.label_fraction("geen", D("0.5")) == 0


def test_missing_quality_score_blocks_the_ranking(app):
    with pytest.raises(ScoringError, match="kwaliteitsscores"):
        score_bids([CriterionSpec(1, "quality", D(100))], [BidInput(1, quality={1: None})],
                   price_method="relatief", scale=SCALE)


def test_ranking_of_three_way_tie_and_after(app):
    results = [scoring.BidResult(bid_id=i, total=D(t)) for i, t in enumerate([70, 80, 80, 80, "79.999"])]
    ranked = scoring.rank(results)
    # 79.999 rounds to 80.00: four tied, shown explicitly, then the 70.
    assert [r.rank for r in ranked] == [1, 1, 1, 1, 5]
    assert all(r.tied for r in ranked[:4]) and not ranked[4].tied


# ----------------------------------------------------------------------------- properties

prices = st.decimals(min_value="0.01", max_value="10000000", places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(prices, min_size=1, max_size=12))
def test_relative_price_gives_the_lowest_full_points_and_never_more(values):
    fractions = scoring.relative_price_fractions(dict(enumerate(values)))
    lowest = min(values)
    for key, price in enumerate(values):
        assert 0 < fractions[key] <= 1
        assert (fractions[key] == 1) == (price == lowest)


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=15))
def test_ranking_is_competition_ranking_with_explicit_ties(totals):
    ranked = scoring.rank([scoring.BidResult(bid_id=i, total=t) for i, t in enumerate(totals)])
    assert sorted(r.bid_id for r in ranked) == list(range(len(totals)))
    for r in ranked:
        better = sum(1 for other in ranked if other.key > r.key)
        equal = sum(1 for other in ranked if other.key == r.key)
        assert r.rank == better + 1
        assert r.tied == (equal > 1)
    assert [r.key for r in ranked] == sorted((r.key for r in ranked), reverse=True)
