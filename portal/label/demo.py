"""Demo data: the starting criteria set from DOMAIN.md (published) and, for the demo organisations the
partners seeder made, assessments in every status and labels (valid, renewed, suspended, expired)."""
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal.extensions import db
from portal.label import assessments, awards, criteria, review
from portal.label.history import today
from portal.label.models import Label, LabelStatusChange
from portal.partners.models import Membership, Organisation

SCALE = ("0 | Nog niet\n1 | We oriënteren ons of maken een plan\n"
         "2 | Gedeeltelijk of af en toe\n3 | Structureel en aantoonbaar")

# (theme, weight, description, [(question, help text, evidence required)])
STARTING_SET = [
    ("Inclusief werven", 2, "Werven op vaardigheden, competenties en motivatie in plaats van diploma's.", [
        ("Werft u op vaardigheden en motivatie in plaats van op diploma's?",
         "Bijvoorbeeld vacatureteksten zonder diploma-eis of een open hiring-aanpak.", False),
        ("Staan uw vacatures open voor mensen uit de doelgroepen?",
         "Denk aan samenwerking met Baanbrekend Drechtsteden of de Sociale Dienst Drechtsteden.", True),
        ("Past u jobcarving toe om passend werk te maken?",
         "Taken uit bestaande functies bundelen tot een nieuwe baan.", False),
        ("Heeft u een wervingsbeleid voor inclusief werven vastgelegd?", "", True),
    ]),
    ("Banen met impact", 3, "Banen en werkervaringsplekken voor mensen met een afstand tot de arbeidsmarkt.", [
        ("Biedt u banen aan mensen met een afstand tot de arbeidsmarkt?", "", False),
        ("Krijgen deze medewerkers duurzame contracten (zes maanden of langer)?", "", True),
        ("Is er jobcoaching of een buddy op de werkvloer?", "", False),
        ("Biedt u werkervaringsplekken, bijvoorbeeld via Wijk naar Werk of Perspct?", "", False),
    ]),
    ("Leren en ontwikkelen", 2, "Een leven lang ontwikkelen voor alle medewerkers.", [
        ("Heeft iedere medewerker toegang tot scholing?", "", False),
        ("Biedt u praktijkleren aan (mbo-certificaat, praktijkverklaring)?", "", True),
        ("Voert u loopbaangesprekken met alle medewerkers?", "", False),
        ("Gebruikt u een skillspaspoort of vergelijkbaar instrument?", "", False),
    ]),
    ("Stages en leerwerkplekken", 2, "Stages, BBL-plekken en opdrachten voor studenten.", [
        ("Biedt u stageplekken (BOL) of leerwerkplekken (BBL)?", "", False),
        ("Bent u een door SBB erkend leerbedrijf?", "Voeg de erkenning toe als bewijsstuk.", True),
        ("Geeft u opdrachten aan studenten van Career Boost of de Dordrecht Academy?", "", False),
        ("Doet u mee aan het Studentenfestival Drechtsteden?", "", False),
    ]),
    ("Kwaliteit van banen", 2,
     "Passende contracten en uren, duurzame inzetbaarheid, gezond en veilig werk, eerlijke beloning.", [
        ("Krijgen deeltijders die meer uren willen die uren aangeboden?", "", False),
        ("Heeft u beleid voor duurzame inzetbaarheid?", "", True),
        ("Zijn gezondheid en veiligheid op het werk geregeld en getoetst?", "", False),
        ("Betaalt u eerlijk en volgens cao of marktconform?", "", False),
    ]),
    ("Verbonden met stad en regio", 1,
     "Lokaal werven, de wijkaanpak, het partnernetwerk en een bijdrage aan de stad.", [
        ("Werft u bij voorkeur in de Drechtsteden?", "", False),
        ("Doet u mee aan de wijkaanpak (bijvoorbeeld Dordt-West)?", "", False),
        ("Neemt u deel aan het partnernetwerk en zijn evenementen?", "", False),
        ("Levert u een maatschappelijke bijdrage aan de stad?", "", False),
    ]),
]

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def seed_criteria(by):
    criteria_set = criteria.create_concept(by, name="Criteria label Ondernemen met impact")
    criteria.update_set(criteria_set, by, name=criteria_set.name,
                        description="Startset op basis van de Drechtse Doelen.", min_total_pct=60, min_theme_pct=40)
    for title, weight, description, questions in STARTING_SET:
        theme = criteria.add_theme(criteria_set, by, title=title, description=description, weight=weight)
        for question, help_text, evidence in questions:
            criteria.add_criterion(theme, by, question=question, help_text=help_text, evidence_required=evidence,
                                   options=SCALE)
    criteria.publish_set(criteria_set, by)
    return criteria_set


