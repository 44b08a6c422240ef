"""Wijk naar Werk: employers offer places in the neighbourhood approach; staff record a place as filled.

A filling is a route and a date, never a person: the count of lasting fillings per year and municipality
feeds the target of 100 residents guided to a lasting place (``residents_to_lasting_place``).
"""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, case, extract, func, select

from portal import clock
from portal.audit.services import record
from portal.database import for_update
from portal.extensions import db
from portal.impact.errors import ImpactError
from portal.impact.models import WIJK_AREAS, WIJK_KINDS, WijkPlace, WijkPlacement
from portal.partners import reference as ref
from portal.partners.models import Organisation


def offer_place(org, *, by, kind: str, area: str, field: str, places: int, period_start: date,
                period_end: date | None = None, join_pilot: bool = False, attends_kickoff: bool = False,
                note: str = "") -> WijkPlace:
    from portal.partners.services import personal_data_problem

    if kind not in WIJK_KINDS:
        raise ImpactError(_("Kies het soort plek."), field="kind")
    if area not in WIJK_AREAS:
        raise ImpactError(_("Kies de wijk."), field="area")
    if field not in ref.codes(ref.SECTORS):
        raise ImpactError(_("Kies het vakgebied."), field="field")
    if not isinstance(places, int) or not 1 <= places <= 50:
        raise ImpactError(_("Het aantal plekken ligt tussen 1 en 50."), field="places")
    today = clock.today()
    if period_start is None or period_start.year < 2020 or period_start > today.replace(year=today.year + 1):
        raise ImpactError(_("Vul een begindatum in die niet meer dan een jaar in de toekomst ligt."),
                          field="period_start")
    if period_end is not None and period_end < period_start:
        raise ImpactError(_("Het einde ligt vóór het begin."), field="period_end")
    note = (note or "").strip()
    problem = personal_data_problem(note)
    if problem:
        raise ImpactError(problem, field="note")
    place = WijkPlace(organisation_id=org.id, kind=kind, area=area, field=field, places=places,
                      period_start=period_start, period_end=period_end, join_pilot=bool(join_pilot),
                      attends_kickoff=bool(attends_kickoff), note=note[:2000], created_by_id=by.id if by else None)
    db.session.add(place)
    db.session.flush()
    record("impact.wijk_place_offered", place, actor=by,
           summary=_l("%(n)s plek(ken) voor Wijk naar Werk aangeboden", n=places))
    return place


def withdraw_place(place: WijkPlace, *, by) -> None:
    if place.status == "ingetrokken":
        raise ImpactError(_("Deze plek is al ingetrokken."))
    place.status = "ingetrokken"
    db.session.flush()
    record("impact.wijk_place_withdrawn", place, actor=by, summary=_l("Plek voor Wijk naar Werk ingetrokken"))


def fill_place(place: WijkPlace, *, by, route: str, filled_on: date, lasting: bool) -> WijkPlacement:
    """Record that one of the place's places was filled through ``route`` (who was placed is not recorded)."""
    if route not in ref.codes(ref.ROUTES):
        raise ImpactError(_("Kies de route."), field="route")
    if filled_on is None or filled_on > clock.today():
        raise ImpactError(_("Een plek kan niet in de toekomst vervuld zijn."), field="filled_on")
    if filled_on < place.period_start:
        raise ImpactError(_("De plek was toen nog niet beschikbaar."), field="filled_on")
    # Lock the place so that two staff members cannot fill its last place twice.
    locked = db.session.execute(for_update(select(WijkPlace.status, WijkPlace.places)
                                           .where(WijkPlace.id == place.id))).one()
    if locked.status != "aangeboden":
        raise ImpactError(_("Deze plek is ingetrokken."))
    filled = db.session.scalar(select(func.count(WijkPlacement.id)).where(WijkPlacement.place_id == place.id))
    if filled >= locked.places:
        raise ImpactError(_("Alle plekken van dit aanbod zijn al vervuld."))
    placement = WijkPlacement(place_id=place.id, route=route, filled_on=filled_on, lasting=bool(lasting),
                              recorded_by_id=by.id if by else None)
    db.session.add(placement)
    db.session.flush()
    record("impact.wijk_place_filled", placement, actor=by, organisation_id=place.organisation_id,
           summary=_l("Plek vervuld via %(route)s", route=ref.label_of(ref.ROUTES, route)))
    return placement


def filled_counts(place_ids) -> dict[int, int]:
    ids = list(place_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(WijkPlacement.place_id, func.count(WijkPlacement.id))
                                   .where(WijkPlacement.place_id.in_(ids)).group_by(WijkPlacement.place_id)).all())


def per_area(*, on: date | None = None) -> dict[str, dict]:
    """{area: {offers, places, filled, pilot}} of the places on offer on ``on`` (two GROUP BY queries)."""
    on = on or clock.today()
    active = and_(WijkPlace.status == "aangeboden",
                  WijkPlace.period_end.is_(None) | (WijkPlace.period_end >= on))
    rows = db.session.execute(select(WijkPlace.area, func.count(WijkPlace.id), func.sum(WijkPlace.places),
                                     func.sum(case((WijkPlace.join_pilot, 1), else_=0)))
                              .where(active).group_by(WijkPlace.area)).all()
    result = {area: {"offers": 0, "places": 0, "filled": 0, "pilot": 0} for area in WIJK_AREAS}
    for area, offers, places, pilot in rows:
        result[area].update(offers=offers, places=int(places or 0), pilot=int(pilot or 0))
    filled = db.session.execute(select(WijkPlace.area, func.count(WijkPlacement.id))
                                .join(WijkPlace, WijkPlace.id == WijkPlacement.place_id)
                                .where(active).group_by(WijkPlace.area)).all()
    for area, count in filled:
        result[area]["filled"] = count
    return result


def residents_to_lasting_place(*, year: int | None = None, municipality_id: int | None = None) -> dict:
    """{(year, municipality_id): number of lasting places filled} for the target "100 residents a year".

    One GROUP BY query; the municipality is the employer's. Counts only: nobody is identified.
    """
    year_of = extract("year", WijkPlacement.filled_on).cast(Integer)
    stmt = (select(year_of, Organisation.municipality_id, func.count(WijkPlacement.id))
            .join(WijkPlace, WijkPlace.id == WijkPlacement.place_id)
            .join(Organisation, Organisation.id == WijkPlace.organisation_id)
            .where(WijkPlacement.lasting.is_(True))
            .group_by(year_of, Organisation.municipality_id))
    if year is not None:
        stmt = stmt.where(WijkPlacement.filled_on >= date(year, 1, 1), WijkPlacement.filled_on <= date(year, 12, 31))
    if municipality_id is not None:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    return {(int(y), m): count for y, m, count in db.session.execute(stmt).all()}
