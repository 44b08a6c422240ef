"""`flask --app wsgi label remind`: renewal reminders (90 and 30 days) and expiry, for cron once a day."""
import click
from flask.cli import AppGroup

from portal.extensions import db

label_cli = AppGroup("label", help="The label Ondernemen met impact.")


@label_cli.command("remind")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today is this date (YYYY-MM-DD).")
def remind_command(on):
    """Mail renewal reminders once per label and moment, and mark ended labels as verlopen."""
    from portal.label.awards import expire_labels, send_reminders

    day = on.date() if on else None
    expired = expire_labels(day)
    sent = send_reminders(day)
    db.session.commit()
    click.echo(f"reminders sent {sent}, labels expired {expired}")


COMMANDS = [label_cli]