def _fill(assessment, by, level: int, *, evidence=True):
    item = assessments.load(assessment.id)
    for theme in item.criteria_set.themes:
        values = {c.id: (c.options[min(level, len(c.options) - 1)].id, "Zie ons jaarverslag.") for c in theme.criteria}
        assessments.save_theme(item, theme, values, by, version=item.version)
        if evidence:
            for c in theme.criteria:
                if c.evidence_required:
                    assessments.add_evidence(item, c, "bewijs.pdf", DEMO_PDF, by)
    return item


def _member(org, fallback):
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == org.id)
                                   .order_by(Membership.id))
    return membership.user if membership else fallback


def _backdate_label(label: Label, start):
    label.valid_from = start
    label.valid_until = awards.validity_end(start)
    for change in label.history:
        if change.status == "geldig":
            change.effective_on = start
    label.assessment.closed_on = start
    label.assessment.started_on = start - timedelta(days=45)  # the zelfscan ran before its label started


def seed(accounts):
    staff = accounts["mbo_staff"]
    seed_criteria(staff)
    # Partners without a label: those with one brought it in through the import (portal.partners.programme_demo).
    orgs = db.session.scalars(select(Organisation).where(Organisation.partner_status == "partner")
                              .where(~select(Label.id).where(Label.organisation_id == Organisation.id).exists())
                              .order_by(Organisation.id)).all()
    if not orgs:
        return
    own = [o for o in orgs if any(m.user_id == accounts["ondernemer"].id for m in o.memberships)]
    others = [o for o in orgs if o not in own]
    plan = ["label", "ingediend", "in_behandeling", "wijzigingen_gevraagd", "afgewezen", "geschorst",
            "verlopen", "label_renewing", "label"]
    for org, kind in zip(own + others, ["concept", *plan], strict=False):
        by = _member(org, accounts["ondernemer"])
        assessment = assessments.start_assessment(org, by)
        if kind == "concept":
            item = assessments.load(assessment.id)
            theme = item.criteria_set.themes[0]
            assessments.save_theme(item, theme, {c.id: (c.options[2].id, "") for c in theme.criteria}, by,
                                   version=item.version)
            continue
        item = _fill(assessment, by, 1 if kind == "afgewezen" else 3)
        assessments.submit_assessment(item, by)
        if kind == "ingediend":
            continue
        review.start_review(item, staff)
        if kind == "in_behandeling":
            continue
        if kind == "wijzigingen_gevraagd":
            assessments.add_comment(item, item.criteria_set.themes[1].criteria[1].id,
                                    "Kunt u het contract of de afspraak toevoegen?", staff, from_staff=True)
            review.request_changes(item, staff, "Voeg bij 'Banen met impact' een voorbeeldcontract toe.")
            continue
        if kind == "afgewezen":
            review.reject(item, staff, "Nog te weinig zichtbaar beleid. Begin bij inclusief werven; "
                                       "de inspiratiesessie helpt daarbij.")
            continue
        _review_everything(item, staff)
        label = review.approve(item, staff, "Mooi voorbeeld voor het netwerk.")
        if kind == "geschorst":
            _backdate_label(label, today() - relativedelta(months=8))
            awards.suspend_label(label, staff, "Klacht over de uitvoering van afspraken wordt onderzocht.")
        elif kind == "verlopen":
            _backdate_label(label, today() - relativedelta(months=26))
            db.session.flush()
            awards.expire_labels()
        elif kind == "label_renewing":
            _backdate_label(label, today() - relativedelta(months=23))
            db.session.flush()
            awards.send_reminders()
            renewal = assessments.start_assessment(org, by)
            assessments.submit_assessment(assessments.load(renewal.id), by)
        db.session.flush()
    # A status change dated before today for the suspended label keeps the history realistic.
    for change in db.session.scalars(select(LabelStatusChange).where(LabelStatusChange.status == "geschorst")):
        change.effective_on = today() - timedelta(days=14)
    db.session.flush()


def _review_everything(item, staff):
    """The reviewer looked at every evidence file and judged every question, as on the review page."""
    answers = assessments.answers_by_criterion(item)
    for theme in item.criteria_set.themes:
        for criterion in theme.criteria:
            answer = answers.get(criterion.id)
            for evidence in (answer.evidence if answer else []):
                review.set_evidence_state(evidence, "klaar", staff)
            review.set_verdict(item, criterion, "voldoet", staff)
