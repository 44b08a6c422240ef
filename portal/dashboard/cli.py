"""`flask --app wsgi report quarterly --year 2025 --quarter 3 --municipality Dordrecht --out FILE`."""
import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.extensions import db

report_cli = AppGroup("report", help="Quarterly reports of the programme.")


@report_cli.command("quarterly")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--quarter", type=click.IntRange(1, 4), required=True)
@click.option("--municipality", required=True, help="Name of the municipality, e.g. Dordrecht.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The XLSX file to write.")
@click.option("--internal", is_flag=True, default=False,
              help="Real numbers for St. MBO and the municipality; default: small counts suppressed as <5.")
def quarterly_command(year, quarter, municipality, out, internal):
    """Write the quarterly report as XLSX: the same file as the download on the dashboard."""
    from portal.dashboard.reports import build_quarterly_report, to_xlsx
    from portal.partners.models import Municipality

    found = db.session.scalar(select(Municipality).where(func.lower(Municipality.name) == municipality.strip().lower()))
    if found is None:
        names = ", ".join(db.session.scalars(select(Municipality.name).order_by(Municipality.name)))
        raise click.ClickException(f"Unknown municipality {municipality!r}; known: {names or 'none'}.")
    report = build_quarterly_report(year, quarter, found, external=not internal)
    data = to_xlsx(report)
    with open(out, "wb") as handle:
        handle.write(data)
    click.echo(f"Wrote {out} ({len(data)} bytes): {found.name} {year} Q{quarter}, "
               f"{'internal' if internal else 'external (counts below 5 suppressed)'}.")


@report_cli.command("standing")
@click.argument("day", required=False)
@click.option("--municipality", default=None, help="Name of the municipality; default: all that take part.")
def standing_command(day, municipality):
    """Print partners, heeft het label and werkt aan het label on DAY (YYYY-MM-DD, default today), as the
    programme counts them (portal.programme.standing): the numbers of the dashboard and the quarterly report."""
    from datetime import date

    from portal.clock import today
    from portal.partners.models import Municipality
    from portal.programme import standing

    try:
        on = date.fromisoformat(day) if day else today()
    except ValueError as exc:
        raise click.ClickException("Give the date as YYYY-MM-DD.") from exc
    municipality_id = None
    if municipality:
        found = db.session.scalar(select(Municipality)
                                  .where(func.lower(Municipality.name) == municipality.strip().lower()))
        if found is None:
            raise click.ClickException(f"Unknown municipality {municipality!r}.")
        municipality_id = found.id
    counts = standing.counts_on([on], municipality_id=municipality_id)[on]
    counted = sum(counts.counted.values(), standing.StandingCounts())
    left_out = sum(counts.not_counted.values(), standing.StandingCounts())
    click.echo(f"partners                   {counted.partners}")
    click.echo(f"heeft het label            {counted.labels}")
    click.echo(f"werkt aan het label        {counted.working}")
    click.echo(f"label zonder partnerschap  {counted.label_only}")
    if left_out.partners or left_out.label_only:
        click.echo(f"niet meegeteld (gemeente neemt nog niet deel): {left_out.partners} partners")


dashboard_cli = AppGroup("dashboard", help="The dashboard's numbers.")


@dashboard_cli.command("refresh")
def refresh_command():
    """Compute the dashboard's default view (all municipalities and each one) ahead of its viewers."""
    click.echo(refresh_job())


def refresh_job() -> str:
    """The scheduled job (portal/jobs/schedule.py, every 10 minutes) and the command."""
    from portal.dashboard import cache, metrics, reports
    from portal.dashboard.forms import default_period
    from portal.label.history import today

    start, end = default_period(today())
    points = metrics.quarter_points(start, end)
    scopes = [None] + [m.id for m in metrics.municipalities()]
    stored = 0
    for municipality_id in scopes:
        filters = metrics.Filters(start=start, end=end, municipality_id=municipality_id)
        snapshot = metrics.compute_snapshot(filters, reports.snapshot_dates(filters, points))
        db.session.rollback()  # end the read; the snapshot is stored in a transaction of its own
        stored += cache.store(cache.snapshot_key(filters, reports.snapshot_dates(filters, points)), snapshot)
    return f"Dashboard numbers computed for {len(scopes)} views ({stored} stored), period {start} to {end}."


COMMANDS = [report_cli, dashboard_cli]
