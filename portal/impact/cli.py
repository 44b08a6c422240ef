"""`flask --app wsgi impact ...`: warnings for SROI obligations that fall behind (cron, daily)."""
import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.impact import sroi

impact_cli = AppGroup("impact", help="Sociale waarde, SROI en Wijk naar Werk.")


@impact_cli.command("sroi-warnings")
def sroi_warnings_command():
    """Mail the buyer of each SROI obligation that is behind (at most once per quarter)."""
    sent = sroi.send_warnings()
    db.session.commit()
    click.echo(f"{sent} warning(s) queued")


COMMANDS = [impact_cli]
