"""Panel evaluation through the pages: blind scoring (by URL too), consensus by the chair, ties, report."""
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.inkoop import evaluation, procedures
from portal.inkoop.models import EvaluatorScore, PanelMember
from tests.conftest import login
from tests.inkoop.helpers import make_procedure, open_with_bids


def setup_panel(make_user, make_org, score_mode="consensus"):
    buyer = make_user("inkoop")
    chair, other, outsider = make_user("gemeente"), make_user("inkoop"), make_user("inkoop")
    a, b, c = make_org(name="Afval Alfa"), make_org(name="Afval Beta"), make_org(name="Afval Gamma")
    procedure = make_procedure(buyer, score_mode=score_mode)
    bids = open_with_bids(procedure, buyer, [(a, D(100000), {}), (b, D(80000), {}), (c, D(80000), {})],
                          panel=[chair, other])
    procedures.close_procedure(procedure, by=buyer)
    db.session.commit()
    return procedure, bids, buyer, chair, other, outsider


def score_form(procedure, bids, scores, motivation="Heldere aanpak met vaste ploegen"):
    quality = evaluation.quality_criteria(procedure)[0]
    data = {}
    for bid, score in zip(bids, scores, strict=True):
        data[f"score-{bid.id}-{quality.id}"] = str(score)
        data[f"motivation-{bid.id}-{quality.id}"] = f"{motivation} ({bid.organisation.name})"
    return data


def test_blind_evaluation_others_scores_stay_hidden_until_own_submit(client, make_user, make_org):
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org)
    base = f"/inkoop/procedures/{procedure.id}"
    login(client, chair.email)
    data = score_form(procedure, bids, [8, 6, 6], motivation="GEHEIM-VOORZITTER")
    response = client.post(f"{base}/beoordelen", data={**data, "action": "submit"})
    assert response.status_code == 302
    client.post("/account/uitloggen")

    login(client, other.email)
    page = client.get(f"{base}/beoordelen").get_data(as_text=True)
    assert "GEHEIM-VOORZITTER" not in page
    assert "GEHEIM-VOORZITTER" not in client.get(base).get_data(as_text=True)
    for url in (f"{base}/panelscores", f"{base}/rapport", f"{base}/rapport.xlsx"):
        assert client.get(url).status_code == 403, url
    # Saving a draft does not open the others' scores either.
    client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [6, 6, 6]), "action": "save"})
    assert client.get(f"{base}/panelscores").status_code == 403
    response = client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [6, 6, 6]), "action": "submit"})
    assert response.status_code == 302
    page = client.get(f"{base}/panelscores").get_data(as_text=True)
    assert "GEHEIM-VOORZITTER" in page
    client.post("/account/uitloggen")

    # Not on the panel: nothing before the award, not even with the URL.
    login(client, outsider.email)
    for url in (f"{base}/panelscores", f"{base}/rapport", f"{base}/rapport.xlsx", f"{base}/beoordelen"):
        assert client.get(url).status_code == 403, url


def test_a_score_needs_a_motivation_and_a_step_on_the_scale(client, make_user, make_org):
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org)
    base = f"/inkoop/procedures/{procedure.id}"
    login(client, other.email)
    data = score_form(procedure, bids, [8, 6, 6])
    quality = evaluation.quality_criteria(procedure)[0]
    data[f"motivation-{bids[0].id}-{quality.id}"] = "  "
    response = client.post(f"{base}/beoordelen", data={**data, "action": "submit"})
    assert response.status_code == 400
    assert "een score heeft een motivering nodig" in response.get_data(as_text=True)
    data = score_form(procedure, bids, [7, 6, 6])
    response = client.post(f"{base}/beoordelen", data={**data, "action": "submit"})
    assert response.status_code == 400 and "Kies een score uit de schaal" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(EvaluatorScore)) == 0
    # Submitting with a bid left open is refused, the draft is kept.
    data = score_form(procedure, bids[:2], [8, 6])
    assert client.post(f"{base}/beoordelen", data={**data, "action": "submit"}).status_code == 400
    assert client.post(f"{base}/beoordelen", data={**data, "action": "save"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(EvaluatorScore)) == 2
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == other.id))
    assert member.submitted_at is None


