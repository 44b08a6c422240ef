"""St. MBO's partner list: search, filters, pagination, CSV and XLSX export, a constant number of queries."""
import io
from datetime import date

import openpyxl
from sqlalchemy import select

from portal import panels
from portal.extensions import db
from portal.partners import services
from portal.partners.models import Municipality
from tests.querycount import count_queries

MUNICIPALITIES = ("Dordrecht", "Zwijndrecht", "Papendrecht", "Sliedrecht", "Alblasserdam")


def seed_orgs(make_org, make_user, n, start=0, municipalities=("Dordrecht",)):
    for i in range(start, start + n):
        user = make_user()
        org = make_org(name=f"Partner {i:03d}", members=[user], sector="zorg" if i % 2 else "bouw_infra",
                       size_class="10-49", municipality=municipalities[i % len(municipalities)])
        services.save_impact_job(org, user, dict(title="Hulp", target_groups=["ww"], contract_type="vast",
                                                 hours_per_week=20, start_date=date(2025, 3, 1)))
        services.save_stageplek(org, user, dict(title="Stage", education_level="mbo2", stage_type="bol",
                                                field="zorg", places=2))
    db.session.commit()


def test_search_filters_and_pagination(client, login_as, make_org, make_user):
    login_as("mbo_staff")
    seed_orgs(make_org, make_user, 30)
    make_org(name="Techniek Papendrecht", municipality="Papendrecht", status="aanvraag", kvk="24242424")
    text = client.get("/partners").get_data(as_text=True)
    assert "31 organisaties" in text and "Pagina 1 van 2" in text
    assert "Partner 025" not in text and "Partner 025" in client.get("/partners?page=2").get_data(as_text=True)

    text = client.get("/partners?status=aanvraag").get_data(as_text=True)
    assert "Techniek Papendrecht" in text and "Partner 001" not in text
    papendrecht = db.session.scalar(select(Municipality).where(Municipality.name == "Papendrecht"))
    text = client.get(f"/partners?gemeente={papendrecht.id}").get_data(as_text=True)
    assert "1 organisatie" in text and "Techniek Papendrecht" in text
    assert "Techniek Papendrecht" in client.get("/partners?q=2424").get_data(as_text=True)
    assert "Techniek Papendrecht" in client.get("/partners?q=papendrecht").get_data(as_text=True)
    text = client.get("/partners?sector=zorg&grootte=10-49").get_data(as_text=True)
    assert "15 organisaties" in text
    # Nonsense in the query string is ignored, never a 500.
    assert client.get("/partners?status=x&gemeente=abc&sector=%00&grootte=9&label=x&page=x").status_code == 200


