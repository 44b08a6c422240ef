"""Setting the programme's targets: one rule function, used by the staff page, the demo data and the tests."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from portal.actions import Refusal
from portal.audit.services import diff, record
from portal.dashboard.models import Target
from portal.database import for_update
from portal.extensions import db
from portal.programme.standing import municipality_has_targets_in

FIRST_YEAR, LAST_YEAR = 2020, 2100
FIELDS = ("partners", "labels", "working_on_label", "impact_jobs", "wijk_naar_werk", "stageplekken", "event_attendance")


class DashboardError(Refusal):
    """A refusal of the dashboard package (message fit for the page, optional field)."""


def _check(year: int, values: dict) -> None:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise DashboardError(_("Kies een jaar tussen %(first)s en %(last)s.", first=FIRST_YEAR, last=LAST_YEAR),
                             field="year")
    for name, value in values.items():
        if value is not None and value < 0:
            raise DashboardError(_("Een doel is 0 of meer."), field=name)
    partners, labels = values.get("partners"), values.get("labels")
    if partners is not None and labels is not None and labels > partners:
        raise DashboardError(_("Het doel voor labels kan niet hoger zijn dan het doel voor partners: "
                               "labelhouders zijn partners."), field="labels")
    working = values.get("working_on_label")
    if partners is not None and labels is not None and working is not None and labels + working > partners:
        raise DashboardError(_("Labels en 'werkt aan het label' samen kunnen niet meer zijn dan het aantal partners."),
                             field="working_on_label")
    jobs, placed = values.get("impact_jobs"), values.get("wijk_naar_werk")
    if jobs is not None and placed is not None and placed > jobs:
        raise DashboardError(_("Inwoners via Wijk naar Werk tellen mee bij de banen met impact: dat doel kan niet "
                               "hoger zijn dan het doel voor banen met impact."), field="wijk_naar_werk")


def _check_takes_part(municipality, year: int) -> None:
    """A municipality has targets from the year it joins the programme on, and only while it takes part."""
    if municipality_has_targets_in(municipality.active, municipality.joins_on, year):
        return
    if not municipality.active:
        raise DashboardError(_("%(name)s neemt niet deel aan het programma en heeft daarom geen doelen.",
                               name=municipality.name), field="gemeente")
    raise DashboardError(_("%(name)s neemt deel vanaf %(day)s: voor %(year)s kan geen doel worden vastgesteld. "
                           "Kies %(first)s of later.", name=municipality.name,
                           day=municipality.joins_on.strftime("%d-%m-%Y"), year=year,
                           first=municipality.joins_on.year), field="year")


def set_target(municipality, year: int, *, partners: int | None, labels: int | None,
               working_on_label: int | None, impact_jobs: int | None = None, wijk_naar_werk: int | None = None,
               stageplekken: int | None = None, event_attendance: int | None = None, by=None) -> Target:
    """Create or change the target of ``municipality`` in ``year``; records the change in the audit log.

    Every figure the programme reports has a target (None: no target set for it): partners, heeft het label,
    werkt aan het label (on the peildatum), impact jobs started, of them residents placed through Wijk naar Werk,
    stageplek places offered and event attendance (in the year).
    """
    values = {"partners": partners, "labels": labels, "working_on_label": working_on_label,
              "impact_jobs": impact_jobs, "wijk_naar_werk": wijk_naar_werk, "stageplekken": stageplekken,
              "event_attendance": event_attendance}
    _check(year, values)
    _check_takes_part(municipality, year)
    # Without the joined municipality: PostgreSQL cannot lock the nullable side of an outer join.
    stmt = (select(Target).options(lazyload(Target.municipality))
            .where(Target.municipality_id == municipality.id, Target.year == int(year)))
    target = db.session.scalar(for_update(stmt))
    created = False
    if target is None:
        try:
            # A savepoint: when a colleague created the same target a moment ago, change theirs instead.
            with db.session.begin_nested():
                target = Target(municipality_id=municipality.id, year=int(year))
                db.session.add(target)
                db.session.flush()
            created = True
        except IntegrityError:
            target = db.session.scalar(for_update(stmt))
    changes = diff(target, values)
    target.updated_by_id = by.id if by is not None else None
    db.session.flush()
    if created or changes:
        record("dashboard.target_set", target, actor=by,
               summary=_l("Doel %(municipality)s %(year)s vastgesteld", municipality=municipality.name, year=year),
               changes=changes or None)
    return target


def targets_for(years) -> dict[tuple[int, int], Target]:
    """{(municipality_id, year): Target} for the given years, in one query."""
    years = sorted({int(y) for y in years})
    if not years:
        return {}
    rows = db.session.scalars(select(Target).where(Target.year.in_(years))).all()
    return {(t.municipality_id, t.year): t for t in rows}
