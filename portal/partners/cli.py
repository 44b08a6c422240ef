"""`flask --app wsgi partners ...`: the partner list import and partner counts from the command line."""
from collections import Counter
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db

partners_cli = AppGroup("partners", help="Partner organisations.")


def _run_import(path: Path, by_email: str, yes: bool, upload, commit) -> None:
    """One import from the command line, for every kind: show each row's problems (and warnings); with --yes
    commit all valid rows in one transaction through the same rules as the page."""
    from portal.auth.services import find_user
    from portal.partners.services import PartnerError

    user = find_user(by_email)
    if user is None or not user.is_staff:
        raise click.ClickException(f"{by_email} is not a St. MBO account.")
    try:
        batch = upload(path.name, path.read_bytes(), user)
    except PartnerError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    for row in batch.rows:
        for problem in row["problems"]:
            click.echo(f"regel {row['line']}: {problem}")
        for warning in row.get("warnings", ()):
            click.echo(f"regel {row['line']} (let op): {warning}")
    click.echo(f"{len(batch.rows)} rijen, {len(batch.valid_rows)} zonder problemen.")
    if not yes:
        db.session.commit()
        click.echo(f"Niets geïmporteerd. Bevestig in het portaal (import {batch.id}) of draai opnieuw met --yes.")
        return
    try:
        commit(batch, user)
    except PartnerError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{batch.created_count} nieuw, {batch.updated_count} bijgewerkt, {batch.skipped_count} overgeslagen.")


@partners_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", required=True, help="E-mail of the St. MBO account the import is logged under.")
@click.option("--yes", is_flag=True, help="Import the valid rows; without it only the problems are shown.")
def import_command(path, by_email, yes):
    """Check a CSV or XLSX partner list and, with --yes, import all valid rows at once."""
    from portal.partners.importing import commit_import, upload_partner_list

    _run_import(path, by_email, yes, upload_partner_list, commit_import)


def _import_programme_file(kind, path, by_email, yes):
    from portal.partners import programme_import

    _run_import(path, by_email, yes, lambda name, data, user: programme_import.upload(kind, name, data, user),
                programme_import.commit)


@partners_cli.command("import-labels")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", required=True, help="E-mail of the St. MBO account the import is logged under.")
@click.option("--yes", is_flag=True, help="Import the valid rows; without it only the problems are shown.")
def import_labels_command(path, by_email, yes):
    """Check a CSV or XLSX of existing labels and, with --yes, import all valid rows at once."""
    _import_programme_file("labels", path, by_email, yes)


@partners_cli.command("import-path")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", required=True, help="E-mail of the St. MBO account the import is logged under.")
@click.option("--yes", is_flag=True, help="Import the valid rows; without it only the problems are shown.")
def import_path_command(path, by_email, yes):
    """Check a CSV or XLSX of path steps (intake, inspiratiesessie) and, with --yes, import all valid rows."""
    _import_programme_file("path", path, by_email, yes)


@partners_cli.command("status-on")
@click.argument("day", required=False)
def status_on_command(day):
    """Count organisations per partner status on DAY (YYYY-MM-DD, default today)."""
    from portal.partners.services import partner_status_on

    try:
        on = date.fromisoformat(day) if day else clock.today()
    except ValueError as exc:
        raise click.ClickException("Give the date as YYYY-MM-DD.") from exc
    counts = Counter(partner_status_on(None, on).values())
    for status, n in sorted(counts.items()):
        click.echo(f"{status:<10} {n}")


COMMANDS = [partners_cli]
