"""Inkoop in a real browser (issue 5): a complete evaluation of a tender.

A buyer (the panel's chair) makes a procedure from the template for a category with vulnerable jobs, puts
a panel together, opens it, enters two bids by KvK number (a partner and an organisation not yet in the
portal), closes it (freezing the label status); two evaluators score blind; the chair sets the consensus;
the ranking and the evaluation report are shown; the procedure is awarded. Every page on the way is
checked with axe-core (WCAG 2.0/2.1 A and AA).
"""
import re
import uuid

from playwright.sync_api import expect

from portal import clock
from tests.browser.helpers import (
    assert_sound_page,
    check_on_a_phone,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
    unique_kvk,
)

TEMPLATE = "Aanbesteding in een categorie met kwetsbare banen (bijv. inzameling bedrijfsafval)"
PLAN = "Plan van aanpak en uitvoering"
JOBS = "Kwaliteit van banen: contracten, uren, begeleiding en veiligheid"

# (bid, criterion) -> score, per evaluator, then the consensus.
CHAIR_SCORES = {("A", PLAN): "8", ("A", JOBS): "8", ("B", PLAN): "6", ("B", JOBS): "4"}
SECOND_SCORES = {("A", PLAN): "10", ("A", JOBS): "6", ("B", PLAN): "6", ("B", JOBS): "4"}
CONSENSUS = {("A", PLAN): "8", ("A", JOBS): "8", ("B", PLAN): "6", ("B", JOBS): "4"}


def score_all(page, names, scores, who):
    """Fill the blind evaluation form: a score and a motivation per bid and quality criterion."""
    for (bid, criterion), score in scores.items():
        section = page.locator("section", has=page.get_by_role("heading", name=names[bid], exact=True))
        group = section.get_by_role("group", name=f"{criterion} (", exact=False)
        group.get_by_label("Score").select_option(score)
        group.get_by_label("Motivering").fill(f"{who}: score {score}, onderbouwd in het plan van {names[bid]}.")