def test_consensus_by_the_chair_with_motivation_and_ranking_with_ties(client, make_user, make_org):
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org)
    base = f"/inkoop/procedures/{procedure.id}"
    quality = evaluation.quality_criteria(procedure)[0]
    login(client, chair.email)
    client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [8, 6, 6]), "action": "submit"})
    # Not everyone has submitted: the chair waits.
    response = client.post(f"{base}/consensus", data={"bid_id": bids[0].id, "criterion_id": quality.id,
                                                      "score": "8", "motivation": "Eens"}, follow_redirects=True)
    assert "Wacht tot alle panelleden" in response.get_data(as_text=True)
    client.post("/account/uitloggen")

    login(client, other.email)
    client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [8, 4, 6]), "action": "submit"})
    # Only the chair sets consensus.
    response = client.post(f"{base}/consensus", data={"bid_id": bids[0].id, "criterion_id": quality.id,
                                                      "score": "8", "motivation": "Eens"}, follow_redirects=True)
    assert "Alleen de voorzitter" in response.get_data(as_text=True)
    client.post("/account/uitloggen")

    login(client, chair.email)
    response = client.post(f"{base}/consensus", data={"bid_id": bids[0].id, "criterion_id": quality.id,
                                                      "score": "8", "motivation": ""}, follow_redirects=True)
    assert "Motiveer de consensusscore" in response.get_data(as_text=True)
    for bid, score in zip(bids, (8, 6, 6), strict=True):
        client.post(f"{base}/consensus", data={"bid_id": bid.id, "criterion_id": quality.id, "score": str(score),
                                               "motivation": f"Consensus na overleg over {bid.organisation.name}"})
    # Hand computed: Alfa 32 + 48 = 80; Beta and Gamma 40 + 36 = 76 each, tied for second place.
    page = client.get(base).get_data(as_text=True)
    assert "80,00" in page and page.count("76,00") == 2 and "gelijk" in page
    ranked = evaluation.results(procedure)
    assert [(r.rank, r.tied, r.total) for r in ranked] == [(1, False, D(80)), (2, True, D(76)), (2, True, D(76))]

    report = client.get(f"{base}/rapport").get_data(as_text=True)
    assert "Consensus na overleg over Afval Beta" in report and "Heldere aanpak" in report
    xlsx = client.get(f"{base}/rapport.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    ranking = [row for row in book["Rangorde"].iter_rows(values_only=True) if row and row[0] in (1, 2)]
    assert [(r[0], r[1], r[3]) for r in ranking] == [(1, "nee", "Afval Alfa"), (2, "ja", "Afval Beta"),
                                                     (2, "ja", "Afval Gamma")]
    motivations = [row[4] for row in book["Scores"].iter_rows(values_only=True)]
    assert "Consensus na overleg over Afval Alfa" in motivations

    # Award through the page; then the panel page and report are read-only, and the evaluator page too.
    response = client.post(f"{base}/status", data={"action": "award"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{base}/gunnen")
    db.session.refresh(procedure)
    assert procedure.status == "beoordeling"  # nothing happens without the confirmation
    page = client.get(f"{base}/gunnen").get_data(as_text=True)
    assert "Als u gunt, gebeurt het volgende" in page and "Afval Alfa" in page
    response = client.post(f"{base}/gunnen", data={"confirm": "ja"}, follow_redirects=True)
    assert "gegund" in response.get_data(as_text=True)
    db.session.refresh(procedure)
    assert procedure.status == "gegund" and procedure.awarded_bid_id == bids[0].id
    response = client.post(f"{base}/consensus", data={"bid_id": bids[1].id, "criterion_id": quality.id,
                                                      "score": "10", "motivation": "achteraf"}, follow_redirects=True)
    assert "er kan niets meer worden gewijzigd" in response.get_data(as_text=True)
    assert "Consensus vastleggen" not in client.get(f"{base}/panelscores").get_data(as_text=True)


def test_average_mode_needs_no_consensus(client, make_user, make_org):
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org, score_mode="gemiddelde")
    base = f"/inkoop/procedures/{procedure.id}"
    for user, scores in ((chair, [8, 6, 4]), (other, [6, 6, 4])):
        login(client, user.email)
        client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, scores), "action": "submit"})
        client.post("/account/uitloggen")
    # Alfa quality (8+6)/2 = 7 -> 60 * 0.7 = 42 + 32 = 74; Beta 6 -> 36 + 40 = 76; Gamma 4 -> 24 + 40 = 64.
    assert [(r.bid_id, r.total) for r in evaluation.results(procedure)] == [
        (bids[1].id, D(76)), (bids[0].id, D(74)), (bids[2].id, D(64))]


