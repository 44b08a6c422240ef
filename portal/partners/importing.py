"""Import of St. MBO's existing partner list (CSV or XLSX): parse, check every row, then commit all at once.

The parsed rows are kept server-side in an ImportBatch; the confirmation only names the batch.
"""
import io
import re
import zipfile
from datetime import date, datetime

import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import clock
from portal.audit.services import diff, record
from portal.auth.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.i18n import in_dutch
from portal.partners import reference as ref
from portal.partners.models import ImportBatch, Organisation
from portal.partners.services import PartnerError, normalise_website
from portal.spreadsheets import SpreadsheetTooLarge, check_archive
from portal.validators import InvalidNumber, clean_filename, normalise_kvk, normalise_postcode

MAX_ROWS = 5000

# Our field -> the column names people use for it (compared without case, spaces or punctuation).
COLUMNS = {
    "name": ("naam", "organisatie", "bedrijfsnaam", "bedrijf", "name"),
    "kvk": ("kvk", "kvknummer", "kvknr", "kvknumber"),
    "street": ("straat", "adres", "bezoekadres", "straatenhuisnummer"),
    "postcode": ("postcode", "zipcode"),
    "city": ("plaats", "vestigingsplaats", "woonplaats", "city"),
    "municipality": ("gemeente", "municipality"),
    "sector": ("sector", "branche"),
    "size_class": ("grootte", "grootteklasse", "medewerkers", "aantalmedewerkers"),
    "website": ("website", "url", "internet"),
    "contact_name": ("contactpersoon", "contact"),
    "contact_phone": ("telefoon", "telefoonnummer", "tel"),
    "contact_email": ("email", "emailadres", "mail"),
    "partner_status": ("status", "partnerstatus"),
    "partner_since": ("partnersinds", "sinds", "startdatum"),
}
REQUIRED = ("name", "kvk", "postcode", "municipality")
# Text fields with the column's maximum length: a longer cell is a problem of its row, not a database error.
LIMITED = {"name": _l("naam"), "street": _l("straat"), "city": _l("plaats"), "website": _l("website"),
           "contact_name": _l("contactpersoon"), "contact_phone": _l("telefoon"), "contact_email": _l("e-mailadres")}
COLUMN_TITLES = {"name": "naam", "kvk": "kvk", "postcode": "postcode", "municipality": "gemeente"}

SAMPLE_CSV = (
    "naam;kvk;straat;postcode;plaats;gemeente;sector;grootte;website;contactpersoon;telefoon;email;status;"
    "partner_sinds\n"
    "Bouwbedrijf Voorbeeld;12345678;Noordendijk 100;3311 AB;Dordrecht;Dordrecht;Bouw en infra;10-49;"
    "www.voorbeeld.nl;J. Jansen;078 123 4567;info@voorbeeld.nl;partner;2024-03-01\n"
    "Zorg aan de Merwede;87654321;Singel 2;3312 CD;Dordrecht;Dordrecht;zorg;250+;;;;;partner;15-06-2023\n"
)


class ImportProblem(PartnerError):
    """The file as a whole cannot be read (not a table, empty, columns missing)."""


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _column_map(headers) -> dict[str, str]:
    wanted = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
    found = {}
    for header in headers:
        field = wanted.get(_key(header))
        if field and field not in found:
            found[field] = header
    return found


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """The uploaded file as a DataFrame of strings; ImportProblem when it is not a readable table."""
    if not data or not data.strip():
        raise ImportProblem(_("Het bestand is leeg."), field="file")
    name = (filename or "").lower()
    try:
        check_archive(data)
    except SpreadsheetTooLarge as exc:
        raise ImportProblem(_("Dit bestand is uitgepakt groter dan %(mb)s MB en daarmee te groot om te lezen. "
                              "Sla alleen de partnerlijst op als .xlsx of .csv.", mb=exc.limit_mb),
                            field="file") from exc
    try:
        if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False)
        elif name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ImportProblem(_("Oude Excel-bestanden (.xls) worden niet gelezen. Sla het bestand op als "
                                  ".xlsx of .csv."), field="file")
        else:
            if b"\x00" in data[:2048]:
                raise ImportProblem(_("Dit bestand is geen tabel. Upload een CSV- of XLSX-bestand."), field="file")
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str, keep_default_na=False,
                                skip_blank_lines=True)
    except ImportProblem:
        raise
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile, OSError, pd.errors.ParserError,
            pd.errors.EmptyDataError, UnicodeError) as exc:
        raise ImportProblem(_("Dit bestand kon niet als tabel worden gelezen. Upload een CSV- of XLSX-bestand "
                              "met een kopregel."), field="file") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises its own errors on a damaged workbook
        raise ImportProblem(_("Dit bestand kon niet als tabel worden gelezen. Upload een CSV- of XLSX-bestand "
                              "met een kopregel."), field="file") from exc
    frame = frame.dropna(how="all")
    frame = frame[~frame.apply(lambda row: all(not str(v).strip() for v in row), axis=1)] if len(frame) else frame
    if frame.empty:
        raise ImportProblem(_("Het bestand bevat geen rijen onder de kopregel."), field="file")
    if len(frame) > MAX_ROWS:
        raise ImportProblem(_("Het bestand heeft meer dan %(n)s rijen. Splits het in delen.", n=MAX_ROWS),
                            field="file")
    return frame


