"""Impact jobs without personal data, durable jobs computed, stageplekken and the public filter page."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.partners import services
from portal.partners.models import ImpactJob, ImpactJobTargetGroup, Stageplek
from portal.partners.reference import ensure_municipalities
from tests.conftest import login

START = clock.today() - timedelta(days=400)


def job_form(**overrides):
    data = {"title": "Magazijnmedewerker", "target_groups": ["bijstand", "vijftig_plus"], "contract_type": "vast",
            "hours_per_week": "32", "start_date": START.isoformat(), "end_date": "", "end_reason": "",
            "route": "wijk_naar_werk", "neighbourhood": "crabbehof", "profile": "aanpakker_doorzetter",
            "job_coaching": "y", "note": "Begeleid door een buddy."}
    data.update(overrides)
    return data


def stage_form(**overrides):
    data = {"title": "Stage monteur", "education_level": "mbo2", "stage_type": "bbl", "field": "installatietechniek",
            "places": "3", "places_filled": "1", "period_start": clock.today().isoformat(),
            "period_end": (clock.today() + timedelta(days=120)).isoformat(), "school": "Da Vinci College",
            "sbb_recognised": "y", "published": "y", "description": "Leren in de praktijk."}
    data.update(overrides)
    return data


def member_client(client, make_user, make_org, **org):
    user = make_user()
    organisation = make_org(members=[user], **org)
    login(client, user.email)
    return user, organisation


def test_log_an_impact_job_and_see_totals(client, make_user, make_org):
    _user, org = member_client(client, make_user, make_org)
    response = client.post("/organisatie/banen/nieuw", data=job_form())
    assert response.status_code == 302
    job = db.session.scalar(select(ImpactJob))
    assert job.organisation_id == org.id and job.durable is True
    assert sorted(job.target_groups) == ["bijstand", "vijftig_plus"]
    assert float(job.hours_per_week) == 32.0 and job.job_coaching
    page = client.get("/organisatie/banen").get_data(as_text=True)
    assert "Magazijnmedewerker" in page and "Bijstand" in page and "50-plus" in page


def test_impact_job_validation_at_the_field(client, make_user, make_org):
    member_client(client, make_user, make_org)
    cases = [
        ({"title": ""}, "Vul de functie in."),
        ({"target_groups": []}, "Kies minstens één doelgroep."),
        ({"target_groups": ["onbekend"]}, "Kies doelgroepen uit de lijst."),
        ({"contract_type": ""}, "Kies het soort contract."),
        ({"hours_per_week": "0"}, "Tussen 1 en 60 uur."),
        ({"hours_per_week": "veel"}, "uren"),
        ({"start_date": ""}, "Vul de startdatum in."),
        ({"start_date": "31-02-2025"}, "startdatum"),
        ({"end_date": (START - timedelta(days=1)).isoformat(), "end_reason": "uitgevallen"}, "vóór de startdatum"),
        ({"end_date": clock.today().isoformat()}, "Kies waarom de plaatsing is gestopt."),
        ({"end_reason": "doorgestroomd"}, "Vul ook de einddatum in"),
        ({"route": "nergens"}, "Ongeldige keuze"),
        ({"note": "Jan, BSN 123456789"}, "geen namen, BSN"),
        ({"note": "geboren 12-03-1990"}, "geen namen, BSN"),
        ({"note": "bel 06-12345678"}, "geen namen, BSN"),
        ({"note": "mail jan@voorbeeld.nl"}, "geen namen, BSN"),
        ({"title": "Schoonmaker (bsn 123456789)"}, "geen namen, BSN"),
    ]
    for overrides, message in cases:
        response = client.post("/organisatie/banen/nieuw", data=job_form(**overrides))
        text = response.get_data(as_text=True)
        assert response.status_code == 400, overrides
        assert message.lower() in text.lower(), (overrides, message)
        assert 'aria-invalid="true"' in text or "Er is een probleem" in text
    assert db.session.scalar(select(func.count()).select_from(ImpactJob)) == 0


def test_the_form_has_no_field_for_personal_data_and_warns_about_names(client, make_user, make_org):
    member_client(client, make_user, make_org)
    page = client.get("/organisatie/banen/nieuw").get_data(as_text=True)
    assert "Schrijf hier geen namen" in page
    for forbidden in ('name="name"', 'name="bsn"', 'name="birth', 'name="geboortedatum"', 'name="email"'):
        assert forbidden not in page


def test_durable_is_computed_from_contract_or_duration(app, make_user, make_org):
    user = make_user()
    org = make_org(members=[user])
    base = dict(title="Hulpkok", target_groups=["ww"], hours_per_week=20, start_date=date(2024, 1, 31))
    short_contract = services.save_impact_job(org, user, dict(base, contract_type="tijdelijk_kort"))
    lasted = services.save_impact_job(org, user, dict(base, contract_type="proefplaatsing",
                                                      end_date=date(2024, 7, 31), end_reason="doorgestroomd"))
    almost = services.save_impact_job(org, user, dict(base, contract_type="proefplaatsing",
                                                      end_date=date(2024, 7, 30), end_reason="uitgevallen"))
    tijdelijk_lang = services.save_impact_job(org, user, dict(base, contract_type="tijdelijk_lang"))
    db.session.commit()
    assert ((short_contract.durable, lasted.durable, almost.durable, tijdelijk_lang.durable)
            == (False, True, False, True))
    # Usable in GROUP BY for the dashboard.
    rows = dict(db.session.execute(select(ImpactJob.durable, func.count()).group_by(ImpactJob.durable)).all())
    assert rows == {True: 2, False: 2}
    by_group = db.session.execute(select(ImpactJobTargetGroup.target_group, func.count())
                                  .group_by(ImpactJobTargetGroup.target_group)).all()
    assert by_group == [("ww", 4)]
    # Closing a short placement later than 6 months makes it durable.
    services.close_impact_job(short_contract, user, date(2024, 9, 1), "contract_beeindigd")
    db.session.commit()
    assert short_contract.durable is True
    assert services.job_totals([org.id], on=date(2024, 8, 1)) == {"total": 4, "active": 2, "durable": 3, "coached": 0}


def test_edit_close_and_filter_impact_jobs(client, make_user, make_org):
    user, org = member_client(client, make_user, make_org)
    job = services.save_impact_job(org, user, dict(title="Chauffeur", target_groups=["statushouder"],
                                                   contract_type="tijdelijk_kort", hours_per_week=24,
                                                   start_date=START))
    db.session.commit()
    page = client.get(f"/organisatie/banen/{job.id}")
    assert page.status_code == 200 and 'value="Chauffeur"' in page.get_data(as_text=True)
    response = client.post(f"/organisatie/banen/{job.id}", data=job_form(title="Chauffeur C", target_groups=["ww"],
                                                                          contract_type="tijdelijk_kort"))
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.title == "Chauffeur C" and job.target_groups == ["ww"]

    bad = client.post(f"/organisatie/banen/{job.id}/afsluiten", data={"end_date": "", "end_reason": ""})
    assert bad.status_code == 400
    response = client.post(f"/organisatie/banen/{job.id}/afsluiten",
                           data={"end_date": clock.today().isoformat(), "end_reason": "doorgestroomd"})
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.end_date == clock.today() and job.end_reason == "doorgestroomd" and job.durable

    assert "Chauffeur C" in client.get("/organisatie/banen?status=duurzaam").get_data(as_text=True)
    assert "Chauffeur C" not in client.get("/organisatie/banen?target_group=bijstand").get_data(as_text=True)
    assert "Chauffeur C" in client.get("/organisatie/banen?target_group=ww").get_data(as_text=True)
    assert "Chauffeur C" not in client.get(f"/organisatie/banen?year={START.year - 1}").get_data(as_text=True)
    # Bad filter values are ignored, never a 500.
    assert client.get("/organisatie/banen?year=abc&status=x&contract_type=y&page=zz").status_code == 200


def test_stageplek_validation_and_publishing(client, make_user, make_org):
    member_client(client, make_user, make_org)
    for overrides, message in [
        ({"title": ""}, "Vul een titel in."),
        ({"education_level": "kleuter"}, "Ongeldige keuze"),
        ({"places": "0"}, "Tussen 1 en 500."),
        ({"places": "2", "places_filled": "3"}, "niet meer plaatsen bezet"),
        ({"period_end": (clock.today() - timedelta(days=1)).isoformat()}, "vóór het begin"),
    ]:
        response = client.post("/organisatie/stageplekken/nieuw", data=stage_form(**overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert client.post("/organisatie/stageplekken/nieuw", data=stage_form()).status_code == 302
    plek = db.session.scalar(select(Stageplek))
    assert plek.published and plek.places_open == 2
    client.post(f"/organisatie/stageplekken/{plek.id}/publiceren", data={"published": "0"})
    db.session.refresh(plek)
    assert not plek.published


def test_public_stageplekken_page_filters(client, app, make_user, make_org):
    ensure_municipalities()
    user = make_user()
    dordt = make_org(name="Zorg Dordrecht", members=[user])
    papen = make_org(name="Techniek Papendrecht", municipality="Papendrecht")
    pending = make_org(name="Nog Geen Partner", status="aanvraag")
    add = services.save_stageplek
    add(dordt, user, stage_form(title="Stage helpende zorg", education_level="mbo2", field="zorg"))
    add(papen, user, stage_form(title="Stage monteur", education_level="mbo3", field="techniek"))
    add(dordt, user, stage_form(title="Verborgen stage", published=False))
    add(dordt, user, stage_form(title="Volle stage", places="2", places_filled="2"))
    add(dordt, user, stage_form(title="Voorbije stage", period_start=date(2020, 1, 1), period_end=date(2020, 6, 1)))
    add(pending, user, stage_form(title="Stage bij aanvrager"))
    db.session.commit()

    text = client.get("/stageplekken").get_data(as_text=True)
    assert "Stage helpende zorg" in text and "Stage monteur" in text
    for hidden in ("Verborgen stage", "Volle stage", "Voorbije stage", "Stage bij aanvrager"):
        assert hidden not in text
    text = client.get("/stageplekken?niveau=mbo3").get_data(as_text=True)
    assert "Stage monteur" in text and "Stage helpende zorg" not in text
    text = client.get("/stageplekken?vakgebied=zorg").get_data(as_text=True)
    assert "Stage helpende zorg" in text and "Stage monteur" not in text
    muni_id = papen.municipality_id
    text = client.get(f"/stageplekken?gemeente={muni_id}").get_data(as_text=True)
    assert "Stage monteur" in text and "Stage helpende zorg" not in text
    assert client.get("/stageplekken?gemeente=abc&niveau=x&page=-1").status_code == 200
