"""`flask --app wsgi impact ...`:
warnings for SROI obligations that fall behind (the impact-sroi-warnings job, daily)."""
import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.impact import sroi

impact_cli = AppGroup("impact", help="Sociale waarde, SROI en Wijk naar Werk.")


def sroi_warnings_job() -> str:
    """The scheduled job (portal/jobs/schedule.py) and the command; the worker delivers the mail."""
    sent = sroi.send_warnings()
    db.session.commit()
    return f"{sent} warning(s) queued"


@impact_cli.command("sroi-warnings")
def sroi_warnings_command():
    """Mail the buyer of each SROI obligation that is behind (at most once per quarter)."""
    click.echo(sroi_warnings_job())


COMMANDS = [impact_cli]