def _parse_date(value: str) -> date:
    value = value.strip().split(" ")[0].split("T")[0]
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _match(pairs, value):
    wanted = _key(value)
    for code, label in pairs:
        if wanted in (_key(code), _key(str(label))):
            return code
    return None


def _size_class(value: str):
    code = _match(ref.SIZE_CLASSES, value)
    if code:
        return code
    try:
        n = int(float(value.replace(",", ".")))
    except ValueError:
        return None
    if n < 1:
        return None
    return "1-9" if n < 10 else "10-49" if n < 50 else "50-249" if n < 250 else "250+"


def check_rows(frame: pd.DataFrame) -> list[dict]:
    """Every row with its cleaned values, its problems (blocking) and warnings (not blocking)."""
    columns = _column_map(frame.columns)
    missing = [COLUMN_TITLES[f] for f in REQUIRED if f not in columns]
    if missing:
        raise ImportProblem(_("De kolommen %(cols)s ontbreken. Verplicht zijn: naam, kvk, postcode en gemeente.",
                              cols=", ".join(missing)), field="file")
    municipalities = {_key(m.name): m for m in ref.ensure_municipalities().values()}
    rows = []
    for index, (_i, raw) in enumerate(frame.iterrows()):
        values = {field: str(raw[header]).replace("\x00", "").strip() if raw[header] is not None else ""
                  for field, header in columns.items()}
        rows.append(_check_row(index + 2, values, municipalities))
    _mark_duplicates(rows)
    return rows


def _check_row(line: int, values: dict, municipalities: dict) -> dict:
    problems, warnings = [], []
    clean = {k: values.get(k, "") for k in ("name", "street", "city", "website", "contact_name", "contact_phone",
                                             "contact_email")}
    if not clean["name"]:
        problems.append(_("naam ontbreekt"))
    try:
        clean["kvk"] = normalise_kvk(values.get("kvk"), spreadsheet=True)
    except InvalidNumber as exc:
        clean["kvk"] = values.get("kvk", "")
        problems.append(_("KvK-nummer: %(msg)s", msg=str(exc)))
    try:
        clean["postcode"] = normalise_postcode(values.get("postcode"))
    except InvalidNumber:
        clean["postcode"] = values.get("postcode", "")
        problems.append(_("postcode ‘%(value)s’ is ongeldig", value=values.get("postcode", "")))
    muni = municipalities.get(_key(values.get("municipality")))
    if muni is None:
        problems.append(_("gemeente ‘%(value)s’ hoort niet bij de Drechtsteden", value=values.get("municipality", "")))
        clean["municipality_id"] = None
    else:
        clean["municipality_id"] = muni.id
    clean["municipality"] = muni.name if muni else values.get("municipality", "")
    sector = values.get("sector", "")
    clean["sector"] = _match(ref.SECTORS, sector) if sector else ""
    if sector and not clean["sector"]:
        clean["sector"] = "overig"
        warnings.append(_("sector ‘%(value)s’ onbekend: wordt ‘Overig’", value=sector))
    size = values.get("size_class", "")
    clean["size_class"] = _size_class(size) if size else ""
    if size and not clean["size_class"]:
        clean["size_class"] = ""
        warnings.append(_("grootte ‘%(value)s’ onbekend: blijft leeg", value=size))
    status = values.get("partner_status", "")
    clean["partner_status"] = _match(ref.PARTNER_STATUSES, status) if status else "partner"
    if not clean["partner_status"]:
        problems.append(_("status ‘%(value)s’ is onbekend", value=status))
    since = values.get("partner_since", "")
    clean["partner_since"] = None
    if since:
        try:
            parsed = _parse_date(since)
            if parsed > clock.today():
                raise ValueError(since)
            clean["partner_since"] = parsed.isoformat()
        except ValueError:
            problems.append(_("datum ‘%(value)s’ is ongeldig", value=since))
    clean["website"] = normalise_website(clean["website"])
    if clean["contact_email"] and "@" not in clean["contact_email"]:
        warnings.append(_("e-mailadres ‘%(value)s’ is ongeldig: blijft leeg", value=clean["contact_email"]))
        clean["contact_email"] = ""
    for key, title in LIMITED.items():
        limit = Organisation.__table__.c[key].type.length
        if len(clean[key]) > limit:
            problems.append(_("%(column)s is te lang (hoogstens %(n)s tekens)", column=title, n=limit))
    return {"line": line, "values": values, "clean": clean, "problems": [str(p) for p in problems],
            "warnings": [str(w) for w in warnings], "action": "", "existing_id": None}


