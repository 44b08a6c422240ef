"""Backup and restore: what was committed before the backup is restored whole, with the same checksums;
what was not committed is not there; the restored portal serves; a non-empty target is refused."""
import os
import tempfile

import pytest
from sqlalchemy import create_engine, inspect, select, text

from portal import create_app
from portal.auth.models import User
from portal.backup import services
from portal.backup.services import BackupError, sha256_of
from portal.database import utcnow
from portal.extensions import db
from portal.label import assessments
from portal.label.models import EvidenceFile
from tests.conftest import _test_config
from tests.label.conftest import PDF, build_set

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def _snapshot_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, as plain tuples."""
    rows = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            if table == "alembic_version":
                continue
            found = conn.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608 - names from the schema
            rows[table] = sorted(tuple(str(v) for v in row) for row in found)
    return rows


@pytest.fixture
def evidence_state(make_user, make_org):
    staff = make_user("mbo_staff", name="Sanne Staf")
    build_set(staff)
    member = make_user("ondernemer", name="Olga Ondernemer")
    org = make_org(name="Bouwbedrijf Back-up", members=[member])
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    criterion = item.criteria_set.themes[0].criteria[1]
    assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member)
    assessments.add_evidence(item, criterion, "foto.png", PNG, member)
    db.session.commit()
    return org, member


def test_backup_restores_every_committed_row_and_file_and_nothing_half_written(app, evidence_state, target_app):
    out = os.path.join(tempfile.mkdtemp(prefix="portal-backup-"), "backup")
    uploads = app.config["UPLOAD_FOLDER"]
    # A transaction that is still running when the backup is taken: a new account and an upload written
    # to disk before its row commits (as evidence.store does). Neither may appear in the backup.
    before = _snapshot_rows(db.engine)
    other = create_engine(db.engine.url)
    half = other.connect()
    half.execute(text("SELECT 1"))  # the connection's BEGIN (IMMEDIATE on SQLite) runs now
    half.execute(User.__table__.insert().values(email="halfweg@example.nl", name="Halfweg", password_hash="x",
                                                active=True, language="nl", session_version=1,
                                                created_at=utcnow()))
    orphan = os.path.join(uploads, "label", "999", "half-written")
    os.makedirs(os.path.dirname(orphan), exist_ok=True)
    with open(orphan, "wb") as handle:
        handle.write(b"not committed")
    try:
        result = services.create_backup(out)
    finally:
        half.rollback()
        half.close()
        other.dispose()

    committed = {e.stored_name: sha256_of(os.path.join(uploads, "label", e.stored_name))
                 for e in db.session.scalars(select(EvidenceFile))}
    assert len(committed) == 2
    assert {f["path"] for f in result.manifest["files"]} == {f"label/{name}" for name in committed}
    assert not os.path.exists(out + ".partial")

    with target_app.app_context():
        restored = services.restore_backup(out)
        after = _snapshot_rows(db.engine)
        assert restored.manifest["row_counts"]["user"] == len(before["user"])
        restored_uploads = target_app.config["UPLOAD_FOLDER"]
        for name, digest in committed.items():
            assert sha256_of(os.path.join(restored_uploads, "label", name)) == digest
        assert not os.path.exists(os.path.join(restored_uploads, "label", "999"))
        assert db.session.scalar(select(User).where(User.email == "halfweg@example.nl")) is None
    assert after == before

    client = target_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/account/inloggen").status_code == 200

    # Restoring again onto the now filled database is refused before anything is written.
    with target_app.app_context(), pytest.raises(BackupError, match="niet leeg|not empty"):
        services.restore_backup(out)


def test_a_changed_file_in_the_backup_is_found_before_restoring(app, evidence_state, target_app):
    out = os.path.join(tempfile.mkdtemp(prefix="portal-backup-"), "backup")
    services.create_backup(out)
    first = services.read_manifest(out)["files"][0]["path"]
    with open(os.path.join(out, "files", first), "ab") as handle:
        handle.write(b"bitrot")
    with pytest.raises(BackupError, match="checksum"):
        services.verify_backup(out)
    with target_app.app_context():
        with pytest.raises(BackupError, match="checksum"):
            services.restore_backup(out)
        assert inspect(db.engine).get_table_names() == []  # nothing was restored


def test_backup_refuses_a_folder_that_is_not_empty(app):
    out = tempfile.mkdtemp(prefix="portal-backup-")
    open(os.path.join(out, "something"), "w").close()
    with pytest.raises(BackupError, match="not empty"):
        services.create_backup(out)


def test_cli_creates_verifies_and_restores(app, runner, evidence_state, target_app):
    out = os.path.join(tempfile.mkdtemp(prefix="portal-backup-"), "backup")
    created = runner.invoke(args=["backup", "create", "--out", out])
    assert created.exit_code == 0, created.output
    assert "2 files" in created.output
    verified = runner.invoke(args=["backup", "verify", out])
    assert verified.exit_code == 0 and "complete" in verified.output
    with target_app.app_context():  # the CLI runs in the pushed context: the target's configuration
        restored = target_app.test_cli_runner().invoke(args=["backup", "restore", out])
        assert restored.exit_code == 0, restored.output
        again = target_app.test_cli_runner().invoke(args=["backup", "restore", out])
    assert again.exit_code != 0 and "not empty" in again.output


def test_a_backup_of_an_older_schema_is_migrated_forward_on_restore(smtp_server):
    """An SQLite portal at migration 0004, backed up and restored by today's code, ends at the newest revision."""
    from flask_migrate import upgrade

    def sqlite_app(name):
        folder = tempfile.mkdtemp(prefix=f"portal-{name}-")
        return create_app(_test_config("sqlite:///" + os.path.join(folder, "portal.db"), smtp_server.port,
                                       UPLOAD_FOLDER=os.path.join(folder, "uploads")))

    old = sqlite_app("old")
    out = os.path.join(tempfile.mkdtemp(prefix="portal-backup-"), "backup")
    with old.app_context():
        upgrade(revision="0004")
        db.session.execute(text("INSERT INTO \"user\" (email, name, password_hash, active, language, created_at, "
                                "session_version) VALUES ('oud@example.nl', 'Oud', 'x', 1, 'nl', "
                                "'2024-01-01 00:00:00', 1)"))
        db.session.commit()
        assert services.create_backup(out).manifest["schema_revision"] == "0004"
        db.engine.dispose()
    new = sqlite_app("new")
    with new.app_context():
        result = services.restore_backup(out)
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(new.extensions["migrate"].migrate.get_config())
        assert head == script.get_current_head() != "0004"
        assert result.notes == [f"schema 0004 -> {head}"]
        assert db.session.scalar(select(User.name).where(User.email == "oud@example.nl")) == "Oud"
        db.engine.dispose()
