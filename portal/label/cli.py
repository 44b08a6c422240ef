"""`flask --app wsgi label remind`:
renewal reminders (90 and 30 days) and expiry, once a day (portal/jobs/schedule.py)."""
import click
from flask.cli import AppGroup

from portal.extensions import db

label_cli = AppGroup("label", help="The label Ondernemen met impact.")


@label_cli.command("remind")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today is this date (YYYY-MM-DD).")
def remind_command(on):
    """Mail renewal reminders once per label and moment, and mark ended labels as verlopen."""
    click.echo(remind_job(on.date() if on else None))
    _deliver_label_mail()


def remind_job(day=None) -> str:
    """The scheduled job (portal/jobs/schedule.py; the worker delivers its mail) and the command."""
    from portal.label.awards import expire_labels, send_reminders

    expired = expire_labels(day)
    sent = send_reminders(day)
    db.session.commit()
    return f"reminders sent {sent}, labels expired {expired}"


def _deliver_label_mail():
    """Send the mail just queued now rather than waiting for the next `mail send` run."""
    from sqlalchemy import select

    from portal.database import utcnow
    from portal.mail.models import OutboxMessage
    from portal.mail.outbox import deliver

    ids = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", OutboxMessage.kind.like("label-%"),
        OutboxMessage.next_attempt_at <= utcnow())).all()
    db.session.commit()
    if ids:
        deliver(ids)


COMMANDS = [label_cli]
