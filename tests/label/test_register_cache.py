"""The public register keeps which organisations fill a page for REGISTER_CACHE_SECONDS; shown values stay live."""
import re

from portal import database
from portal.extensions import db
from tests.querycount import count_queries


def _names(html):
    return re.findall(r"Registerbedrijf \d+", html)


def test_pages_are_kept_then_searched_again(app, client, make_org, monkeypatch):
    app.config["REGISTER_CACHE_SECONDS"] = 60
    database._PAGES.clear()
    orgs = [make_org(name=f"Registerbedrijf {n:02d}") for n in range(30)]
    first = client.get("/label/register").get_data(as_text=True)
    assert len(_names(first)) == 25 and "30" in first

    make_org(name="Registerbedrijf 00a nieuw")  # sorts first, but the kept page does not know it yet
    orgs[1].partner_status = "beeindigd"  # stopped matching: drops out at once
    db.session.commit()
    kept = client.get("/label/register").get_data(as_text=True)
    assert "00a nieuw" not in kept
    assert "Registerbedrijf 01" not in kept and "Registerbedrijf 00" in kept
    assert len(_names(kept)) == 24

    later = database.time.monotonic() + 61
    monkeypatch.setattr(database.time, "monotonic", lambda: later)
    fresh = client.get("/label/register").get_data(as_text=True)
    assert "Registerbedrijf 00a nieuw" in fresh and "Registerbedrijf 01" not in fresh
    assert len(_names(fresh)) == 25


def test_a_kept_page_skips_the_search_and_the_count(app, client, make_org):
    app.config["REGISTER_CACHE_SECONDS"] = 60
    database._PAGES.clear()
    for n in range(30):
        make_org(name=f"Registerbedrijf {n:02d}")
    url = "/label/register?q=registerbedrijf&page=2"
    with count_queries() as first:
        html = client.get(url).get_data(as_text=True)
    with count_queries() as second:
        again = client.get(url).get_data(as_text=True)
    assert _names(html) == _names(again) and len(_names(again)) == 5
    assert any("count(" in s.lower() for s in first.statements)
    assert not any("count(" in s.lower() for s in second.statements)
    assert not any("like" in s.lower() and "offset" in s.lower() for s in second.statements)
    assert 'aria-current="page"' in again and ">2<" in again  # the pager still knows it is page 2 of 2


def test_search_terms_are_literal(app, client, make_org):
    make_org(name="Honderd Procent BV")
    make_org(name="Under_score BV")
    assert "Honderd Procent" not in client.get("/label/register?q=%25").get_data(as_text=True)
    assert "Under_score" in client.get("/label/register?q=r_s").get_data(as_text=True)
    assert "Honderd Procent" not in client.get("/label/register?q=r_s").get_data(as_text=True)


def test_staff_list_and_attendee_search_take_wildcards_literally(app, client, login_as, make_org):
    make_org(name="Procent 100% BV")
    make_org(name="Gewoon BV")
    login_as("mbo_staff")
    assert "Gewoon BV" not in client.get("/partners?q=%25").get_data(as_text=True)
    assert "Procent 100% BV" in client.get("/partners?q=100%25").get_data(as_text=True)
