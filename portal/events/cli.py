"""`flask --app wsgi events remind|purge`: the cron side of events."""
import click
from flask.cli import AppGroup

from portal.events import services
from portal.extensions import db

events_cli = AppGroup("events", help="Event reminders and privacy purge.")


@events_cli.command("remind")
def remind_command():
    """Mail reminders for events that start within their reminder days (run daily; never sends twice)."""
    sent = services.send_reminders()
    db.session.commit()
    click.echo(f"{sent} reminder(s) queued")


@events_cli.command("purge")
@click.option("--months", type=int, default=None, help="Override EVENT_PURGE_MONTHS.")
def purge_command(months):
    """Remove public registrants' personal data some months after their event, keeping the counts."""
    events, registrations = services.purge_personal_data(months=months)
    db.session.commit()
    click.echo(f"purged {registrations} registration(s) of {events} event(s)")


COMMANDS = [events_cli]
