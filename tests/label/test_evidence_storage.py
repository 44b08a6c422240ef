"""Evidence in the shared file storage (FILE_STORAGE=database): every app server sees the file, and the file
follows its transaction as on disk."""
import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.files.models import StoredFile
from portal.label import assessments
from portal.label.models import EvidenceFile
from tests.conftest import login
from tests.label.conftest import PDF


def stored_count():
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def _setup(member_org):
    org, member = member_org
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    return item, item.criteria_set.themes[0].criteria[1]


@pytest.mark.parametrize("storage", ["local", "database"])
def test_an_upload_on_one_app_server_downloads_from_another(make_app, member_org, tmp_path, storage):
    # Two app servers: each its own upload folder, the same database.
    one = make_app(FILE_STORAGE=storage, UPLOAD_FOLDER=str(tmp_path / "one"))
    two = make_app(FILE_STORAGE=storage, UPLOAD_FOLDER=str(tmp_path / "two"))
    item, criterion = _setup(member_org)
    email = member_org[1].email
    first, second = one.test_client(), two.test_client()
    login(first, email)
    login(second, email)
    response = first.post(f"/label/zelfscan/{item.id}/vraag/{criterion.id}/bewijs",
                          data={"file": (io.BytesIO(PDF), "beleid.pdf")}, content_type="multipart/form-data",
                          follow_redirects=True)
    assert "Het bewijsstuk is toegevoegd." in response.get_data(as_text=True)
    evidence = db.session.scalar(select(EvidenceFile))
    assert first.get(f"/label/bewijs/{evidence.id}").data == PDF
    download = second.get(f"/label/bewijs/{evidence.id}")
    if storage == "database":
        assert download.status_code == 200 and download.data == PDF
        assert not (tmp_path / "one").exists()  # nothing on either machine's disk
    else:
        assert download.status_code == 404  # the local folder is this machine's only


def test_database_files_follow_their_transaction(app, member_org):
    app.config["FILE_STORAGE"] = "database"
    item, criterion = _setup(member_org)
    user = member_org[1]
    assessments.add_evidence(item, criterion, "beleid.pdf", PDF, user)
    assert stored_count() == 1
    db.session.rollback()  # the action failed after the file was stored
    assert stored_count() == 0 and db.session.scalars(select(EvidenceFile)).all() == []

    item = assessments.load(item.id)
    criterion = item.criteria_set.themes[0].criteria[1]
    evidence = assessments.add_evidence(item, criterion, "beleid.pdf", PDF, user)
    db.session.commit()
    assessments.delete_evidence(evidence, user)
    db.session.rollback()  # a rolled-back deletion keeps the file
    assert stored_count() == 1
    kept = db.session.scalars(select(EvidenceFile)).one()
    assessments.delete_evidence(kept, user)
    db.session.commit()
    assert stored_count() == 0


def test_deleting_through_the_page_removes_the_stored_file(app, client, member_org):
    app.config["FILE_STORAGE"] = "database"
    item, criterion = _setup(member_org)
    evidence = assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member_org[1])
    db.session.commit()
    evidence_id = evidence.id
    login(client, member_org[1].email)
    assert client.get(f"/label/bewijs/{evidence_id}").data == PDF
    client.post(f"/label/bewijs/{evidence_id}/verwijderen")
    assert stored_count() == 0
    assert client.get(f"/label/bewijs/{evidence_id}").status_code == 404


def test_an_unknown_storage_is_refused_at_start(make_app):
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="FILE_STORAGE"):
        make_app(FILE_STORAGE="s3")
