"""One consistent backup of the database and the files its rows point to, and its restore into an empty place.

A backup is a folder::

    manifest.json         format, dialect, schema revision, row counts, and a SHA-256 per file
    database.dump         PostgreSQL: pg_dump custom format, taken in an exported snapshot
    database.sqlite3      SQLite: a copy made with the online backup API (never a file copy of a live database)
    files/<path>          every upload a row in that snapshot points to, below UPLOAD_FOLDER

Consistency: the rows are read in one snapshot (PostgreSQL's exported snapshot shared by pg_dump and our own
reading transaction; SQLite's backup API, which reads one consistent version in WAL mode). The file list comes
from that same snapshot, so a file whose transaction had not committed is never in the backup, and a file a
committed row points to always is: uploads are written before their row commits and removed only after the
row's deletion commits, and the files are gathered once before the snapshot and once after it. The folder
is written as ``<out>.partial`` and renamed when complete, so a half-written backup never looks like one.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.actions import Refusal
from portal.database import utcnow
from portal.extensions import db

FORMAT = "portal-backup/1"
MANIFEST = "manifest.json"

# Columns that hold a path below UPLOAD_FOLDER: (table, column, folder below UPLOAD_FOLDER).
FILE_COLUMNS = [("label_evidence_file", "stored_name", "label")]


class BackupError(Refusal):
    """The backup or restore cannot go on; the message says why."""


@dataclass
class Result:
    path: str
    manifest: dict
    notes: list[str] = field(default_factory=list)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def libpq_url(url) -> str:
    """The SQLAlchemy URL as a libpq connection URI for pg_dump, pg_restore and psql."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return path


def _file_rows(conn) -> list[tuple[str, str]]:
    """(folder, stored name) of every upload a row points to, read in the caller's snapshot."""
    names = set(inspect(conn).get_table_names()) if conn.dialect.name == "sqlite" else None
    found = []
    for table, column, folder in FILE_COLUMNS:
        if names is not None and table not in names:
            continue
        for (value,) in conn.execute(text(f'SELECT DISTINCT "{column}" FROM "{table}"')):  # noqa: S608 - fixed names
            found.append((folder, value))
    return found


def _row_counts(conn) -> dict[str, int]:
    counts = {}
    for table in sorted(inspect(conn).get_table_names()):
        counts[table] = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
    return counts


def _revision(conn) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _safe_join(root: str, relative: str) -> str:
    path = os.path.realpath(os.path.join(root, relative))
    if not path.startswith(os.path.realpath(root) + os.sep):
        raise BackupError(f"Refusing a file path outside its folder: {relative!r}")
    return path