def test_export_csv_and_xlsx_follow_the_filters(client, login_as, make_org, make_user):
    login_as("mbo_staff")
    seed_orgs(make_org, make_user, 3)
    make_org(name="=HYPERLINK(\"http://evil\")", status="aanvraag")
    response = client.get("/partners/export.csv?status=partner")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("naam;kvk;")
    assert len(lines) == 4 and "HYPERLINK" not in text
    assert "Partner 000" in text and ";1;1;1;2" in lines[1]  # leden, banen, duurzaam, stageplaatsen

    response = client.get("/partners/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "naam" and len(rows) == 5
    assert any(str(r[0]).startswith("'=HYPERLINK") for r in rows[1:])  # no formula injection
    assert client.get("/partners/export.pdf").status_code == 404


def test_partner_list_query_count_is_constant(client, login_as, make_org, make_user):
    login_as("mbo_staff")
    seed_orgs(make_org, make_user, 5, municipalities=MUNICIPALITIES)
    client.get("/partners")  # warm up: municipalities and the like exist
    with count_queries() as small:
        assert client.get("/partners").status_code == 200
    seed_orgs(make_org, make_user, 20, start=5, municipalities=MUNICIPALITIES)
    with count_queries() as large:
        assert client.get("/partners").status_code == 200
    assert large.count == small.count, (small.count, large.count)
    # user with roles, membership, municipalities, the page, its count, the counts per organisation, label statuses
    assert large.count <= 8, large.statements


def test_partner_detail_shows_members_history_jobs_and_panels(client, login_as, make_org, make_user):
    login_as("mbo_staff")
    owner = make_user(email="eigenaar@detail.example")
    org = make_org(name="Detail BV", members=[owner])
    services.save_impact_job(org, owner, dict(title="Lasser", target_groups=["ww"], contract_type="vast",
                                              hours_per_week=36, start_date=date(2025, 2, 1)))
    db.session.commit()

    def test_panel(o):
        return {"text": f"Paneel voor {o.name}"}

    place = panels._PANELS["partner_detail"]
    place.append((99, "partners/message.html", test_panel))
    try:
        text = client.get(f"/partners/{org.id}").get_data(as_text=True)
    finally:
        place.remove((99, "partners/message.html", test_panel))
    assert "eigenaar@detail.example" in text and "Lasser" in text
    assert "Geschiedenis van het partnerschap" in text and "15 januari 2024" in text
    assert text.count("<h1>") == 2  # the page's own and the (test) panel template's


def test_org_home_shows_status_numbers_next_steps_and_panels(client, make_user, make_org, app):
    user = make_user()
    org = make_org(name="Thuis BV", members=[user], status="geen")
    from tests.conftest import login

    login(client, user.email)
    calls = []

    def home_panel(o):
        calls.append(o.id)
        return None  # nothing to show

    place = panels._PANELS["org_home"]
    place.append((99, "partners/message.html", home_panel))
    try:
        text = client.get("/organisatie").get_data(as_text=True)
    finally:
        place.remove((99, "partners/message.html", home_panel))
    assert calls == [org.id]
    assert "Geen partner" in text and "Vraag het partnerschap met St. MBO aan." in text
    assert 'href="/organisatie/partnerschap"' in text
    assert "Start of vervolg uw zelfscan" not in text  # not a partner yet: the self-assessment is not next

    # A partner is pointed to the self-assessment, linked only when the label package offers the page.
    partner = make_org(name="Partner BV", members=[user])
    client.post("/organisatie-wisselen", data={"organisation_id": str(partner.id)})
    text = client.get("/organisatie").get_data(as_text=True)
    if "label.assessment" in app.view_functions:
        assert "Start of vervolg uw zelfscan" in text
    else:
        assert "Start of vervolg uw zelfscan" not in text
    assert "Registreer uw banen met impact." in text


def test_label_status_hook_filters_and_shows_the_list(client, login_as, make_org):
    """The label package registers how to filter and show label status; partners never imports it."""
    from portal.partners.models import Organisation

    login_as("mbo_staff")
    holder_id = make_org(name="Labelhouder BV").id
    make_org(name="Zonder Label BV")
    saved = dict(services._LABEL_STATUS)
    services.provide_label_status(
        choices=[("label", "Met label"), ("geen", "Zonder label")],
        where=lambda code: Organisation.id == holder_id if code == "label" else Organisation.id != holder_id,
        lookup=lambda ids: {i: "geldig t/m 1-1-2027" for i in ids if i == holder_id})
    try:
        text = client.get("/partners?label=label").get_data(as_text=True)
        assert "Labelhouder BV" in text and "Zonder Label BV" not in text and "geldig t/m 1-1-2027" in text
        text = client.get("/partners?label=geen").get_data(as_text=True)
        assert "Labelhouder BV" not in text and "Zonder Label BV" in text
        assert "labelstatus" in client.get("/partners/export.csv?label=label").data.decode("utf-8-sig")
    finally:
        services._LABEL_STATUS.clear()
        services._LABEL_STATUS.update(saved)


def test_organisation_counts_in_one_query(app, make_org, make_user):
    owner = make_user(email="tellen@counts.example")
    busy = make_org(name="Druk BV", members=[owner, (make_user(email="lid@counts.example"), "lid")])
    quiet = make_org(name="Stil BV")
    for contract in ("vast", "proefplaatsing"):  # durable (6 months or longer) and not
        services.save_impact_job(busy, owner, dict(title="Monteur", target_groups=["ww"], contract_type=contract,
                                                   hours_per_week=36, start_date=date(2025, 2, 1)))
    services.save_stageplek(busy, owner, {"title": "Stage", "education_level": "mbo2", "stage_type": "bol",
                                          "field": "bouw_infra", "places": 3, "places_filled": 1})
    db.session.commit()
    ids = [busy.id, quiet.id]
    with count_queries() as q:
        counts = services.organisation_counts(ids)
    assert q.count == 1
    assert counts[busy.id] == {"members": 2, "jobs": 2, "durable": 1, "stageplekken": 1, "places": 3}
    assert counts[quiet.id] == {"members": 0, "jobs": 0, "durable": 0, "stageplekken": 0, "places": 0}


def test_staff_correct_an_impact_job_of_an_organisation(app, client, login_as, make_org, make_user):
    from portal.audit.models import AuditEntry
    from portal.partners.models import ImpactJob

    owner = make_user(email="eigenaar@correctie.example")
    org = make_org(name="Correctie BV", members=[owner])
    other = make_org(name="Ander BV", members=[make_user(email="ander@correctie.example")])
    job = services.save_impact_job(org, owner, dict(title="Heftruckchauffeur", target_groups=["ww"],
                                                    contract_type="proefplaatsing", hours_per_week=32,
                                                    start_date=date(2025, 3, 1)))
    foreign = services.save_impact_job(other, owner, dict(title="Ander werk", target_groups=["ww"],
                                                          contract_type="vast", hours_per_week=32,
                                                          start_date=date(2025, 3, 1)))
    db.session.commit()
    job_id, foreign_id = job.id, foreign.id
    staff = login_as("mbo_staff")
    detail = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert f"/partners/{org.id}/banen/{job_id}" in detail
    page = client.get(f"/partners/{org.id}/banen/{job_id}")
    assert page.status_code == 200 and "als medewerker van St. MBO" in page.get_data(as_text=True)
    assert "Plaatsing verwijderen" not in page.get_data(as_text=True)

    data = {"title": "Heftruckchauffeur", "target_groups": ["ww"], "contract_type": "vast", "hours_per_week": "32",
            "start_date": "2025-03-01"}
    response = client.post(f"/partners/{org.id}/banen/{job_id}", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partners/{org.id}#banen")
    assert db.session.get(ImpactJob, job_id).contract_type == "vast"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "ImpactJob",
                                                        AuditEntry.object_id == job_id)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == staff.id and entry.organisation_id == org.id

    # Another organisation's job under this organisation's address does not exist; a bad form says why.
    assert client.get(f"/partners/{org.id}/banen/{foreign_id}").status_code == 404
    refused = client.post(f"/partners/{org.id}/banen/{job_id}", data={**data, "title": ""})
    assert refused.status_code == 400 and "Er is een probleem" in refused.get_data(as_text=True)


def test_members_cannot_use_the_staff_job_page(client, make_org, make_user):
    from tests.conftest import login

    owner = make_user(email="lid@staffpagina.example")
    org = make_org(name="Eigen BV", members=[owner])
    job = services.save_impact_job(org, owner, dict(title="Monteur", target_groups=["ww"], contract_type="vast",
                                                    hours_per_week=36, start_date=date(2025, 2, 1)))
    db.session.commit()
    login(client, owner.email)
    assert client.get(f"/partners/{org.id}/banen/{job.id}").status_code == 403
