"""`flask --app wsgi privacy retention|erase`: the retention schedule and requests received by mail."""

import click
from flask.cli import AppGroup

from portal.auth.services import find_user
from portal.clock import today
from portal.extensions import db
from portal.privacy import erasure
from portal.privacy.retention import run_retention

privacy_cli = AppGroup("privacy", help="Retention schedule and privacy requests.")


def retention_job(day=None) -> str:
    """The scheduled job (portal/jobs/schedule.py) and the command: apply the retention schedule and commit."""
    result = run_retention(day or today())
    db.session.commit()
    return ", ".join(f"{key} {value}" for key, value in result.items())


@privacy_cli.command("retention")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Apply as of this day.")
def retention_command(day):
    """Apply the retention schedule (run daily)."""
    click.echo(retention_job(day.date() if day else None))


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--by", "by_email", required=True, help="The St. MBO staff member or admin carrying it out.")
@click.option("--reason", required=True, help="How and when the request came in.")
def erase_command(email, by_email, reason):
    """Carry out an erasure request received by mail (audited)."""
    by = find_user(by_email)
    if by is None or not by.is_staff:
        raise click.ClickException(f"{by_email} is not a St. MBO staff or admin account.")
    try:
        kind = erasure.erase_on_request(email, by, reason)
    except erasure.PrivacyError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"erased the {kind} of {email}")


COMMANDS = [privacy_cli]
