"""Scores of an assessment: points per theme, weighted total and the label rule of the criteria set.

A theme's percentage is its points over the maximum points of its criteria (the best option of each).
The total is the weighted mean of the theme percentages. The label rule is met when the total reaches
the set's minimum and every theme reaches its own minimum (the theme's, else the set's).
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass
class ThemeScore:
    theme_id: int
    title: str
    weight: int
    points: int
    max_points: int
    minimum: int
    answered: int
    total_criteria: int

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.points, self.max_points) if self.max_points else Fraction(0)

    @property
    def pct(self) -> Decimal:
        return _pct(self.fraction)

    @property
    def meets_minimum(self) -> bool:
        return self.fraction * 100 >= self.minimum

    @property
    def gap(self) -> Decimal:
        """Percentage points still to go to this theme's minimum (0 when reached)."""
        return max(Decimal(self.minimum) - self.pct, Decimal(0))


@dataclass
class Score:
    themes: list[ThemeScore] = field(default_factory=list)
    min_total: int = 0

    @property
    def fraction(self) -> Fraction:
        weights = sum(t.weight for t in self.themes)
        if not weights:
            return Fraction(0)
        return sum((t.fraction * t.weight for t in self.themes), Fraction(0)) / weights

    @property
    def pct(self) -> Decimal:
        return _pct(self.fraction)

    @property
    def meets_total(self) -> bool:
        return self.fraction * 100 >= self.min_total

    @property
    def meets_rule(self) -> bool:
        return bool(self.themes) and self.meets_total and all(t.meets_minimum for t in self.themes)

    @property
    def themes_below_minimum(self) -> list[ThemeScore]:
        return [t for t in self.themes if not t.meets_minimum]

    @property
    def answered(self) -> int:
        return sum(t.answered for t in self.themes)

    @property
    def total_criteria(self) -> int:
        return sum(t.total_criteria for t in self.themes)

    @property
    def progress_pct(self) -> int:
        return round(100 * self.answered / self.total_criteria) if self.total_criteria else 0


def _pct(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compute_score(criteria_set, chosen_option_ids: dict[int, int | None]) -> Score:
    """Score ``criteria_set`` (themes, criteria and options loaded) for {criterion_id: option_id or None}."""
    score = Score(min_total=criteria_set.min_total_pct)
    for theme in criteria_set.themes:
        points = max_points = answered = 0
        for criterion in theme.criteria:
            max_points += criterion.max_points
            option_id = chosen_option_ids.get(criterion.id)
            option = next((o for o in criterion.options if o.id == option_id), None)
            if option is not None:
                points += option.points
                answered += 1
        minimum = theme.min_pct if theme.min_pct is not None else criteria_set.min_theme_pct
        score.themes.append(ThemeScore(theme.id, theme.title, theme.weight, points, max_points, minimum,
                                       answered, len(theme.criteria)))
    return score


def score_assessment(assessment) -> Score:
    return compute_score(assessment.criteria_set, {a.criterion_id: a.option_id for a in assessment.answers})
