"""Access and portability: the export holds every row of every table that refers to the person."""
import io
import json
import zipfile

from sqlalchemy import select

from portal.events.models import Registration
from portal.extensions import db
from portal.privacy import export
from tests.privacy.filler import fill, tables_referring_to_users


def _export(user) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(export.export_user(user)))
    assert "LEESMIJ.txt" in archive.namelist()
    return json.loads(archive.read("gegevens.json"))


def test_every_row_that_refers_to_the_user_is_in_the_export(app, make_user):
    user = make_user("ondernemer", email="inzage@example.nl", name="Ida Inzage")
    other = make_user("ondernemer", email="ander@example.nl", name="Ander Persoon")
    tables = tables_referring_to_users()
    assert len(tables) >= 20  # the walk found the portal's tables, not an empty list
    expected = {table.name: fill(table, user.id) for table in tables}
    unrelated = {table.name: fill(table, other.id) for table in tables}
    # A public registration with the person's address but no account link is theirs too.
    public = Registration.__table__
    registration_id = db.session.execute(public.insert().values(
        event_id=db.session.scalar(select(public.c.event_id).limit(1)), name="Ida Inzage", email="inzage@example.nl",
        token="t-inzage", status="confirmed", created_at=user.created_at)).inserted_primary_key[0]
    db.session.commit()

    data = _export(user)
    found = {name: {row["id"] for row in rows} for name, rows in data["tabellen"].items()}
    missing = [name for name, row_id in expected.items() if row_id not in found.get(name, set())]
    assert missing == []
    leaked = [name for name, row_id in unrelated.items() if row_id in found.get(name, set())]
    assert leaked == []
    assert registration_id in found["event_registration"]
    assert data["account"]["email"] == "inzage@example.nl"
    assert "password_hash" not in data["account"]
    assert all("token" not in row for row in data["tabellen"]["event_registration"])


def test_the_export_holds_the_persons_own_uploads(app, make_user, make_org):
    from portal.label import assessments
    from tests.label.conftest import PDF, build_set

    staff = make_user("mbo_staff")
    build_set(staff)
    member = make_user("ondernemer", name="Uploader Test")
    org = make_org(members=[member])
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    evidence = assessments.add_evidence(item, item.criteria_set.themes[0].criteria[1], "beleid.pdf", PDF, member)
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(export.export_user(member)))
    assert archive.read(f"uploads/{evidence.id}-beleid.pdf") == PDF
    assert [e["filename"] for e in json.loads(archive.read("gegevens.json"))["tabellen"]["label_evidence_file"]] \
        == ["beleid.pdf"]
