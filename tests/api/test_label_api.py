"""The label check API, tested against its own OpenAPI document (jsonschema-rs and schemathesis)."""
from datetime import timedelta

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from portal.extensions import db
from portal.label import awards
from portal.label.history import today
from tests.label.conftest import build_set
from tests.label.test_history import approve_now, move_label


@pytest.fixture
def holder(make_user, make_org):
    staff = make_user("mbo_staff")
    build_set(staff)
    member = make_user()
    org = make_org(name="Schoonmaak Dordt", kvk="12345678", members=[member])
    _, label = approve_now(org, member, staff)
    return org, label, staff


def validator(client, name):
    spec = client.get("/api/v1/openapi.json").get_json()
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1") and "/labels/{kvk}" in spec["paths"]


def test_single_check_matches_the_schema(client, holder):
    org, label, _ = holder
    response = client.get("/api/v1/labels/12345678")
    assert response.status_code == 200
    body = response.get_json()
    validator(client, "LabelCheck").validate(body)
    assert body["label_status"] == "geldig" and body["certificate_number"] == label.certificate_number
    assert body["verification_url"] == f"http://localhost/label/verificatie/{label.certificate_number}"
    assert body["partner_status"] == "partner" and body["date"] == today().isoformat()
    # Spaces are accepted like everywhere in the portal (7
    # digits are refused: see tests/inkoop/test_kvk_seven_digits.py).
    assert client.get("/api/v1/labels/12 34 56 78").status_code == 200


def test_status_on_a_date(client, holder):
    org, label, staff = holder
    move_label(label, today() - timedelta(days=30))
    awards.suspend_label(label, staff, "Onderzoek")
    db.session.commit()
    before = (today() - timedelta(days=31)).isoformat()
    during = (today() - timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/labels/12345678?date={before}").get_json()["label_status"] == "geen"
    assert client.get(f"/api/v1/labels/12345678?date={during}").get_json()["label_status"] == "geldig"
    assert client.get("/api/v1/labels/12345678").get_json()["label_status"] == "geschorst"


def test_errors_are_json_and_match_the_schema(client, holder):
    check = validator(client, "Error")
    for url, status in [("/api/v1/labels/1234", 400), ("/api/v1/labels/abcdefgh", 400),
                        ("/api/v1/labels/87654321", 404), ("/api/v1/labels/12345678?date=2024-13-01", 400),
                        ("/api/v1/labels/12345678?date=gisteren", 400), ("/api/v1/labels", 400),
                        ("/api/v1/labels?kvk=12345678&kvk=12", 400)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json"
        check.validate(response.get_json())
    assert client.get("/api/v1/labels?kvk=12345678&kvk=12").get_json()["error"]["invalid"] == ["12"]


def test_bulk_check(client, holder, make_org):
    other = make_org(name="Groen BV", kvk="23456789")
    response = client.get("/api/v1/labels?kvk=12345678&kvk=23456789&kvk=99999999&kvk=12345678")
    assert response.status_code == 200
    body = response.get_json()
    validator(client, "LabelCheckList").validate(body)
    assert [r["kvk"] for r in body["results"]] == ["12345678", other.kvk]
    assert [r["label_status"] for r in body["results"]] == ["geldig", "geen"]
    assert body["not_found"] == ["99999999"]
    too_many = "&".join(f"kvk={10000000 + n}" for n in range(101))
    assert client.get(f"/api/v1/labels?{too_many}").status_code == 400


def test_cache_headers_and_conditional_requests(client, holder):
    response = client.get("/api/v1/labels/12345678")
    assert "public" in response.headers["Cache-Control"] and "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/api/v1/labels/12345678", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert client.get("/api/v1/labels/87654321").headers["Cache-Control"] == "no-store"


def test_rate_limit(app, client, holder):
    app.config["RATELIMIT_API"] = "3 per minute"
    statuses = [client.get("/api/v1/labels/12345678").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/labels/12345678")
    assert response.mimetype == "application/json" and response.get_json()["error"]["status"] == 429


def test_api_needs_no_login_or_csrf(client, holder):
    # GET only; a POST is refused as not allowed, not as a CSRF failure.
    assert client.get("/api/v1/labels/12345678").status_code == 200
    assert client.post("/api/v1/labels/12345678", csrf=False).status_code == 405


def test_api_conforms_to_its_openapi_document(app, holder):
    """Schemathesis generates requests from the document and checks every response against it.

    (Its pytest plugin does not run on pytest 9 yet, so the operations are driven with hypothesis here.)
    """
    app.config["RATELIMIT_API"] = "100000 per minute"
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.path for op in operations} == {"/labels/{kvk}", "/labels"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate()

        run()


def test_a_check_costs_one_statement(client, holder):
    from tests.querycount import count_queries

    client.get("/api/v1/labels/12345678")
    with count_queries() as q:
        assert client.get("/api/v1/labels/12345678").status_code == 200
    assert q.count == 1, q.statements  # the organisation with its labels and their status changes
