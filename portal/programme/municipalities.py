"""The municipalities St. MBO manages: adding one and changing its name, start date and participation."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.actions import Refusal
from portal.audit.services import diff, record
from portal.extensions import db
from portal.partners.models import Municipality

FIRST_YEAR, LAST_YEAR = 2020, 2100


class MunicipalityError(Refusal):
    """A refusal of a municipality change (message fit for the page, optional field)."""


def _check(name: str, joins_on: date | None, existing: Municipality | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise MunicipalityError(_("Vul de naam van de gemeente in."), field="name")
    if len(name) > 80:
        raise MunicipalityError(_("De naam is hoogstens 80 tekens."), field="name")
    same = db.session.scalar(select(Municipality).where(func.lower(Municipality.name) == name.lower()))
    if same is not None and same is not existing:
        raise MunicipalityError(_("Er is al een gemeente %(name)s.", name=same.name), field="name")
    if joins_on is not None and not FIRST_YEAR <= joins_on.year <= LAST_YEAR:
        raise MunicipalityError(_("Kies een datum tussen %(first)s en %(last)s.", first=FIRST_YEAR, last=LAST_YEAR),
                                field="joins_on")
    return name


def _targets_before(municipality: Municipality, joins_on: date | None) -> list[int]:
    """Years with a target before the municipality would join: a municipality has no targets before then."""
    from portal.dashboard.models import Target

    if joins_on is None or municipality.id is None:
        return []
    return list(db.session.scalars(select(Target.year).where(Target.municipality_id == municipality.id,
                                                             Target.year < joins_on.year).order_by(Target.year)))


def add_municipality(name: str, *, joins_on: date | None, active: bool, by=None) -> Municipality:
    """A new municipality; it takes part from ``joins_on`` (None: from the start) when ``active``."""
    name = _check(name, joins_on)
    municipality = Municipality(name=name, joins_on=joins_on, active=bool(active))
    db.session.add(municipality)
    db.session.flush()
    record("programme.municipality_added", municipality, actor=by,
           summary=_l("Gemeente %(name)s toegevoegd", name=name),
           changes={"name": [None, name], "joins_on": [None, joins_on.isoformat() if joins_on else None],
                    "active": [None, bool(active)]})
    return municipality


def change_municipality(municipality: Municipality, *, name: str, joins_on: date | None, active: bool,
                        by=None) -> dict:
    """Change a municipality's name, start date or participation; returns the changes (audited)."""
    name = _check(name, joins_on, existing=municipality)
    years = _targets_before(municipality, joins_on)
    if years:
        raise MunicipalityError(
            _("%(name)s heeft al doelen voor %(years)s. Een gemeente heeft geen doelen voor de jaren voordat ze "
              "deelneemt; verwijder of wijzig eerst die doelen, of kies een eerdere datum.",
              name=municipality.name, years=", ".join(str(y) for y in years)), field="joins_on")
    changes = diff(municipality, {"name": name, "joins_on": joins_on, "active": bool(active)})
    db.session.flush()
    if changes:
        shown = {k: [v.isoformat() if isinstance(v, date) else v for v in pair] for k, pair in changes.items()}
        record("programme.municipality_changed", municipality, actor=by,
               summary=_l("Gemeente %(name)s gewijzigd", name=name), changes=shown)
    return changes


def municipality_list_statement():
    return select(Municipality).order_by(Municipality.name, Municipality.id)
