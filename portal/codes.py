"""One label table for the codes the portal stores and sometimes shows: audit actions in logs.

Every code shown to a person goes through ``code_label(code)``: the Dutch label (English in English mode); a code
without an entry falls back to readable words ("stageplek.created" -> "stageplek created"), never the raw code.
"""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "account.activated": _l("Account geactiveerd"),
    "account.created": _l("Account aangemaakt"),
    "account.email_change_requested": _l("Wijziging e-mailadres aangevraagd"),
    "account.email_changed": _l("E-mailadres gewijzigd"),
    "account.email_verified": _l("E-mailadres bevestigd"),
    "account.password_changed": _l("Wachtwoord gewijzigd"),
    "account.password_reset": _l("Wachtwoord hersteld"),
    "account.registered": _l("Account geregistreerd"),
    "account.roles_changed": _l("Rollen gewijzigd"),
    "dashboard.target_set": _l("Doel vastgesteld"),
    "event.cancelled": _l("Evenement geannuleerd"),
    "event.changed": _l("Evenement gewijzigd"),
    "event.check_in_undone": _l("Aanwezigheid ongedaan gemaakt"),
    "event.checked_in": _l("Aanwezig gemeld"),
    "event.created": _l("Evenement aangemaakt"),
    "event.invited": _l("Uitgenodigd voor evenement"),
    "event.published": _l("Evenement gepubliceerd"),
    "event.registration_confirmed": _l("Aangemeld voor evenement"),
    "event.registration_waitlisted": _l("Op de wachtlijst voor evenement"),
    "event.registration_pending": _l("Aanmelding voor evenement wacht op bevestiging"),
    "event.registration_cancelled": _l("Aanmelding voor evenement geannuleerd"),
    "event.registration_promoted": _l("Van de wachtlijst aangemeld"),
    "impact_job.created": _l("Baan met impact toegevoegd"),
    "impact_job.deleted": _l("Baan met impact verwijderd"),
    "impact_job.updated": _l("Baan met impact gewijzigd"),
    "inkoop.procedure_awarded": _l("Procedure gegund"),
    "inkoop.procedure_created": _l("Procedure aangemaakt"),
    "inkoop.bid_entered": _l("Inschrijving ingevoerd"),
    "label.answers_saved": _l("Antwoorden zelfscan opgeslagen"),
    "label.assessment_started": _l("Zelfscan gestart"),
    "label.assessment_submitted": _l("Zelfscan ingediend"),
    "label.assessment_wijzigingen_gevraagd": _l("Aanvulling op zelfscan gevraagd"),
    "label.assessment_goedgekeurd": _l("Zelfscan goedgekeurd"),
    "label.assessment_afgewezen": _l("Zelfscan afgewezen"),
    "label.awarded": _l("Label toegekend"),
    "label.comment_added": _l("Bericht bij zelfscan"),
    "label.evidence_added": _l("Bewijsstuk toegevoegd"),
    "label.evidence_deleted": _l("Bewijsstuk verwijderd"),
    "label.evidence_reviewed": _l("Bewijsstuk beoordeeld"),
    "label.expired": _l("Label verlopen"),
    "label.review_started": _l("Beoordeling zelfscan gestart"),
    "member.invitation_revoked": _l("Uitnodiging ingetrokken"),
    "member.invited": _l("Collega uitgenodigd"),
    "member.joined": _l("Collega werkt mee"),
    "member.left": _l("Lid heeft de organisatie verlaten"),
    "member.removed": _l("Lid verwijderd"),
    "member.role_changed": _l("Rol van lid gewijzigd"),
    "organisation.imported": _l("Organisatie geïmporteerd"),
    "organisation.import_updated": _l("Organisatie bijgewerkt door import"),
    "organisation.join_requested": _l("Verzoek om lid te worden"),
    "organisation.join_accepted": _l("Verzoek om lid te worden aanvaard"),
    "organisation.join_refused": _l("Verzoek om lid te worden geweigerd"),
    "organisation.registered": _l("Organisatie aangemeld"),
    "organisation.updated": _l("Gegevens organisatie gewijzigd"),
    "partnership.applied": _l("Partnerschap aangevraagd"),
    "partnership.approved": _l("Partnerschap goedgekeurd"),
    "partnership.refused": _l("Partnerschap geweigerd"),
    "partnership.suspended": _l("Partnerschap geschorst"),
    "partnership.ended": _l("Partnerschap beëindigd"),
    "partnership.reinstated": _l("Partnerschap hersteld"),
    "stageplek.created": _l("Stageplek toegevoegd"),
    "stageplek.deleted": _l("Stageplek verwijderd"),
    "stageplek.published": _l("Stageplek gepubliceerd"),
    "stageplek.updated": _l("Stageplek gewijzigd"),
}


def code_label(code: str | None) -> str:
    """The label of a stored code for people; unknown codes become readable words, never the raw code."""
    if not code:
        return ""
    label = ACTIONS.get(code)
    if label is not None:
        return str(label)
    return code.replace(".", " ").replace("_", " ").capitalize()
