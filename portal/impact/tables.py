"""Value tables per year (Bouwblokkenmethode): staff draft one, set its amounts, then publish it; published is frozen.

A year's figures use the published table of that year, or of the latest earlier year when that year has none;
so publishing a later year's table never changes an earlier year's figures.
"""
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db
from portal.impact.errors import ImpactError
from portal.impact.models import ValueRate, ValueTable
from portal.impact.reference import CONTRIBUTION_KINDS

MIN_YEAR, MAX_YEAR = 2020, 2100


def create_table(year: int, *, by, fulltime_hours=Decimal("36")) -> ValueTable:
    """A concept table for ``year``, starting from the amounts of the nearest published table (if any)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ImpactError(_("Kies een jaar van %(a)s tot en met %(b)s.", a=MIN_YEAR, b=MAX_YEAR), field="year")
    if db.session.scalar(select(ValueTable.id).where(ValueTable.year == year)) is not None:
        raise ImpactError(_("Voor %(year)s bestaat al een waardetabel.", year=year), field="year")
    hours = _decimal(fulltime_hours, "fulltime_hours")
    if not Decimal("1") <= hours <= Decimal("60"):
        raise ImpactError(_("Een voltijdbaan is 1 tot 60 uur per week."), field="fulltime_hours")
    base = db.session.scalar(select(ValueTable).where(ValueTable.status == "gepubliceerd")
                             .order_by((ValueTable.year > year), ValueTable.year.desc()).limit(1))
    table = ValueTable(year=year, status="concept", fulltime_hours=hours, created_by_id=by.id if by else None,
                       is_example=bool(base and base.is_example))
    if base is not None:
        table.rates = [ValueRate(kind=r.kind, amount=r.amount) for r in base.rates]
    db.session.add(table)
    db.session.flush()
    record("impact.value_table_created", table, actor=by, summary=_l("Waardetabel %(year)s aangemaakt", year=year))
    return table


def _decimal(value, field) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ImpactError(_("Vul een bedrag in."), field=field) from None
    if not amount.is_finite():
        raise ImpactError(_("Vul een bedrag in."), field=field)
    return amount


def set_rates(table: ValueTable, amounts: dict, *, by, fulltime_hours=None) -> dict:
    """Set the amounts of a concept table; {kind: [old, new]} of what changed. A published table is refused."""
    if table.published:
        raise ImpactError(_("Een vastgestelde waardetabel verandert niet meer; maak een tabel voor een volgend jaar."))
    changes = {}
    have = {r.kind: r for r in table.rates}
    for kind, raw in amounts.items():
        if kind not in CONTRIBUTION_KINDS:
            raise ImpactError(_("Onbekende soort bijdrage."))
        if raw is None or raw == "":
            if kind in have:
                changes[kind] = [str(have[kind].amount), None]
                table.rates.remove(have[kind])
            continue
        amount = _decimal(raw, f"rate_{kind}")
        if amount < 0 or amount > Decimal("1000000"):
            raise ImpactError(_("Een bedrag ligt tussen 0 en 1.000.000 euro."), field=f"rate_{kind}")
        amount = amount.quantize(Decimal("0.01"))
        if kind in have:
            if Decimal(have[kind].amount) != amount:
                changes[kind] = [str(have[kind].amount), str(amount)]
                have[kind].amount = amount
        else:
            table.rates.append(ValueRate(kind=kind, amount=amount))
            changes[kind] = [None, str(amount)]
    if fulltime_hours is not None:
        hours = _decimal(fulltime_hours, "fulltime_hours")
        if not Decimal("1") <= hours <= Decimal("60"):
            raise ImpactError(_("Een voltijdbaan is 1 tot 60 uur per week."), field="fulltime_hours")
        if Decimal(table.fulltime_hours) != hours:
            changes["fulltime_hours"] = [str(table.fulltime_hours), str(hours)]
            table.fulltime_hours = hours
    if changes:
        table.is_example = False  # amounts someone set are policy's, no longer the seeded examples
    db.session.flush()
    record("impact.value_table_changed", table, actor=by, summary=_l("Waardetabel %(year)s gewijzigd",
                                                                      year=table.year), changes=changes or None)
    return changes


def publish_table(table: ValueTable, *, by) -> None:
    """Fix the table: from now on its amounts never change (a conditional UPDATE: one publication wins)."""
    if not table.rates:
        raise ImpactError(_("Vul eerst de bedragen in."))
    result = db.session.execute(update(ValueTable).where(ValueTable.id == table.id,
                                                         ValueTable.status == "concept")
                                .values(status="gepubliceerd", published_at=utcnow(),
                                        published_by_id=by.id if by else None)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ImpactError(_("Deze waardetabel is al vastgesteld."))
    db.session.refresh(table)
    from portal.impact import cache

    cache.forget()  # figures kept in this worker were computed without this table
    record("impact.value_table_published", table, actor=by,
           summary=_l("Waardetabel %(year)s vastgesteld", year=table.year))


def delete_concept(table: ValueTable, *, by) -> None:
    if table.published:
        raise ImpactError(_("Een vastgestelde waardetabel blijft bewaard."))
    record("impact.value_table_deleted", table, actor=by, summary=_l("Concept-waardetabel %(year)s verwijderd",
                                                                      year=table.year))
    db.session.delete(table)
    db.session.flush()


def tables_for_years(years) -> dict[int, ValueTable]:
    """{year: the published table that applies} (the year's own, else the latest earlier one); one query."""
    years = sorted(set(years))
    if not years:
        return {}
    published = list(db.session.scalars(select(ValueTable).where(ValueTable.status == "gepubliceerd",
                                                                 ValueTable.year <= years[-1])
                                         .order_by(ValueTable.year)).all())
    result = {}
    for year in years:
        applicable = [t for t in published if t.year <= year]
        if applicable:
            result[year] = applicable[-1]
    return result