def _mark_duplicates(rows: list[dict]):
    by_kvk = {}
    for row in rows:
        kvk = row["clean"].get("kvk")
        if kvk and not any("KvK" in p for p in row["problems"]):
            by_kvk.setdefault(kvk, []).append(row)
    for kvk, same in by_kvk.items():
        if len(same) > 1:
            lines = ", ".join(str(r["line"]) for r in same)
            for row in same:
                row["problems"].append(str(_("KvK-nummer %(kvk)s staat meer dan eens in het bestand (regels %(lines)s)",
                                             kvk=kvk, lines=lines)))
    existing = {o.kvk: o for o in db.session.scalars(select(Organisation).where(Organisation.kvk.in_(list(by_kvk))))}
    names = [r["clean"]["name"].lower() for r in rows if r["clean"].get("name")]
    by_name = {}
    if names:
        for org in db.session.scalars(select(Organisation).where(func.lower(Organisation.name).in_(names))):
            by_name.setdefault(org.name.lower(), []).append(org)
    for row in rows:
        org = existing.get(row["clean"].get("kvk"))
        if org is not None:
            row["action"] = "bijwerken"
            row["existing_id"] = org.id
            continue
        row["action"] = "nieuw"
        for other in by_name.get(row["clean"].get("name", "").lower(), []):
            row["problems"].append(str(_("er bestaat al een organisatie ‘%(name)s’ met KvK-nummer %(kvk)s",
                                         name=other.name, kvk=other.kvk)))


def upload_partner_list(filename: str, data: bytes, by: User) -> ImportBatch:
    """Read and check the file and keep the result as a batch for the preview; nothing is imported yet."""
    rows = check_rows(read_table(filename, data))
    # The name is only shown, never used as a path; without directories or NUL (PostgreSQL refuses it).
    batch = ImportBatch(filename=clean_filename(filename, max_length=255, default="import"), rows=rows,
                        status="preview", created_by_id=by.id)
    db.session.add(batch)
    db.session.flush()
    record("partner_import.uploaded", batch, actor=by,
           summary=f"{batch.filename}: {len(rows)} rijen, {len(batch.invalid_rows)} met problemen")
    return batch


ORG_COLUMNS = ("name", "kvk", "street", "postcode", "city", "municipality_id", "sector", "size_class", "website",
               "contact_name", "contact_phone", "contact_email")


def commit_import(batch: ImportBatch, by: User) -> ImportBatch:
    """Import every valid row of the batch, matching on KvK-nummer. The caller commits once: all or nothing."""
    result = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == "preview",
                                  ImportBatch.kind == "partners")
        .values(status="imported", imported_at=utcnow()).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PartnerError(_("Deze import is al verwerkt of verworpen."))
    db.session.refresh(batch)
    valid = batch.valid_rows
    if not valid:
        raise PartnerError(_("Er zijn geen rijen zonder problemen om te importeren."))
    kvks = [row["clean"]["kvk"] for row in valid]
    existing = {o.kvk: o for o in db.session.scalars(select(Organisation).where(Organisation.kvk.in_(kvks)))}
    created = updated = 0
    for row in valid:
        clean = row["clean"]
        fields = {k: clean[k] for k in ORG_COLUMNS}
        since = date.fromisoformat(clean["partner_since"]) if clean.get("partner_since") else None
        status = clean["partner_status"]
        org = existing.get(clean["kvk"])
        if org is None:
            org = Organisation(partner_status=status,
                               partner_since=since or (clock.today() if status == "partner" else None),
                               status_reason=in_dutch(_l("Geïmporteerd uit de partnerlijst")), **fields)
            db.session.add(org)
            db.session.flush()
            record("organisation.imported", org, actor=by, summary=f"{org.name} ({org.kvk}) uit {batch.filename}")
            created += 1
            continue
        # Empty cells never wipe what the portal already knows.
        changes = diff(org, {k: v for k, v in fields.items() if v not in ("", None)})
        if since and since != org.partner_since:
            changes["partner_since"] = [org.partner_since, since]
            org.partner_since = since
        if status != org.partner_status:
            changes["partner_status"] = [org.partner_status, status]
            org.partner_status = status  # the flush hook writes the history row
        db.session.flush()
        if changes:
            record("organisation.import_updated", org, actor=by, changes=changes, summary=batch.filename)
            updated += 1
    batch.created_count, batch.updated_count = created, updated
    batch.skipped_count = len(batch.rows) - len(valid)
    record("partner_import.committed", batch, actor=by,
           summary=f"{created} nieuw, {updated} bijgewerkt, {batch.skipped_count} overgeslagen")
    db.session.flush()
    return batch


def discard_import(batch: ImportBatch, by: User) -> None:
    result = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == "preview",
                                  ImportBatch.kind == "partners")
        .values(status="discarded").execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PartnerError(_("Deze import is al verwerkt of verworpen."))
    record("partner_import.discarded", batch, actor=by, summary=batch.filename)
