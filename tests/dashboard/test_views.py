"""The dashboard page: who may see it, the numbers it shows, its charts and tables."""
import re

import pytest

from tests.dashboard.conftest import Q1_END


@pytest.mark.parametrize("role", ["ondernemer", "inkoop"])
def test_ondernemer_and_inkoop_are_refused(client, login_as, role):
    login_as(role)
    for url in ("/dashboard/", "/dashboard/kwartaalrapportage", "/dashboard/kwartaalrapportage.xlsx",
                "/dashboard/doelen"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_go_to_the_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/account/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("role", ["mbo_staff", "gemeente", "admin"])
def test_staff_municipality_and_admin_see_the_dashboard(client, login_as, role):
    login_as(role)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "<h1>Dashboard</h1>" in response.get_data(as_text=True)


def _table(html, key):
    match = re.search(rf'<table class="table dashboard-table" id="tabel-{key}">(.*?)</table>', html, re.S)
    assert match, key
    return match.group(1)


def _row(table_html, label):
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", table_html, re.S)
    assert match, label
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_staff_view_shows_real_small_numbers(client, login_as, dataset):
    login_as("gemeente")
    html = client.get(f"/dashboard/?gemeente={dataset.dordrecht.id}&van=2024-04-01&tot=2024-06-30").get_data(
        as_text=True)
    assert _row(_table(html, "doelen-stand"), "Partners")[0] == "3"
    jobs = _table(html, "banen-doelgroep")
    assert _row(jobs, "Bijstand") == ["2", "1"]
    assert _row(jobs, "50-plus") == ["1", "1"]
    assert "&lt;5" not in jobs and "<5" not in jobs


def test_the_status_of_a_date_in_the_past(client, login_as, dataset):
    login_as("mbo_staff")
    html = client.get(f"/dashboard/?gemeente={dataset.dordrecht.id}&van=2024-01-01&tot={Q1_END}").get_data(
        as_text=True)
    summary = _table(html, "doelen-stand")
    # On 31-03-2024 Gamma was still a partner; Gamma and Delta worked on the label (every partner without one).
    assert _row(summary, "Partners")[0] == "4"
    assert _row(summary, "Heeft het label")[0] == "2"
    assert _row(summary, "Werkt aan het label")[0] == "2"
    today = client.get(f"/dashboard/?gemeente={dataset.dordrecht.id}").get_data(as_text=True)
    assert _row(_table(today, "doelen-stand"), "Partners")[0] == "3"


def test_trend_per_quarter_with_targets(client, login_as, dataset):
    from portal.dashboard.targets import set_target
    from portal.extensions import db

    set_target(dataset.dordrecht, 2024, partners=75, labels=50, working_on_label=25, by=dataset.staff)
    db.session.commit()
    login_as("mbo_staff")
    html = client.get(f"/dashboard/?gemeente={dataset.dordrecht.id}&van=2024-01-01&tot=2024-06-30").get_data(
        as_text=True)
    trend = _table(html, "trend")
    assert _row(trend, "2024 K1") == ["31-03-2024", "4", "2", "2", "75", "50"]
    assert _row(trend, "2024 K2") == ["30-06-2024", "3", "2", "1", "75", "50"]
    assert _row(_table(html, "doelen-stand"), "Partners") == ["3", "75", "4%"]
    # No target for impact jobs was set: the page says so instead of a bar at 0.
    assert _row(_table(html, "doelen-stand"), "Banen met impact gestart")[1] == "geen doel vastgesteld"
    chart = re.search(r'<svg [^>]*id="grafiek-doelen-stand".*?</svg>', html, re.S).group(0)
    assert "geen doel vastgesteld</text>" in chart


def test_charts_are_svg_with_title_desc_beside_a_table(client, login_as, dataset):
    login_as("mbo_staff")
    html = client.get("/dashboard/?van=2024-01-01&tot=2024-06-30").get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) >= 8
    for svg in svgs:
        chart_id = re.search(r'id="(grafiek-[^"]+)"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert f'id="tabel-{chart_id.removeprefix("grafiek-")}"' in html
    # The description reads the numbers out.
    assert re.search(r"<desc[^>]*>Partners: 2024 K1: 5, 2024 K2: 4", html)
    assert "style=" not in html
    assert html.count("<h1>") == 1
    assert html.count("<caption") == html.count("<table")
    assert '<th scope="col"' in html and '<th scope="row"' in html


def test_bad_filters_show_a_message_not_an_error(client, login_as, dataset):
    login_as("mbo_staff")
    for query in ("van=2024-06-01&tot=2024-01-01", "gemeente=99999", "van=1800-01-01", "tot=kapot",
                  "van=2000-01-01&tot=2024-01-01", "van=2001-01-01", "sector=onbekend"):
        response = client.get(f"/dashboard/?{query}")
        assert response.status_code == 200, query
        assert "Er is een probleem" in response.get_data(as_text=True), query


def _ids(html):
    return [i for i in re.findall(r'\sid="([^"]+)"', html) if i != "csrf_token"]


def test_ids_are_unique_and_every_control_has_its_label(client, login_as, dataset):
    login_as("mbo_staff")
    pages = [client.get("/dashboard/?van=2024-01-01&tot=2024-06-30").get_data(as_text=True),
             client.get(f"/dashboard/kwartaalrapportage?jaar=2024&kwartaal=2&gemeente={dataset.dordrecht.id}"
                        "&versie=intern").get_data(as_text=True),
             client.get("/dashboard/kwartaalrapportage").get_data(as_text=True),
             client.get("/dashboard/doelen").get_data(as_text=True)]
    for html in pages:
        ids = _ids(html)
        assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
        for control_id in re.findall(r'<(?:select|input|textarea)[^>]*\sid="([^"]+)"', html):
            if control_id != "csrf_token":
                assert f'for="{control_id}"' in html, control_id
        for target in re.findall(r'aria-labelledby="([^"]+)"', html):
            for part in target.split():
                assert part in ids, part
    # The report form on the dashboard still sends the names the report expects.
    assert 'id="rapport-gemeente" name="gemeente"' in pages[0]
