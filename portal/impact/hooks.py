"""Template functions that other packages' pages call to show an impact section (dashboard, quarterly report).

``register(bp)`` makes them template globals, so the dashboard's own views need no change: its templates include
``impact/_dashboard_section.html`` and ``impact/_report_section.html``, which call these.
"""
from datetime import date
from decimal import Decimal

from portal.dashboard.metrics import quarter_bounds, quarter_of
from portal.dashboard.reports import COMPLEMENT, SMALL_COUNT, SUPPRESSED
from portal.impact import cache, tables, value


def value_section(start: date, end: date, *, municipality_id=None, sector=None, external=False) -> dict:
    """Social value per sector in [start, end] (and the total); ``external`` suppresses small counts.

    A sector with 1 to 4 contributions shows "<5" and no amount; when exactly one row is suppressed the next
    smallest is left out too ("x"), so that it cannot be worked out from the total (as the quarterly report does).
    """
    per_sector = cache.social_value(start, end, group_by="sector", municipality_id=municipality_id, sector=sector)
    # Every organisation has one sector, so the rows add up to the total: one aggregate instead of two.
    total = value.ValueRow(key=None, jobs_value=sum((r.jobs_value for r in per_sector.values()), Decimal("0.00")),
                           places_value=sum((r.places_value for r in per_sector.values()), Decimal("0.00")),
                           jobs=sum(r.jobs for r in per_sector.values()),
                           students=sum(r.students for r in per_sector.values()))
    rows = [{"sector": key or "", "count": row.contributions, "jobs": row.jobs, "students": row.students,
             "value": row.total, "hidden": False}
            for key, row in sorted(per_sector.items(), key=lambda item: -item[1].total)]
    if external:
        small = [r for r in rows if 0 < r["count"] < SMALL_COUNT]
        for r in small:
            r.update(count=SUPPRESSED, jobs=None, students=None, value=None, hidden=True)
        if len(small) == 1:
            others = sorted((r for r in rows if not r["hidden"]), key=lambda r: r["count"])
            if others:
                others[0].update(count=COMPLEMENT, jobs=None, students=None, value=None, hidden=True)
    applied = tables.tables_for_years(range(start.year, end.year + 1))
    return {"rows": rows, "total": total, "external": external,
            "total_hidden": external and 0 < total.contributions < SMALL_COUNT,
            "examples": any(t.is_example for t in applied.values()), "has_table": bool(applied),
            "start": start, "end": end}


def impact_dashboard_value(filters) -> dict:
    """For the dashboard: the filters' period, municipality and sector (staff figures, not suppressed)."""
    return value_section(filters.start, filters.end, municipality_id=filters.municipality_id,
                         sector=filters.sector)


def impact_report_value(report, municipality_id) -> dict:
    """For the quarterly report of ``municipality_id``: its quarter, suppressed in the external version."""
    end = report.generated_for
    start, _end = quarter_bounds(end.year, quarter_of(end))
    return value_section(start, end, municipality_id=municipality_id, external=report.external)


def impact_sector_label(code: str) -> str:
    from flask_babel import gettext as _

    from portal.partners import reference as ref

    return str(ref.label_of(ref.SECTORS, code, default=_("Geen sector"))) if code else _("Geen sector")


def impact_sroi_for_procedure(procedure):
    """The SROI progress of a procedure (or None), for the procedure report."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.impact import sroi
    from portal.impact.models import SroiObligation

    obligation = db.session.scalar(select(SroiObligation).where(SroiObligation.procedure_id == procedure.id))
    return {"progress": sroi.progress([obligation])[0] if obligation else None, "procedure": procedure,
            "state_labels": sroi.STATE_LABELS}


def impact_sroi_for_page(per: str, items) -> dict:
    """SROI progress of the organisations or procedures on a page of the commitments list (fixed queries)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.impact import sroi
    from portal.impact.models import SroiObligation

    ids = [item.id for item in items]
    column = SroiObligation.organisation_id if per == "organisatie" else SroiObligation.procedure_id
    found = list(db.session.scalars(select(SroiObligation).where(column.in_(ids))
                                    .order_by(SroiObligation.end_date, SroiObligation.id))) if ids else []
    return {"rows": sroi.progress(found), "state_labels": sroi.STATE_LABELS}


def impact_agreements_of(org_id: int) -> dict:
    """The agreements of one organisation with the number of goals kept, for inkoop's label check page."""
    from portal.extensions import db
    from portal.impact import agreements

    found = list(db.session.scalars(agreements.agreements_of(org_id).limit(20)))
    progress = agreements.progress(found)
    rows = [{"agreement": a, "goals": len(a.goals), "kept": sum(1 for g in a.goals if progress[g.id].kept),
             "overdue": sum(1 for g in a.goals if progress[g.id].overdue)} for a in found]
    return {"rows": rows}


def register(bp) -> None:
    from portal.impact import reference

    # The impact words, for the panels and sections that render on other packages' pages too.
    bp.add_app_template_global(reference, "impact_ref")
    bp.add_app_template_global(impact_agreements_of, "impact_agreements_of")
    bp.add_app_template_global(impact_sroi_for_procedure, "impact_sroi_for_procedure")
    bp.add_app_template_global(impact_sroi_for_page, "impact_sroi_for_page")
    bp.add_app_template_global(impact_sector_label, "impact_sector_label")
    bp.add_app_template_global(impact_dashboard_value, "impact_dashboard_value")
    bp.add_app_template_global(impact_report_value, "impact_report_value")
