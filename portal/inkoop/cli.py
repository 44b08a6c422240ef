"""`flask --app wsgi inkoop ...`: the bulk label check from the command line."""
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.inkoop import labelcheck, sources

inkoop_cli = AppGroup("inkoop", help="Inkoop en uitgifte.")


@inkoop_cli.command("labelcheck")
@click.argument("supplier_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--op", "on", default=None, help="Peildatum YYYY-MM-DD (default: today).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result as XLSX to this file.")
def labelcheck_command(supplier_file, on, out):
    """Check every KvK number of a CSV or XLSX supplier list on a date."""
    try:
        day = date.fromisoformat(on) if on else sources.today()
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--op") from exc
    try:
        values = labelcheck.read_supplier_file(supplier_file.name, supplier_file.read_bytes())
    except labelcheck.LabelCheckError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = labelcheck.bulk_check(values, day)
    for row in rows:
        name = row.organisation.name if row.organisation else ""
        click.echo(f"{row.line}\t{row.kvk or row.given}\t{labelcheck.VERDICTS[row.verdict]}\t{name}\t{row.problem}")
    if out:
        out.write_bytes(labelcheck.bulk_xlsx(rows, day))
        click.echo(f"Written to {out}")


@inkoop_cli.command("close-due")
def close_due_command():
    """Close open procedures whose closing date has passed and freeze the bidders' label status (daily job)."""
    click.echo(close_due_job(echo=click.echo))


def close_due_job(echo=None) -> str:
    """The scheduled job (portal/jobs/schedule.py) and the command: each procedure in its own transaction."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.inkoop.models import Procedure
    from portal.inkoop.procedures import ProcedureError, close_procedure

    due = db.session.scalars(select(Procedure.id).where(Procedure.status == "open",
                                                        Procedure.closing_date < sources.today())).all()
    closed = refused = 0
    for procedure_id in due:
        procedure = db.session.get(Procedure, procedure_id)
        try:
            close_procedure(procedure, by=None)
        except ProcedureError as exc:
            db.session.rollback()
            refused += 1
            if echo:
                echo(f"{procedure_id}\tnot closed: {exc}")
            continue
        db.session.commit()
        closed += 1
        if echo:
            echo(f"{procedure_id}\tclosed: {procedure.title}")
    return f"{closed} procedure(s) closed, {refused} not closed"


COMMANDS = [inkoop_cli]
