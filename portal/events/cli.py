"""`flask --app wsgi events remind|purge`: the scheduled side of events (portal/jobs/schedule.py)."""
import click
from flask.cli import AppGroup

from portal.events import services
from portal.extensions import db

events_cli = AppGroup("events", help="Event reminders and privacy purge.")


def remind_job() -> str:
    """The scheduled job (portal/jobs/schedule.py) and the command."""
    sent = services.send_reminders()
    db.session.commit()
    return f"{sent} reminder(s) queued"


def purge_job(months=None) -> str:
    events, registrations = services.purge_personal_data(months=months)
    db.session.commit()
    return f"purged {registrations} registration(s) of {events} event(s)"


@events_cli.command("remind")
def remind_command():
    """Mail reminders for events that start within their reminder days (run daily; never sends twice)."""
    click.echo(remind_job())


@events_cli.command("purge")
@click.option("--months", type=int, default=None, help="Override EVENT_PURGE_MONTHS.")
def purge_command(months):
    """Remove public registrants' personal data some months after their event, keeping the counts."""
    click.echo(purge_job(months))


COMMANDS = [events_cli]
