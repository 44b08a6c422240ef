"""Commitments shown on the organisation's home page and on the staff partner detail page."""
from portal.inkoop import commitments
from portal.inkoop.forms import COMMITMENT_KIND_LABELS
from portal.panels import panel


def _context(org):
    own = commitments.organisation_commitments(org.id)
    if not own:
        return None
    return {"commitment_progress": commitments.progress(own), "commitment_kind_labels": COMMITMENT_KIND_LABELS}


@panel("org_home", order=40, template="inkoop/_commitments_panel.html")
def org_home_commitments(org):
    return _context(org)


@panel("partner_detail", order=40, template="inkoop/_commitments_panel.html")
def partner_detail_commitments(org):
    return _context(org)
