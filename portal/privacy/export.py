"""The right of access and portability (art. 15 and 20 AVG): everything the portal holds about a person as one
ZIP file with JSON and their own uploads.

The rows are found by walking the SQLAlchemy metadata: every table with a foreign key to the user table, the
rows that carry the person's address (registrations, invitations, mail), the audit entries about the account,
and the answers of their event registrations. A table added later is exported without a change here;
tests/privacy/test_export_complete.py fills every such table and finds each row in the file.
"""
import io
import json
import os
import zipfile
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, func, or_, select

from portal.auth.models import User
from portal.database import utcnow
from portal.events.models import Answer, Registration
from portal.extensions import db
from portal.label.models import EvidenceFile
from portal.partners.models import Membership, Organisation

# Never in an export: secrets that would let someone else act as the person.
SECRET_COLUMNS = {"password_hash", "token", "nonce", "active_key", "attachments"}
# Columns that hold an e-mail address (rows about a person who may have no account).
ADDRESS_COLUMNS = {"email", "recipient", "actor_email", "contact_email", "pending_email"}

README = """Uw gegevens uit het portaal Ondernemen met impact Drechtsteden
===============================================================

Dit bestand bevat alles wat het portaal over u bewaart (artikel 15 en 20 AVG):
- gegevens.json: uw account en, per tabel, elke rij die naar u verwijst of uw e-mailadres bevat
  (rollen, lidmaatschappen, uitnodigingen, aanmeldingen voor evenementen met uw antwoorden,
  opmerkingen en antwoorden die u schreef, scores, e-mail aan u, en de auditlog over uw account);
- uploads/: de bewijsstukken die u zelf uploadde.
Wachtwoorden en persoonlijke links staan er niet in.
Vragen? Mail naar {contact}.
"""


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _row(table, row) -> dict:
    return {c.name: _plain(row._mapping[c]) for c in table.columns if c.name not in SECRET_COLUMNS}


def rows_about(user_id: int | None, email: str) -> dict[str, list[dict]]:
    """Per table, every row that refers to the user or holds the address ``email``."""
    email = (email or "").strip().lower()
    found: dict[str, list[dict]] = {}
    for table in db.metadata.sorted_tables:
        conditions = []
        if user_id is not None:
            conditions += [column == user_id for column in table.columns
                           if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys)]
            if table.name == User.__tablename__:
                conditions.append(table.c.id == user_id)
            if table.name == "audit_entry":
                conditions.append(and_(table.c.object_type == "User", table.c.object_id == user_id))
        if email:
            conditions += [func.lower(column) == email for column in table.columns if column.name in ADDRESS_COLUMNS]
            if table.name == "audit_entry":  # entries whose summary names the person ("x@y.nl (lid)")
                conditions.append(func.lower(table.c.summary).contains(email, autoescape=True))
        if not conditions:
            continue
        rows = db.session.execute(select(table).where(or_(*conditions)).order_by(*table.primary_key.columns)).all()
        if rows:
            found[table.name] = [_row(table, row) for row in rows]
    registration_ids = [r["id"] for r in found.get(Registration.__tablename__, [])]
    if registration_ids:
        answers = Answer.__table__
        found[answers.name] = [_row(answers, row) for row in db.session.execute(
            select(answers).where(answers.c.registration_id.in_(registration_ids)).order_by(answers.c.id))]
    return found


def _zip(payload: dict, files: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LEESMIJ.txt", README.format(contact=current_app.config["PRIVACY_CONTACT_EMAIL"]))
        archive.writestr("gegevens.json", json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True))
        for name, path in files:
            if os.path.isfile(path):
                archive.write(path, name)
    return buffer.getvalue()


def export_user(user: User) -> bytes:
    """The ZIP of everything about ``user``."""
    tables = rows_about(user.id, user.email)
    account = tables.get(User.__tablename__, [{}])[0]
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name, Membership.role).join(Membership)
        .where(Membership.user_id == user.id).order_by(Organisation.name)).all()
    payload = {
        "uitgevoerd_op": utcnow().isoformat(),
        "account": account,
        "rollen": sorted(user.role_names),
        "organisaties": [{"id": o.id, "naam": o.name, "rol": o.role} for o in organisations],
        "tabellen": tables,
    }
    root = os.path.join(current_app.config["UPLOAD_FOLDER"], "label")
    files = [(f"uploads/{e.id}-{e.filename}", os.path.join(root, e.stored_name))
             for e in db.session.scalars(select(EvidenceFile).where(EvidenceFile.uploaded_by_id == user.id)
                                         .order_by(EvidenceFile.id))]
    return _zip(payload, files)


def export_registrant(registration: Registration) -> bytes:
    """The ZIP of a public registrant (no account): every row with their address."""
    payload = {"uitgevoerd_op": utcnow().isoformat(), "e-mailadres": registration.email,
               "tabellen": rows_about(None, registration.email)}
    return _zip(payload, [])
