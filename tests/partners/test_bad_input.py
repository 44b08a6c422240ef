"""Bad input on any partner form gives a message, never a server error."""
from datetime import date

import pytest

from portal.extensions import db
from portal.partners import services
from tests.conftest import login

NASTY = ["", " ", "NaN", "sNaN", "Infinity", "-1", "1e309", "99999999999999999999999", "0000-00-00", "2025-13-45",
         "<script>alert(1)</script>", "'; DROP TABLE organisation; --", "\u0000", "ä" * 5000, ["a", "b"]]


@pytest.fixture
def beheerder(client, make_user, make_org):
    user = make_user()
    org = make_org(members=[user])
    job = services.save_impact_job(org, user, dict(title="Hulp", target_groups=["ww"], contract_type="vast",
                                                   hours_per_week=20, start_date=date(2025, 1, 1)))
    plek = services.save_stageplek(org, user, dict(title="Stage", education_level="mbo2", stage_type="bol",
                                                   field="zorg", places=1))
    db.session.commit()
    login(client, user.email)
    return {"job": job.id, "plek": plek.id}


FORMS = {
    "/organisatie/aanmelden": ["org-name", "org-kvk", "org-street", "org-postcode", "org-city", "org-municipality_id",
                               "org-sector", "org-size_class", "org-website", "org-contact_name", "org-contact_phone",
                               "org-contact_email"],
    "/organisatie/aansluiten": ["join-kvk", "join-message"],
    "/organisatie/gegevens": ["org-name", "org-postcode", "org-municipality_id", "org-sector", "org-size_class"],
    "/organisatie/partnerschap": ["motivation", "accept_terms"],
    "/organisatie/leden/uitnodigen": ["email", "role"],
    "/organisatie/banen/nieuw": ["title", "target_groups", "contract_type", "hours_per_week", "start_date",
                                 "end_date", "end_reason", "route", "neighbourhood", "profile", "job_coaching",
                                 "note"],
    "/organisatie/banen/{job}": ["title", "hours_per_week", "start_date", "end_date"],
    "/organisatie/banen/{job}/afsluiten": ["end_date", "end_reason"],
    "/organisatie/stageplekken/nieuw": ["title", "education_level", "stage_type", "field", "places",
                                        "places_filled", "period_start", "period_end", "published"],
    "/organisatie/stageplekken/{plek}": ["places", "places_filled", "period_start"],
    "/organisatie/stageplekken/{plek}/publiceren": ["published"],
}


def test_garbage_in_every_field_never_breaks_a_page(client, beheerder):
    for url, fields in FORMS.items():
        url = url.format(**beheerder)
        for value in NASTY:
            data = {name: value for name in fields}
            response = client.post(url, data=data)
            assert response.status_code < 500, (url, value)
    for url in ("/organisatie/banen?status=%00&year=1e309&target_group=<b>",
                "/stageplekken?niveau=%ff&gemeente=1e309&vakgebied=",
                "/organisatie/banen?page=99999999999999999999"):
        assert client.get(url).status_code < 500, url


def test_garbage_on_staff_forms(client, login_as, make_org):
    login_as("mbo_staff")
    org = make_org()
    for value in NASTY:
        response = client.post(f"/partners/{org.id}/status", data={"action": value, "reason": value})
        assert response.status_code < 500, value
        assert client.get("/partners", query_string={"q": value if isinstance(value, str) else "x",
                                                     "gemeente": value, "status": value}).status_code < 500
    assert client.get("/partners/export.xlsx?q=%00").status_code == 200


def test_huge_ids_in_urls_are_404_not_500(client, login_as):
    login_as("mbo_staff")
    for url in ("/partners/99999999999999999999", "/partners/import/99999999999999999999"):
        assert client.get(url).status_code == 404, url


def test_websites_never_become_script_links(client, login_as, make_org):
    import pandas as pd

    from portal.partners.importing import check_rows

    login_as("mbo_staff")
    rows = check_rows(pd.DataFrame([{"naam": "X", "kvk": "24121212", "postcode": "3311 AB", "gemeente": "Dordrecht",
                                     "website": "javascript:alert(1)"}]))
    assert rows[0]["clean"]["website"].startswith("https://")
    assert services.normalise_website("www.voorbeeld.nl") == "https://www.voorbeeld.nl"


def test_nul_characters_are_dropped_from_text(client, beheerder):
    from sqlalchemy import select

    from portal.partners.models import ImpactJob

    response = client.post("/organisatie/banen/nieuw", data={
        "title": "Kok\x00", "target_groups": ["ww"], "contract_type": "vast", "hours_per_week": "20",
        "start_date": "2025-03-03", "note": "met\x00 buddy"})
    assert response.status_code == 302
    job = db.session.scalar(select(ImpactJob).where(ImpactJob.title == "Kok"))
    assert job.note == "met buddy"
