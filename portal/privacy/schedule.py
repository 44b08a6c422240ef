"""The retention schedule: one entry per kind of personal data, its terms read from the configuration.

The privacy page shows it to everyone, the processing register (verwerkingsregister) shows it to St. MBO, and
``retention.run_retention`` enforces it: the three read the same list, so what is promised is what is done.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    data: str
    purpose: str
    basis: str
    who: str
    term: str  # shown as it is; built from the configuration by ``schedule()``
    enforced: str


def _months(n: int) -> str:
    return ngettext("%(num)s maand", "%(num)s maanden", n)


def _days(n: int) -> str:
    return ngettext("%(num)s dag", "%(num)s dagen", n)


def _years(n: int) -> str:
    return ngettext("%(num)s jaar", "%(num)s jaar", n)


def schedule() -> list[Kind]:
    """The schedule with the terms of the running configuration."""
    cfg = current_app.config
    return [
        Kind("accounts", _l("Accounts"), _l("Naam, e-mailadres, wachtwoord (versleuteld), rollen, laatste inlog."),
             _l("Inloggen en samenwerken in het portaal; contact over uw organisatie en het label."),
             _l("Uitvoering van de partnerovereenkomst (art. 6 lid 1 sub b AVG)."),
             _l("Uzelf; de beheerders van uw organisatie; St. MBO."),
             _l("Zolang u het account gebruikt; u verwijdert het zelf via Mijn account."),
             _l("Verwijderen op verzoek (art. 17); uw bijdragen blijven onder een pseudoniem.")),
        Kind("unverified", _l("Niet bevestigde accounts"),
             _l("E-mailadres en naam van een aanmelding die nooit is bevestigd."),
             _l("De bevestigingslink laten werken."), _l("Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)."),
             _l("Niemand; alleen de beheerder van het portaal ziet het account."),
             _days(cfg["PRIVACY_UNVERIFIED_DAYS"]) + " " + _("na de aanmelding"),
             _l("Dagelijks verwijderd.")),
        Kind("event_registrants", _l("Aanmeldingen voor openbare evenementen"),
             _l("Naam, e-mailadres, organisatie en antwoorden van bezoekers zonder account; de gastenlijst."),
             _l("Het evenement organiseren: plaatsen, herinneringen, inchecken."),
             _l("Toestemming bij aanmelding (art. 6 lid 1 sub a AVG)."),
             _l("St. MBO (organisatoren)."),
             _months(cfg["EVENT_PURGE_MONTHS"]) + " " + _("na het evenement"),
             _l("Dagelijks geanonimiseerd; "
                "alleen aantallen blijven. Zelf eerder wissen kan via de persoonlijke link.")),
        Kind("mail_bodies", _l("Verstuurde e-mails"), _l("De tekst en bijlagen van e-mail die het portaal verstuurde."),
             _l("Nagaan of een bericht is aangekomen; opnieuw versturen bij een storing."),
             _l("Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)."), _l("De beheerder van het portaal."),
             _days(cfg["PRIVACY_OUTBOX_BODY_DAYS"]) + " " + _("(tekst en bijlagen); ontvanger en onderwerp") + " "
             + _months(cfg["PRIVACY_OUTBOX_MONTHS"]),
             _l("Dagelijks gewist.")),
        Kind("rejected", _l("Afgewezen aanvragen"),
             _l("Motivatie en contactpersoon van een geweigerde partneraanvraag; "
                "geweigerde verzoeken om lid te worden."),
             _l("Een vervolgvraag over de beslissing kunnen beantwoorden."),
             _l("Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)."), _l("St. MBO; de beheerders van de organisatie."),
             _months(cfg["PRIVACY_REJECTED_MONTHS"]) + " " + _("na de beslissing"),
             _l("Dagelijks gewist; de naam en het KvK-nummer van de organisatie blijven.")),
        Kind("audit", _l("Auditlog"), _l("Wie wat wanneer deed in het portaal, met het e-mailadres van wie het deed."),
             _l("Verantwoording over beslissingen (partnerschap, label, beoordeling, inkoop) en beveiliging."),
             _l("Wettelijke plicht en taak van algemeen belang (art. 6 lid 1 sub c en e AVG)."),
             _l("St. MBO en de beheerder van het portaal."),
             _years(cfg["PRIVACY_AUDIT_YEARS"]) + "; " + _("inkoop en gronduitgifte zo lang als de wet voorschrijft"),
             _l("Dagelijks verwijderd na de termijn. "
                "Vermeldingen over inkoopprocedures en gronduitgifte (inschrijvingen, "
                "scores en motivaties) zijn archiefbescheiden van de gemeente: die bewaart het portaal zolang de "
                "Archiefwet en de Selectielijst gemeenten voorschrijven en verwijdert het niet zelf.")),
        Kind("procurement", _l("Inkoop en gronduitgifte"),
             _l("Inschrijvingen, scores met motivatie, panelleden en toezeggingen; "
                "bewijsstukken en antwoorden van zelfscans."),
             _l("Een aanbesteding of uitgifte verantwoorden en een label onderbouwen."),
             _l("Wettelijke plicht (Aanbestedingswet, Archiefwet; art. 6 lid 1 sub c AVG)."),
             _l("De inkoopadviseurs en beleidsmedewerkers van de procedure; St. MBO voor zelfscans."),
             _l("Zo lang als de Archiefwet voorschrijft"),
             _l("Niet automatisch verwijderd; wie zijn account verwijdert, staat hier daarna onder een pseudoniem.")),
    ]