def test_full_setup_through_the_pages(client, make_user, make_org):
    login_buyer(client, make_user)
    chair = make_user("gemeente", name="Voorzitter Jansen")
    org = make_org(name="Inzamelaar Zuid")
    response = client.post("/inkoop/procedures/nieuw", data={
        "kind": "aanbesteding", "title": "Inzameling bedrijfsafval 2026", "reference": "DOR-2026-001",
        "category": "Inzameling bedrijfsafval", "vulnerable_jobs": "y", "closing_date": "2026-01-05",
        "preset": "aanbesteding_kwetsbaar", "price_method": "relatief", "score_mode": "consensus",
        "quality_scale": "0,2,4,6,8,10", "commitment_months": "24"})
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Prijs ten opzichte van de laagste inschrijving" in page and "samen 100%" in page
    procedure_id = int(url.rstrip("/").split("/")[-1])
    # Adding a criterion that breaks 100% is allowed while drafting, but opening is refused with the reason.
    client.post(f"/inkoop/procedures/{procedure_id}/criteria", data={
        "kind": "quality", "name": "Duurzaamheid", "weight": "5", "formula": "doel", "working_share": "0.5"})
    response = client.post(f"/inkoop/procedures/{procedure_id}/status", data={"action": "open"},
                           follow_redirects=True)
    assert "De gewichten tellen op tot 105%" in response.get_data(as_text=True)
    procedure = db.session.get(procedures.Procedure, procedure_id)
    assert procedure.status == "concept"
    extra = next(c for c in procedure.criteria if c.name == "Duurzaamheid")
    client.post(f"/inkoop/procedures/{procedure_id}/criteria/{extra.id}/verwijderen", data={"confirm": "ja"})
    client.post(f"/inkoop/procedures/{procedure_id}/panel", data={"user_id": chair.id, "is_chair": "y"})
    response = client.post(f"/inkoop/procedures/{procedure_id}/status", data={"action": "open"})
    assert response.status_code == 302
    response = client.post(f"/inkoop/procedures/{procedure_id}/inschrijvingen/nieuw",
                           data={"kvk": org.kvk, "price": "0", "impact_jobs": "3"})
    assert response.status_code == 200 and "nul of lager" in response.get_data(as_text=True)
    response = client.post(f"/inkoop/procedures/{procedure_id}/inschrijvingen/nieuw",
                           data={"kvk": org.kvk, "price": "125000", "impact_jobs": "3"})
    assert response.status_code == 302
    response = client.post(f"/inkoop/procedures/{procedure_id}/status", data={"action": "close"},
                           follow_redirects=True)
    assert "labelstatus op de sluitingsdatum is vastgelegd" in response.get_data(as_text=True)
    db.session.refresh(procedure)
    assert procedure.status == "beoordeling" and procedure.bids[0].frozen_on.isoformat() == "2026-01-05"


def login_buyer(client, make_user):
    user = make_user("inkoop")
    login(client, user.email)
    return user


def test_a_score_saved_meanwhile_in_another_window_is_a_refusal_not_an_error(make_user, make_org, monkeypatch):
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org)
    quality = evaluation.quality_criteria(procedure)[0]
    entries = {(bids[0].id, quality.id): ("6", "Eerste venster")}
    evaluation.save_scores(procedure, other, entries)
    db.session.commit()
    # The second window read the scores before the first one saved.
    monkeypatch.setattr(evaluation, "own_scores", lambda procedure, user: {})
    with pytest.raises(procedures.ProcedureError, match="ander venster"):
        evaluation.save_scores(procedure, other, {(bids[0].id, quality.id): ("8", "Tweede venster")})
    db.session.rollback()
    assert db.session.scalar(db.select(EvaluatorScore.motivation)) == "Eerste venster"


def test_a_draft_stays_private_until_its_author_submits(client, make_user, make_org):
    """The chair (submitted) sees who has submitted, never another member's saved draft: page, report, XLSX."""
    procedure, bids, buyer, chair, other, outsider = setup_panel(make_user, make_org)
    base = f"/inkoop/procedures/{procedure.id}"
    login(client, other.email)
    response = client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [2, 4, 6],
                                                                      motivation="CONCEPT-VAN-LID"),
                                                        "action": "save"})
    assert response.status_code == 302
    client.post("/account/uitloggen")

    login(client, chair.email)
    response = client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [8, 6, 6]), "action": "submit"})
    assert response.status_code == 302
    for url in (f"{base}/panelscores", f"{base}/rapport"):
        page = client.get(url).get_data(as_text=True)
        assert "CONCEPT-VAN-LID" not in page, url
        assert "nog niet ingediend" in page, url
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/rapport.xlsx").data))
    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert not any("CONCEPT-VAN-LID" in c for c in cells)
    assert "nog niet ingediend" in cells
    client.post("/account/uitloggen")

    # Once the member submits, the scores are there for the panel.
    login(client, other.email)
    client.post(f"{base}/beoordelen", data={**score_form(procedure, bids, [2, 4, 6], motivation="CONCEPT-VAN-LID"),
                                            "action": "submit"})
    assert "CONCEPT-VAN-LID" in client.get(f"{base}/panelscores").get_data(as_text=True)
