"""`flask --app wsgi backup create|verify|restore`: the backup of the database and the evidence files."""
import click
from flask.cli import AppGroup

from portal.backup import services

backup_cli = AppGroup("backup", help="Backup and restore of the database and the uploaded files.")


@backup_cli.command("create")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="A new folder for this backup (e.g. /var/backups/portal/2026-01-31T0200).")
def create_command(out):
    """Back up the database and every upload its rows point to, consistently, with SHA-256 checksums."""
    try:
        result = services.create_backup(out)
    except services.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    click.echo(f"backup {result.path}: {manifest['dialect']}, schema {manifest['schema_revision']}, "
               f"{sum(manifest['row_counts'].values())} rows, {len(manifest['files'])} files")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
def verify_command(path):
    """Check every checksum of a backup without restoring it."""
    try:
        manifest = services.verify_backup(path)
    except services.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup {path} is complete: {len(manifest['files'])} files and the database match their checksums")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--no-migrate", is_flag=True, help="Leave the schema at the backup's version.")
def restore_command(path, no_migrate):
    """Restore a backup into the configured (empty) database and (empty) UPLOAD_FOLDER, then migrate forward."""
    try:
        result = services.restore_backup(path, migrate=not no_migrate)
    except services.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {path}: {sum(result.manifest['row_counts'].values())} rows, "
               f"{len(result.manifest['files'])} files" + "".join(f"; {note}" for note in result.notes))


COMMANDS = [backup_cli]
