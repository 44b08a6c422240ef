"""`flask --app wsgi jobs worker|run|list`: the background worker and the schedule by hand."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.extensions import db

jobs_cli = AppGroup("jobs", help="Background jobs: the worker and the schedule.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Worker threads (default JOBS_WORKERS).")
@click.option("--no-schedule", is_flag=True, help="Only run queued tasks (mail); leave the schedule to other nodes.")
def worker_command(workers, no_schedule):
    """Run queued tasks and the schedule until stopped (SIGTERM lets running tasks finish; Ctrl+C stops at once)."""
    from portal import jobs

    url = current_app.config["JOBS_URL"]
    if url in ("immediate",) or url.startswith("memory://"):
        raise click.ClickException(f"JOBS_URL={url} runs tasks inside the web process; a worker needs "
                                   "redis:// or sqlite:///.")
    count = workers or current_app.config["JOBS_WORKERS"]
    click.echo(f"worker: {count} thread(s) on {url.split('@')[-1]}, schedule {'off' if no_schedule else 'on'}")
    consumer = jobs.huey.create_consumer(workers=count, periodic=not no_schedule, worker_type="thread",
                                         graceful_signal="TERM")
    consumer.run()


@jobs_cli.command("run")
@click.argument("name")
@click.option("--once", is_flag=True, help="Claim the current period as the worker does: skip if it already ran.")
def run_command(name, once):
    """Run one scheduled job now (see `flask jobs list`)."""
    from portal import jobs

    try:
        jobs.job(name)
    except KeyError:
        names = ", ".join(entry.name for entry in jobs.SCHEDULE)
        raise click.ClickException(f"Unknown job {name!r}; known: {names}.") from None
    outcome = jobs.run_job(name, once_per_period=once)
    click.echo(f"{name}: {outcome if outcome is not None else 'already ran in this period on another node'}")


@jobs_cli.command("list")
def list_command():
    """The schedule (Europe/Amsterdam) and each job's last run."""
    from portal.jobs import SCHEDULE
    from portal.jobs.models import JobRun

    latest = select(JobRun.name, func.max(JobRun.id).label("id")).group_by(JobRun.name).subquery()
    runs = {run.name: run for run in db.session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))}
    for entry in SCHEDULE:
        run = runs.get(entry.name)
        last = (f"last {run.period:%Y-%m-%d %H:%M} UTC on {run.node}: {run.outcome or 'running'}"
                if run else "never ran")
        click.echo(f"{entry.name:<20} {entry.cron:<14} {entry.does}\n{'':<20} {last}")


COMMANDS = [jobs_cli]
