"""Social value, Wijk naar Werk places and agreements on the organisation home and the staff partner detail."""
from datetime import date

from portal import clock
from portal.impact import tables, value
from portal.panels import panel


def value_context(org):
    """The organisation's social value this year and the years before (since 2 years ago), or None."""
    today = clock.today()
    start = date(today.year - 2, 1, 1)
    per_year = value.social_value(start, today, group_by="year", organisation_ids=[org.id])
    if not per_year:
        return None
    applied = tables.tables_for_years(per_year.keys())
    return {"per_year": [per_year[y] for y in sorted(per_year, reverse=True)],
            "examples": any(t.is_example for t in applied.values()), "org": org}


@panel("org_home", order=50, template="impact/_value_panel.html")
def org_home_value(org):
    return value_context(org)


@panel("partner_detail", order=50, template="impact/_value_panel.html")
def partner_detail_value(org):
    return value_context(org)


def sroi_context(org):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.impact import sroi
    from portal.impact.models import SroiObligation

    own = list(db.session.scalars(select(SroiObligation).where(SroiObligation.organisation_id == org.id)
                                  .order_by(SroiObligation.end_date, SroiObligation.id)))
    if not own:
        return None
    return {"rows": sroi.progress(own), "state_labels": sroi.STATE_LABELS}


@panel("org_home", order=45, template="impact/_sroi_panel.html")
def org_home_sroi(org):
    return sroi_context(org)


@panel("partner_detail", order=45, template="impact/_sroi_panel.html")
def partner_detail_sroi(org):
    return sroi_context(org)


def agreements_context(org, *, own: bool):
    from portal.extensions import db
    from portal.impact import agreements

    found = list(db.session.scalars(agreements.agreements_of(org.id).limit(10)))
    if not found:
        return None
    return {"agreements": found, "progress": agreements.progress(found), "own": own}


@panel("org_home", order=55, template="impact/_agreements_panel.html")
def org_home_agreements(org):
    return agreements_context(org, own=True)


@panel("partner_detail", order=55, template="impact/_agreements_panel.html")
def partner_detail_agreements(org):
    return agreements_context(org, own=False)