def test_complete_evaluation_from_template_to_award(make_page, live_server):
    tag = uuid.uuid4().hex[:6]
    chair_email, second_email = unique_email("inkoop"), unique_email("gemeente")
    make_verified_user(live_server, chair_email, name=f"Ilse Inkoop {tag}", roles=("inkoop",))
    make_verified_user(live_server, second_email, name=f"Gert Gemeente {tag}", roles=("gemeente",))
    names = {"A": f"Groen Afvalinzameling Dordrecht {tag}", "B": f"Afvalbedrijf Zuid {tag}"}
    kvks = {"A": unique_kvk(), "B": unique_kvk()}
    make_partner_org(live_server, names["A"], kvk=kvks["A"], sector="schoonmaak")
    title = f"Inzameling bedrijfsafval gemeentelijke panden {tag}"

    # --- the chair makes the procedure from a template
    chair = make_page()
    log_in_at(chair, chair_email)
    chair.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Procedures").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Aanbestedingen en gronduitgifte")
    assert_sound_page(chair, "procedures")
    chair.get_by_role("link", name="Nieuwe procedure").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Nieuwe procedure")
    assert_sound_page(chair, "new procedure")

    chair.get_by_role("group", name="Soort procedure").get_by_label("Aanbesteding").check()
    chair.get_by_label("Titel").fill(title)
    chair.get_by_label("Kenmerk").fill(f"DOR-2026-{tag}")
    chair.get_by_label("Sluitingsdatum").fill(clock.today().isoformat())  # closes today: the panel can start
    chair.get_by_label("Inkoopcategorie (aanbesteding)").fill("Inzameling bedrijfsafval")
    chair.get_by_label("Categorie met kwetsbare banen").check()
    chair.get_by_label("Sjabloon met criteria").select_option(label=TEMPLATE)
    chair.get_by_role("button", name="Concept aanmaken").click()

    expect(chair.get_by_text("De procedure is aangemaakt als concept.")).to_be_visible()
    expect(chair.get_by_role("heading", level=1)).to_have_text(title)
    criteria = chair.locator("#criteria table")
    expect(criteria.locator("caption")).to_have_text("Gunningscriteria, samen 100%")
    for name in ("Prijs", PLAN, JOBS, "Banen met impact voor inwoners met afstand tot werk",
                 "Stageplekken en leerwerkplekken", "Label Ondernemen met impact op de sluitingsdatum"):
        expect(criteria.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    assert_sound_page(chair, "procedure (concept)")

    # --- the panel: the chair and a colleague of the municipality
    panel = chair.locator("#panel")
    panel.get_by_label("Beoordelaar").select_option(label=f"Ilse Inkoop {tag} ({chair_email})")
    panel.get_by_label("Voorzitter van het panel").check()
    panel.get_by_role("button", name="Aan panel toevoegen").click()
    expect(chair.get_by_text("De beoordelaar is aan het panel toegevoegd.")).to_be_visible()
    chair.locator("#panel").get_by_label("Beoordelaar").select_option(label=f"Gert Gemeente {tag} ({second_email})")
    chair.locator("#panel").get_by_role("button", name="Aan panel toevoegen").click()
    members = chair.locator("#panel > ul.plain-list").first
    expect(members).to_contain_text(f"Ilse Inkoop {tag} voorzitter")
    expect(members).to_contain_text(f"Gert Gemeente {tag}")
    assert_sound_page(chair, "procedure with panel")

    chair.get_by_role("button", name="Publiceren en openen voor inschrijving").click()
    expect(chair.get_by_text("De procedure is open voor inschrijvingen.")).to_be_visible()
    assert_sound_page(chair, "procedure (open)")

    # --- bids, entered by KvK number
    bids = {"A": ("100000", {"Toegezegd: banen met impact": "4", "Toegezegd: stageplekken": "2"}),
            "B": ("90000", {"Toegezegd: banen met impact": "1"})}
    for key, (price, promised) in bids.items():
        chair.get_by_role("link", name="Inschrijving invoeren").click()
        expect(chair.get_by_role("heading", level=1)).to_have_text("Inschrijving invoeren")
        if key == "A":
            assert_sound_page(chair, "bid form")
        chair.get_by_label("KvK-nummer van de inschrijver").fill(kvks[key])
        if key == "B":  # not in the portal yet: the name makes it an organisation
            chair.get_by_label("Naam (als de organisatie nog niet in het portaal staat)").fill(names[key])
        chair.get_by_label("Inschrijfprijs (euro)").fill(price)
        for label, value in promised.items():
            chair.get_by_label(label).fill(value)
        chair.get_by_role("button", name="Inschrijving opslaan").click()
        expect(chair.get_by_text("De inschrijving is ingevoerd.")).to_be_visible()
    rows = chair.locator("#inschrijvingen tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=names["A"])).to_contain_text(kvks["A"])
    expect(rows.filter(has_text=names["B"])).to_contain_text(kvks["B"])
    expect(rows.filter(has_text=names["A"])).to_contain_text("Banen met impact: 4")
    assert_sound_page(chair, "procedure with bids")

    chair.get_by_role("button", name="Inschrijving sluiten en labelstatus vastleggen").click()
    expect(chair.get_by_text("De inschrijving is gesloten; de labelstatus op de sluitingsdatum is vastgelegd.")) \
        .to_be_visible()
    expect(rows.filter(has_text=names["B"])).to_contain_text("Geen label")
    assert_sound_page(chair, "procedure (in evaluation)")

    # --- the chair scores blind and submits
    chair.get_by_role("link", name="Inschrijvingen beoordelen").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Beoordelen: {title}")
    assert_sound_page(chair, "evaluation form (chair)")
    chair.get_by_role("button", name="Indienen (daarna niet meer te wijzigen)").click()
    expect(chair.locator(".error-summary")).to_contain_text("Geef eerst elke inschrijving een score")
    assert_sound_page(chair, "evaluation form with errors")
    score_all(chair, names, CHAIR_SCORES, "Ilse")
    chair.get_by_role("button", name="Indienen (daarna niet meer te wijzigen)").click()
    expect(chair.get_by_text("Uw scores zijn ingediend en liggen vast.")).to_be_visible()
    expect(chair.locator("#panel")).to_contain_text("1 van 2 panelleden hebben hun scores ingediend.")

    # --- the second evaluator cannot see the chair's scores before submitting their own
    second = make_page()
    log_in_at(second, second_email)
    second.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Procedures").click()
    second.get_by_role("link", name=title).click()
    expect(second.get_by_role("link", name="Scores van het panel")).to_have_count(0)
    expect(second.get_by_role("link", name="Beoordelingsrapport")).to_have_count(0)
    procedure_url = second.url
    response = second.goto(procedure_url + "/panelscores")
    assert response.status == 403
    response = second.goto(procedure_url + "/rapport")
    assert response.status == 403
    second.goto(procedure_url)
    second.get_by_role("link", name="Inschrijvingen beoordelen").click()
    expect(second.get_by_role("heading", level=1)).to_have_text(f"Beoordelen: {title}")
    expect(second.locator("select").first).to_have_value("")  # nothing of the chair's shows
    assert_sound_page(second, "evaluation form (second evaluator)")
    score_all(second, names, SECOND_SCORES, "Gert")
    second.get_by_role("button", name="Opslaan als concept").click()
    expect(second.get_by_text("Uw scores zijn opgeslagen.")).to_be_visible()
    second.get_by_role("button", name="Indienen (daarna niet meer te wijzigen)").click()
    expect(second.get_by_text("Uw scores zijn ingediend en liggen vast.")).to_be_visible()
    second.get_by_role("link", name="Scores van het panel").click()
    expect(second.get_by_role("heading", level=1)).to_have_text(f"Scores van het panel: {title}")
    expect(second.locator("main")).to_contain_text("Ilse: score 8")
    assert_sound_page(second, "panel scores (second evaluator)")

    # --- the chair sets the consensus; until then there is nothing to award
    chair.reload()
    expect(chair.get_by_text("Gunnen kan zodra alle scores zijn vastgesteld en er één nummer één is.")).to_be_visible()
    chair.get_by_role("link", name="Scores van het panel en consensus").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Scores van het panel: {title}")
    assert_sound_page(chair, "panel scores with consensus forms")
    for (bid, criterion), score in CONSENSUS.items():
        section = chair.locator("section", has=chair.get_by_role("heading", name=names[bid], exact=True))
        name = f"Consensus vastleggen {names[bid]}, {criterion}"
        button = section.get_by_role("button", name=name)
        form = section.locator("form", has=chair.get_by_role("button", name=name))
        form.get_by_label("Consensusscore").select_option(score)
        form.get_by_label("Motivering van de consensus").fill(f"Na overleg {score}: het panel is het eens.")
        button.click()
        expect(chair.get_by_text("De consensusscore is vastgesteld.")).to_be_visible()
    table = chair.locator("section", has=chair.get_by_role("heading", name=names["A"], exact=True)) \
        .get_by_role("table", name=f"{PLAN} (20%)")
    expect(table.get_by_role("row", name=re.compile("^Consensus"))).to_contain_text("Na overleg 8")
    assert_sound_page(chair, "panel scores after consensus")

    # --- ranking on the procedure page, and the report
    chair.get_by_role("link", name="Terug naar de procedure").click()
    ranking = chair.get_by_role("table", name="Rangorde met gewogen punten per criterium")
    ranked = ranking.locator("tbody tr")
    expect(ranked).to_have_count(2)
    expect(ranked.nth(0).get_by_role("rowheader")).to_have_text(names["A"])
    expect(ranked.nth(0).locator("td").first).to_have_text("1")
    expect(ranked.nth(1).get_by_role("rowheader")).to_have_text(names["B"])
    # B: price 40 (lowest) + plan 6/10 x 20 + jobs 4/10 x 10 + impact jobs 1/4 x 15 + 0 + no label = 59.75
    expect(ranked.nth(1).locator("td").last).to_have_text("59,75")
    assert_sound_page(chair, "procedure with ranking")

    chair.locator("#panel").get_by_role("link", name="Beoordelingsrapport").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Beoordelingsrapport: {title}")
    expect(chair.get_by_role("link", name="Download als XLSX")).to_be_visible()
    expect(chair.locator("main")).to_contain_text("Gert: score 10")
    assert_sound_page(chair, "evaluation report")
    chair.get_by_role("link", name="Terug naar de procedure").click()

    # --- award
    award = chair.get_by_role("link", name=f"Gunnen aan {names['A']} (nummer één)")
    award.click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(f"Gunnen: {title}")
    expect(chair.locator("main")).to_contain_text("Als u gunt, gebeurt het volgende:")
    assert_sound_page(chair, "award confirmation")
    chair.get_by_role("button", name=f"Ja, gunnen aan {names['A']}").click()
    expect(chair.get_by_text(f"De procedure is gegund aan {names['A']}; de toezeggingen worden gevolgd.")) \
        .to_be_visible()
    expect(chair.locator(".summary-list")).to_contain_text(f"Gegund aan{names['A']}")
    expect(chair.get_by_text("Deze procedure is afgerond; niets kan meer worden gewijzigd.")).to_be_visible()
    expect(award).to_have_count(0)
    expect(ranking.get_by_role("row").filter(has_text=names["A"]).locator(".status")).to_have_text("gegund")
    assert_sound_page(chair, "procedure (awarded)")


def test_inkoop_pages_on_a_phone(make_page, live_server):
    from portal.extensions import db

    email = unique_email("inkoop")
    make_verified_user(live_server, email, name="Ilse Inkoop", roles=("inkoop",))
    kvk = unique_kvk()
    org_id, _ = make_partner_org(live_server, f"Telefoon Afval {kvk}", kvk=kvk)
    with live_server.app.app_context():
        from sqlalchemy import select

        from portal.auth.models import User
        from portal.inkoop import procedures

        buyer = db.session.scalar(select(User).where(User.email == email))
        procedure = procedures.create_procedure(by=buyer, kind="aanbesteding", title="Schoonmaak stadskantoor",
                                                closing_date=clock.today(), preset="aanbesteding_kwetsbaar")
        db.session.commit()
        procedure_id = procedure.id
        db.session.remove()
    failures = check_on_a_phone(make_page, email, [
        "/inkoop/labelcheck", f"/inkoop/labelcheck?q={kvk}", f"/inkoop/labelcheck/{org_id}",
        f"/inkoop/labelcheck/{org_id}/bewijs", "/inkoop/labelcheck/lijst", "/inkoop/procedures",
        "/inkoop/procedures/nieuw", f"/inkoop/procedures/{procedure_id}"])
    assert not failures, "\n\n".join(failures)