def create_backup(out: str) -> Result:
    """Write a complete backup of the configured database and upload folder to the new folder ``out``."""
    out = os.path.abspath(out)
    if os.path.exists(out) and os.listdir(out):
        raise BackupError(f"{out} exists and is not empty; choose a new folder.")
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(os.path.join(partial, "files"))
    uploads = current_app.config["UPLOAD_FOLDER"]
    started_at = utcnow()
    # First pass: every upload that exists now, so a file deleted right after the snapshot is still at hand.
    staged = _stage_files(uploads, os.path.join(partial, "staged"))
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        database_file, revision, counts, referenced = _dump_postgres(url, partial)
    elif url.get_backend_name() == "sqlite":
        database_file, revision, counts, referenced = _copy_sqlite(url, partial)
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()}.")
    files = []
    for folder, stored in sorted(set(referenced)):
        relative = os.path.join(folder, stored)
        target = _safe_join(os.path.join(partial, "files"), relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        source = os.path.join(uploads, relative)
        if os.path.exists(source):  # second pass: the file as it is now (uploads never change in place)
            shutil.copy2(source, target)
        elif relative in staged:
            shutil.copy2(os.path.join(partial, "staged", relative), target)
        else:
            raise BackupError(f"A row points to the missing upload {relative}; the backup is not complete.")
        files.append({"path": relative, "size": os.path.getsize(target), "sha256": sha256_of(target)})
    shutil.rmtree(os.path.join(partial, "staged"), ignore_errors=True)
    manifest = {
        "format": FORMAT,
        "started_at": started_at.isoformat(),
        "finished_at": utcnow().isoformat(),
        "dialect": url.get_backend_name(),
        "schema_revision": revision,
        "database": {"file": database_file, "size": os.path.getsize(os.path.join(partial, database_file)),
                     "sha256": sha256_of(os.path.join(partial, database_file))},
        "row_counts": counts,
        "files": files,
    }
    with open(os.path.join(partial, MANIFEST), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    if os.path.exists(out):
        os.rmdir(out)
    os.replace(partial, out)
    return Result(out, manifest)


def _stage_files(uploads: str, staging: str) -> set[str]:
    staged = set()
    for folder in {folder for _table, _column, folder in FILE_COLUMNS}:
        root = os.path.join(uploads, folder)
        for directory, _dirs, names in os.walk(root):
            for name in names:
                relative = os.path.relpath(os.path.join(directory, name), uploads)
                target = os.path.join(staging, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                try:
                    shutil.copy2(os.path.join(directory, name), target)
                except FileNotFoundError:
                    continue  # removed while we walked: its row's deletion had committed
                staged.add(relative)
    return staged


def _dump_postgres(url, partial: str):
    """pg_dump in a snapshot that our own transaction exports and keeps open, so both see the same rows."""
    engine = create_engine(url, poolclass=None)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            referenced = _file_rows(conn)
            counts = _row_counts(conn)
            revision = _revision(conn)
            command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                       "--file", os.path.join(partial, "database.dump"), "--dbname", libpq_url(url)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            conn.rollback()
    finally:
        engine.dispose()
    return "database.dump", revision, counts, referenced


def _copy_sqlite(url, partial: str):
    source = sqlite3.connect(_sqlite_path(url), timeout=30)
    target_path = os.path.join(partial, "database.sqlite3")
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # one step: one consistent version of the database, writers carry on (WAL)
    finally:
        source.close()
        target.close()
    engine = create_engine(f"sqlite:///{target_path}")
    try:
        with engine.connect() as conn:
            result = _file_rows(conn), _row_counts(conn), _revision(conn)
    finally:
        engine.dispose()
    referenced, counts, revision = result
    return "database.sqlite3", revision, counts, referenced


def read_manifest(path: str) -> dict:
    try:
        with open(os.path.join(path, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a portal backup of format {FORMAT}.")
    return manifest


def verify_backup(path: str) -> dict:
    """Check every checksum in the manifest; raises BackupError naming the first file that differs."""
    manifest = read_manifest(path)
    entries = [{"path": manifest["database"]["file"], "sha256": manifest["database"]["sha256"], "root": path}]
    entries += [{**entry, "root": os.path.join(path, "files")} for entry in manifest["files"]]
    for entry in entries:
        file_path = _safe_join(entry["root"], entry["path"])
        if not os.path.isfile(file_path):
            raise BackupError(f"The backup misses {entry['path']}.")
        if sha256_of(file_path) != entry["sha256"]:
            raise BackupError(f"The checksum of {entry['path']} does not match the manifest.")
    return manifest


def _target_is_empty(url) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def restore_backup(path: str, *, migrate: bool = True) -> Result:
    """Restore the backup at ``path`` into the configured database and UPLOAD_FOLDER, both of which must be
    empty; verify every checksum first and compare the restored row counts with the manifest. Then bring the
    schema forward with the migrations (a backup of an older version lands on the current schema)."""
    manifest = verify_backup(path)
    url = db.engine.url
    if url.get_backend_name() != manifest["dialect"]:
        raise BackupError(f"This is a {manifest['dialect']} backup; the configured database is "
                          f"{url.get_backend_name()}.")
    tables = _target_is_empty(url)
    if tables:
        raise BackupError(f"The target database is not empty ({len(tables)} tables, e.g. {tables[0]}); "
                          "restore into a new, empty database.")
    uploads = current_app.config["UPLOAD_FOLDER"]
    if os.path.isdir(uploads) and any(os.scandir(uploads)):
        raise BackupError(f"The upload folder {uploads} is not empty; restore into a new, empty folder.")
    db.session.remove()
    db.engine.dispose()
    database_file = os.path.join(path, manifest["database"]["file"])
    if manifest["dialect"] == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                   "--dbname", libpq_url(url), database_file]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        source = sqlite3.connect(database_file)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    for entry in manifest["files"]:
        target = _safe_join(uploads, entry["path"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(_safe_join(os.path.join(path, "files"), entry["path"]), target)
        if sha256_of(target) != entry["sha256"]:
            raise BackupError(f"{entry['path']} changed while it was restored.")
    with db.engine.connect() as conn:
        counts = _row_counts(conn)
    missing = {t: (n, counts.get(t)) for t, n in manifest["row_counts"].items() if counts.get(t) != n}
    if missing:
        raise BackupError(f"The restored row counts differ from the backup: {missing}")
    result = Result(path, manifest)
    if migrate and manifest["schema_revision"]:
        from flask_migrate import upgrade

        upgrade()
        with db.engine.connect() as conn:
            result.notes.append(f"schema {manifest['schema_revision']} -> {_revision(conn)}")
    elif not manifest["schema_revision"]:
        result.notes.append("the backup has no Alembic revision (schema made without migrations); not migrated")
    return result
