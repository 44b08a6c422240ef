"""Demo data for `flask --app wsgi seed-demo`: one account per role, then each package's own data."""
import click
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.services import create_user
from portal.extensions import db

DEMO_PASSWORD = "Impact-Drechtsteden-demo"  # noqa: S105 - printed on purpose; seed-demo is refused in production

DEMO_ACCOUNTS = [
    ("ondernemer@demo.ondernemenmetimpact.nl", "Ondernemer (Bouwbedrijf De Merwede)", ["ondernemer"]),
    ("stmbo@demo.ondernemenmetimpact.nl", "Medewerker St. MBO", ["mbo_staff"]),
    ("inkoop@demo.ondernemenmetimpact.nl", "Inkoopadviseur gemeente Dordrecht", ["inkoop"]),
    ("gemeente@demo.ondernemenmetimpact.nl", "Beleidsmedewerker gemeente Dordrecht", ["gemeente"]),
    ("admin@demo.ondernemenmetimpact.nl", "Beheerder portaal", ["admin"]),
]

# Packages add their data in this order; each module has seed(accounts: dict[str, User]).
SEEDERS = ("portal.partners.demo", "portal.partners.programme_demo", "portal.label.demo", "portal.inkoop.demo",
           "portal.events.demo",
           "portal.dashboard.demo", "portal.impact.demo")


def seed_demo() -> bool:
    """Create the demo data once; False when it was already there."""
    first_email = DEMO_ACCOUNTS[0][0]
    if db.session.scalar(select(User).where(User.email == first_email)) is not None:
        return False
    accounts = {}
    for email, name, roles in DEMO_ACCOUNTS:
        accounts[roles[0]] = create_user(email, DEMO_PASSWORD, roles=roles, name=name, verified=True)
    db.session.flush()
    from portal import import_optional

    for module_name in SEEDERS:
        module = import_optional(module_name)
        if module is None:
            continue
        module.seed(accounts)
        db.session.flush()
    db.session.commit()
    return True


def print_logins():
    click.echo("")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, roles in DEMO_ACCOUNTS:
        click.echo(f"  {roles[0]:<11} {email:<42} {name}")
    click.echo("")
