"""Evidence files: type checked by content, size limited, outside static, only for the organisation and staff."""
import io
import os

from sqlalchemy import select

from portal.extensions import db
from portal.label import assessments
from portal.label.models import EvidenceFile
from tests.conftest import login
from tests.label.conftest import PDF

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def _setup(member_org):
    org, member = member_org
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    criterion = item.criteria_set.themes[0].criteria[1]
    return item, criterion


def upload(client, item, criterion, name, data):
    return client.post(f"/label/zelfscan/{item.id}/vraag/{criterion.id}/bewijs",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_upload_and_download_by_the_organisation(app, client, member_org):
    item, criterion = _setup(member_org)
    login(client, member_org[1].email)
    response = upload(client, item, criterion, "wervingsbeleid.pdf", PDF)
    assert "Het bewijsstuk is toegevoegd." in response.get_data(as_text=True)
    evidence = db.session.scalar(select(EvidenceFile))
    assert evidence.content_type == "application/pdf" and evidence.organisation_id == item.organisation_id
    stored = os.path.join(app.config["UPLOAD_FOLDER"], "label", evidence.stored_name)
    assert os.path.exists(stored)
    assert not os.path.realpath(stored).startswith(os.path.realpath(app.static_folder))
    download = client.get(f"/label/bewijs/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "no-store" in download.headers["Cache-Control"]


def test_disguised_and_unknown_files_are_refused(client, member_org):
    item, criterion = _setup(member_org)
    login(client, member_org[1].email)
    for name, data in [("rapport.pdf", EXE), ("foto.pdf", PNG), ("notitie.pdf", b"gewone tekst, geen pdf"),
                       ("programma.exe", EXE)]:
        text = upload(client, item, criterion, name, data).get_data(as_text=True)
        assert "Het bewijsstuk is toegevoegd." not in text, name
        assert "kunnen we niet aannemen" in text or "past niet bij de naam" in text, name
    assert db.session.scalars(select(EvidenceFile)).all() == []
    # A real image with its own name is fine.
    assert "Het bewijsstuk is toegevoegd." in upload(client, item, criterion, "foto.png", PNG).get_data(as_text=True)


def test_size_limit(app, client, member_org):
    app.config["LABEL_EVIDENCE_MAX_MB"] = 1
    item, criterion = _setup(member_org)
    login(client, member_org[1].email)
    text = upload(client, item, criterion, "groot.pdf", PDF + b"0" * (1024 * 1024)).get_data(as_text=True)
    assert "groter dan 1 MB" in text
    assert db.session.scalars(select(EvidenceFile)).all() == []


def test_only_the_organisation_and_staff_can_open_evidence(app, client, member_org, make_user, make_org, staff):
    item, criterion = _setup(member_org)
    assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member_org[1])
    db.session.commit()
    evidence = db.session.scalar(select(EvidenceFile))

    assert client.get(f"/label/bewijs/{evidence.id}").status_code == 302  # to the login page
    outsider = make_user()
    make_org(members=[outsider])
    login(client, outsider.email)
    assert client.get(f"/label/bewijs/{evidence.id}").status_code == 404
    assert client.get(f"/label/beoordeling/bewijs/{evidence.id}").status_code == 403
    assert client.post(f"/label/bewijs/{evidence.id}/verwijderen").status_code == 404

    reviewer = app.test_client()
    login(reviewer, staff.email)
    response = reviewer.get(f"/label/beoordeling/bewijs/{evidence.id}")
    assert response.status_code == 200 and response.data == PDF


def test_delete_evidence_removes_the_file(app, client, member_org):
    item, criterion = _setup(member_org)
    evidence = assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member_org[1])
    db.session.commit()
    path = os.path.join(app.config["UPLOAD_FOLDER"], "label", evidence.stored_name)
    login(client, member_org[1].email)
    client.post(f"/label/bewijs/{evidence.id}/verwijderen")
    assert db.session.scalars(select(EvidenceFile)).all() == []
    assert not os.path.exists(path)


def test_upload_without_a_file_says_so(client, member_org):
    item, criterion = _setup(member_org)
    login(client, member_org[1].email)
    response = client.post(f"/label/zelfscan/{item.id}/vraag/{criterion.id}/bewijs", data={},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200 and "Kies een bestand." in response.get_data(as_text=True)


def test_a_rolled_back_upload_leaves_no_file(app, member_org):
    item, criterion = _setup(member_org)
    evidence = assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member_org[1])
    path = os.path.join(app.config["UPLOAD_FOLDER"], "label", evidence.stored_name)
    assert os.path.exists(path)
    db.session.rollback()  # the action failed after the file was written
    assert not os.path.exists(path)
    assert db.session.scalars(select(EvidenceFile)).all() == []


def test_a_rolled_back_deletion_keeps_the_file(app, member_org):
    item, criterion = _setup(member_org)
    evidence = assessments.add_evidence(item, criterion, "beleid.pdf", PDF, member_org[1])
    db.session.commit()
    path = os.path.join(app.config["UPLOAD_FOLDER"], "label", evidence.stored_name)
    assessments.delete_evidence(evidence, member_org[1])
    assert os.path.exists(path)  # not before the commit
    db.session.rollback()
    assert os.path.exists(path)
    assert len(db.session.scalars(select(EvidenceFile)).all()) == 1
    kept = db.session.scalars(select(EvidenceFile)).one()
    assessments.delete_evidence(kept, member_org[1])
    db.session.commit()
    assert not os.path.exists(path)
