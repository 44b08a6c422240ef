"""The dashboard's numbers are kept a few minutes (portal/dashboard/cache.py):
shared, refreshable, never wrong in shape."""
from datetime import timedelta

from sqlalchemy import func, select, update

from portal.dashboard import cache, metrics, reports
from portal.dashboard.models import DashboardSnapshot
from portal.extensions import db
from tests.dashboard.conftest import Q2_END, Q2_START
from tests.dashboard.test_views import _row, _table
from tests.querycount import count_queries

URL = "/dashboard/?gemeente={id}&van=2024-04-01&tot=2024-06-30"


def _partners_shown(client, dataset, extra=""):
    html = client.get(URL.format(id=dataset.dordrecht.id) + extra).get_data(as_text=True)
    return int(_row(_table(html, "doelen-stand"), "Partners")[0]), html


def _backdate_new_partner(make_org, dataset):
    """A partner that joined in the period, as if approved just now with an earlier date."""
    from portal.partners.models import PartnerStatusChange

    org = make_org(name="Nieuwkomer", municipality="Dordrecht")
    db.session.execute(update(PartnerStatusChange).where(PartnerStatusChange.organisation_id == org.id)
                       .values(valid_from=Q2_START))
    db.session.commit()
    return org


def test_snapshot_is_kept_then_refreshed_on_request_and_after_it_expires(app, client, login_as, make_org, dataset):
    app.config["DASHBOARD_CACHE_SECONDS"] = 600
    login_as("gemeente")
    before, html = _partners_shown(client, dataset)
    assert before == 3
    assert "Cijfers berekend op" in html and "Nu verversen" in html and "ververs=1" in html
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 1

    _backdate_new_partner(make_org, dataset)
    assert _partners_shown(client, dataset)[0] == 3  # the kept snapshot
    assert _partners_shown(client, dataset, "&ververs=1")[0] == 4  # "Nu verversen"

    _backdate_new_partner(make_org, dataset)
    assert _partners_shown(client, dataset)[0] == 4
    snapshot_row = db.session.scalar(select(DashboardSnapshot))
    snapshot_row.computed_at -= timedelta(seconds=601)
    db.session.commit()
    assert _partners_shown(client, dataset)[0] == 5  # expired: computed again
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 1


def test_a_kept_snapshot_skips_the_heavy_queries(app, client, login_as, dataset):
    app.config["DASHBOARD_CACHE_SECONDS"] = 600
    login_as("gemeente")
    url = URL.format(id=dataset.dordrecht.id)
    with count_queries() as first:
        client.get(url)
    with count_queries() as second:
        assert client.get(url).status_code == 200
    assert second.count <= first.count - 10
    assert not any("FROM impact_job" in s for s in second.statements)


def test_without_the_cache_every_view_is_computed(app, client, login_as, make_org, dataset):
    assert app.config["DASHBOARD_CACHE_SECONDS"] == 0
    login_as("gemeente")
    html = _partners_shown(client, dataset)[1]
    assert "Cijfers berekend op" not in html
    _backdate_new_partner(make_org, dataset)
    assert _partners_shown(client, dataset)[0] == 4
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 0


def test_encode_decode_round_trip(app, dataset, events_and_commitments):
    filters = metrics.Filters(start=Q2_START, end=Q2_END)
    points = metrics.quarter_points(Q2_START, Q2_END)
    snapshot = metrics.compute_snapshot(filters, reports.snapshot_dates(filters, points))
    assert snapshot.jobs.active and snapshot.events and snapshot.commitments  # the data set fills every part
    again = cache.decode(cache.encode(snapshot))
    assert again == snapshot
    assert reports.build_subjects(filters, points, snapshot=again) == reports.build_subjects(filters, points)


def test_an_unreadable_snapshot_is_computed_again(app, client, login_as, dataset):
    app.config["DASHBOARD_CACHE_SECONDS"] = 600
    login_as("gemeente")
    assert _partners_shown(client, dataset)[0] == 3
    db.session.execute(update(DashboardSnapshot).values(payload='{"status": "kapot"}'))
    db.session.commit()
    assert _partners_shown(client, dataset)[0] == 3
    assert db.session.scalar(select(DashboardSnapshot.payload)).startswith('{"status":[[')


def test_cli_refresh_computes_every_municipality_ahead(app, runner, client, login_as, dataset):
    app.config["DASHBOARD_CACHE_SECONDS"] = 600
    result = runner.invoke(args=["dashboard", "refresh"])
    assert result.exit_code == 0, result.output
    municipalities = len(metrics.municipalities())
    assert f"computed for {municipalities + 1} views ({municipalities + 1} stored)" in result.output
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == municipalities + 1
    login_as("gemeente")
    with count_queries() as q:
        assert client.get("/dashboard/").status_code == 200  # the default view: already there
    assert not any("FROM impact_job" in s for s in q.statements)
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == municipalities + 1


def test_refreshing_is_rate_limited_but_viewing_is_not(make_app, client, login_as, dataset):
    app = client.application
    app.config.update(DASHBOARD_CACHE_SECONDS=600, RATELIMIT_DASHBOARD_REFRESH="2 per minute")
    login_as("gemeente")
    url = URL.format(id=dataset.dordrecht.id)
    assert [client.get(url + "&ververs=1").status_code for _ in range(3)] == [200, 200, 429]
    assert "Te veel pogingen" in client.get(url + "&ververs=1").get_data(as_text=True)
    assert all(client.get(url).status_code == 200 for _ in range(4))
