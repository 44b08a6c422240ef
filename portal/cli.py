"""Command-line tasks: `flask --app wsgi users|mail|seed-demo ...` (packages add their own groups)."""
import secrets

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal.extensions import db

users_cli = AppGroup("users", help="Accounts and roles.")
mail_cli = AppGroup("mail", help="The mail outbox.")

# Each package may offer a `cli` AppGroup in portal/<package>/cli.py.
PACKAGE_CLIS = ("portal.partners.cli", "portal.label.cli", "portal.inkoop.cli", "portal.events.cli",
                "portal.dashboard.cli", "portal.jobs.cli", "portal.backup.cli", "portal.privacy.cli",
                "portal.impact.cli")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, default=["ondernemer"], show_default=True,
              help="ondernemer, mbo_staff, inkoop, gemeente or admin; repeat for more than one.")
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None, help="Password; a random one is generated and printed when left out.")
def create_user_command(email, roles, name, password):
    """Create a verified account with the given roles."""
    from portal.auth.services import AccountError, create_user

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, password, roles=roles, name=name or email.split("@")[0], verified=True)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.role_names))}.")
    if generated:
        click.echo(f"Password: {password}")


@users_cli.command("set-roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True)
def set_roles_command(email, roles):
    """Give an existing account exactly these roles."""
    from portal.auth.services import AccountError, find_user, set_roles

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    try:
        set_roles(user, roles)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.role_names))}")


@mail_cli.command("send")
@click.option("--limit", default=200, show_default=True)
def send_mail_command(limit):
    """Deliver pending mail whose next attempt is due (run from cron every minute)."""
    from portal.mail.outbox import send_pending

    result = send_pending(limit=limit)
    click.echo(f"sent {result['sent']}, failed {result['failed']}, skipped {result['skipped']}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load demo accounts and data (refused in production)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo is refused when PORTAL_ENV=production.")
    from portal.demo import print_logins, seed_demo

    created = seed_demo()
    click.echo("Demo data loaded." if created else "Demo data was already loaded.")
    print_logins()


def register_cli(app):
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(seed_demo_command)
    from portal import import_optional

    for module_name in PACKAGE_CLIS:
        module = import_optional(module_name)
        for command in getattr(module, "COMMANDS", []):
            app.cli.add_command(command)
