"""Numbers and dates out of the database's or the domain's range are refused with a message, never a 500.

The examples from the security review first, then every number, decimal and date field of every form class of
the portal against the extremes (portal.inputs bounds them in one place), then the query-string readers."""
from datetime import date
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import fields

from portal.extensions import db
from portal.inkoop.models import Procedure
from portal.inputs import bounded_date, bounded_decimal, bounded_id, bounded_int, within

EXTREME_NUMBERS = ["2147483648", "-2147483649", "99999999999999999999", "1e30", "-1e30", "1e308", "NaN", "inf",
                   "-inf", "sNaN", "9" * 400, "0x10", "1,5e999"]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01", "0000-00-00", "-0001-01-01"]


def test_review_examples_answer_a_page_not_a_500(client, login_as):
    login_as("admin")
    for url in ("/label/register?gemeente=2147483648", "/label/register?gemeente=-1",
                "/beheer/audit/?organisation_id=2147483648", "/beheer/audit/?object_id=99999999999999999999",
                "/beheer/audit/?date_from=0001-01-01", "/beheer/audit/?date_to=9999-12-31",
                "/beheer/audit/?date_from=0001-01-01&date_to=0001-01-02"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/beheer/audit/?organisation_id=2147483648&date_from=0001-01-01").get_data(as_text=True)
    assert "Vul een heel getal in" in page and "Vul een datum in tussen 1900 en 2999" in page


@pytest.mark.parametrize("amount", ["1e30", "NaN", "-inf", "99999999999999999"])
def test_a_procedure_with_an_absurd_discount_is_refused_with_a_message(client, login_as, amount):
    login_as("inkoop")
    response = client.post("/inkoop/procedures/nieuw", data={
        "kind": "aanbesteding", "title": "Schoonmaak", "closing_date": "2030-01-01", "price_method": "relatief",
        "score_mode": "consensus", "quality_scale": "0,2,4,6,8,10", "commitment_months": "24",
        "discount_per_point": amount})
    assert response.status_code in (200, 400)
    assert "error-message" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Procedure)) == 0


def test_the_readers_keep_to_the_bounds():
    assert bounded_int("2147483647") == 2**31 - 1 and bounded_int("2147483648") is None
    assert bounded_int("-2147483648") == -(2**31) and bounded_int("-2147483649", 0) == 0
    assert bounded_int("12", min_value=20) is None and bounded_int(" 7 ") == 7 and bounded_int("1e3") is None
    assert bounded_id("0") is None and bounded_id("5") == 5 and bounded_id(True) is None
    assert bounded_decimal("12,50") == Decimal("12.50") and bounded_decimal("1e30") is None
    assert bounded_decimal("NaN") is None and bounded_decimal("x") is None
    assert bounded_date("2026-02-28") == date(2026, 2, 28) and bounded_date("0001-01-01") is None
    assert within(date(1900, 1, 1)) and not within(date(3000, 1, 1)) and not within(float("inf"))


def _form_classes():
    """Every form class of the portal (imported through the app's blueprints)."""
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


BOUNDED = (fields.IntegerField, fields.DecimalField, fields.FloatField, fields.DateField, fields.DateTimeField)


def _instantiate(cls, formdata):
    for kwargs in ({}, {"municipalities": []}, {"label_choices": []}):
        try:
            return cls(formdata=formdata, meta={"csrf": False}, **kwargs)
        except TypeError:
            continue
    pytest.fail(f"cannot build {cls.__name__}")


def test_every_number_and_date_field_of_every_form_refuses_the_extremes(app):
    checked = 0
    with app.test_request_context(method="POST"):
        for cls in _form_classes():
            probe = _instantiate(cls, MultiDict())
            names = [f.name for f in probe if isinstance(f, BOUNDED)]
            for name in names:
                kind = probe[name]
                extremes = EXTREME_DATES if isinstance(kind, fields.DateTimeField) else EXTREME_NUMBERS
                for value in extremes:
                    form = _instantiate(cls, MultiDict({name: value}))
                    try:
                        form.validate()  # must not raise (except for choices the view fills in first)
                    except TypeError as exc:
                        assert "None" in str(exc), exc
                    assert within(form[name].data), (cls.__name__, name, value, form[name].data)
                    assert form[name].data is None or form[name].errors == [], (cls.__name__, name, value)
                    checked += 1
    assert checked >= 100, checked


def test_selects_coerced_to_int_refuse_a_number_past_the_column(app):
    from portal.dashboard.forms import FilterForm

    with app.test_request_context(query_string={"gemeente": "2147483648"}):
        from flask import request

        form = FilterForm(request.args, municipalities=[])
        assert form.gemeente.data is None  # no filter, rather than an overflow in the query


@pytest.mark.parametrize("value", ["", "2026-02-30", "20260101", "2026-1-1", "0000-01-01"])
def test_the_api_refuses_a_date_outside_its_schema(client, value):
    for url, query in (("/api/v1/labels", {"kvk": "12345678", "date": value}),
                       ("/api/v1/labels/12345678", {"date": value})):
        response = client.get(url, query_string=query)
        assert response.status_code == 400, (url, value)
        assert "Ongeldige datum" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_api_answers_for_any_calendar_date_its_schema_allows(client, value):
    response = client.get("/api/v1/labels", query_string={"kvk": "12345678", "date": value})
    assert response.status_code == 200 and response.get_json()["date"] == value
