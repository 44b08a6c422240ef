"""Label check for buyers: one organisation or a whole supplier list, on any date, as a proof they can file."""
import io
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.actions import Refusal
from portal.extensions import db
from portal.inkoop import sources
from portal.partners.models import Organisation
from portal.spreadsheets import SpreadsheetTooLarge, check_archive, neutralise_workbook
from portal.validators import InvalidNumber, normalise_kvk

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
KVK_HEADER = re.compile(r"k\.?\s*v\.?\s*k", re.IGNORECASE)


class LabelCheckError(Refusal):
    """A refusal with a message fit for the page."""


@dataclass
class CheckRow:
    line: int
    given: str
    kvk: str = ""
    problem: str = ""
    organisation: Organisation | None = None
    partner_status: str = ""
    label_status: str = ""
    group: str = "geen"  # where it stands in the programme (portal.programme.standing)
    certificate_number: str = ""
    valid_until: date | None = None
    verification_path: str = ""
    duplicate_of: int | None = None  # the line where the same KvK number was listed first

    @property
    def working_on_label(self) -> bool:
        return self.group == "werkt_aan_label"

    @property
    def verdict(self) -> str:
        """A yes or no a buyer can file: the programme's group of the organisation on the date."""
        if self.duplicate_of is not None:
            return "dubbel"
        if self.problem:
            return "ongeldig"
        if self.organisation is None:
            return "onbekend"
        return self.group


def search_statement(query: str):
    """Organisations matching a KvK number (exact) or a name (contains), for a paginated list."""
    query = (query or "").strip()
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    try:
        kvk = normalise_kvk(query)
    except InvalidNumber:
        kvk = None
    if kvk:
        return stmt.where(Organisation.kvk == kvk)
    return stmt.where(or_(func.lower(Organisation.name).contains(query.lower(), autoescape=True),
                          Organisation.kvk.startswith(query, autoescape=True)))


def status_rows(organisations, on: date) -> dict[int, CheckRow]:
    """The position of each organisation on ``on`` (three queries, however many organisations)."""
    org_ids = [o.id for o in organisations]
    labels = sources.label_status_on(org_ids, on)
    standings = sources.standing_on(org_ids, on)
    partners = sources.partner_status_on(org_ids, on)
    rows = {}
    for org in organisations:
        snapshot = labels[org.id]
        rows[org.id] = CheckRow(
            line=0, given=org.kvk, kvk=org.kvk, organisation=org, partner_status=partners.get(org.id, "geen"),
            label_status=snapshot.status, group=standings[org.id].group,
            certificate_number=snapshot.certificate_number or "", valid_until=snapshot.valid_until,
            verification_path=snapshot.verification_path or "",
        )
    return rows


def history(org: Organisation):
    """Partnership and label events of the organisation, newest first."""
    return sources.status_history(org.id)


# ----------------------------------------------------------------------------- bulk
def _clean_cell(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.lower() in ("nan", "none", "nat"):
        return ""
    # Spreadsheets turn numbers into floats ("12345678.0") or scientific notation.
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    elif re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
        try:
            text = str(int(float(text)))
        except ValueError:
            pass
    return text


def _delimiter(text: str) -> str:
    """Dutch Excel writes semicolons, others commas or tabs; a one-column file has none of them."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_supplier_file(filename: str, data: bytes) -> list[str]:
    """The KvK column of a CSV or XLSX supplier list, as text, one entry per data row."""
    import pandas as pd

    name = (filename or "").lower()
    if not data:
        raise LabelCheckError(_("Het bestand is leeg."))
    try:
        if name.endswith((".xlsx", ".xlsm")):
            try:
                check_archive(data)
            except SpreadsheetTooLarge as exc:
                raise LabelCheckError(_("Dit bestand is uitgepakt groter dan %(mb)s MB en daarmee te groot om te "
                                        "lezen. Stuur alleen de KvK-kolom mee.", mb=exc.limit_mb)) from exc
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif name.endswith((".csv", ".txt")):
            text = None
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    text = data.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            frame = pd.read_csv(io.StringIO(text), dtype=str, sep=_delimiter(text), skip_blank_lines=True)
        else:
            raise LabelCheckError(_("Upload een CSV- of XLSX-bestand."))
    except LabelCheckError:
        raise
    except Exception as exc:  # noqa: BLE001 - pandas raises many kinds on a broken file
        raise LabelCheckError(_("Het bestand kon niet worden gelezen. "
                                "Is het een geldig CSV- of XLSX-bestand?")) from exc
    column = next((c for c in frame.columns if KVK_HEADER.search(str(c))), None)
    if column is None:
        raise LabelCheckError(_("Er is geen kolom met 'KvK' in de kop gevonden. Noem de kolom bijvoorbeeld "
                                "'KvK-nummer'."))
    values = [_clean_cell(v) for v in frame[column].tolist()]
    # Leave out trailing empty rows but keep empty cells between suppliers visible as problems.
    while values and not values[-1]:
        values.pop()
    if len(values) > MAX_ROWS:
        raise LabelCheckError(_("Een lijst heeft hoogstens %(n)s leveranciers.", n=MAX_ROWS))
    if not values:
        raise LabelCheckError(_("De KvK-kolom is leeg."))
    return values


def bulk_check(values: list[str], on: date) -> list[CheckRow]:
    """One row per entry: invalid and unknown numbers are marked, duplicates too."""
    rows, seen = [], {}
    for index, given in enumerate(values, start=2):  # line 1 is the header
        row = CheckRow(line=index, given=given)
        try:
            row.kvk = normalise_kvk(given, spreadsheet=True)
        except InvalidNumber as exc:
            row.problem = str(exc)
        else:
            if row.kvk in seen:
                row.duplicate_of = seen[row.kvk]
                row.problem = _("Dubbel: staat ook op regel %(line)s.", line=seen[row.kvk])
            else:
                seen[row.kvk] = index
        rows.append(row)
    kvks = [r.kvk for r in rows if r.kvk and not r.problem]
    found = {}
    if kvks:
        found = {o.kvk: o for o in db.session.scalars(select(Organisation).where(Organisation.kvk.in_(kvks)))}
    statuses = status_rows(list(found.values()), on)
    for position, row in enumerate(rows):
        org = found.get(row.kvk) if not row.problem else None
        if org is not None:
            status = statuses[org.id]
            status.line, status.given = row.line, row.given
            rows[position] = status
    return rows


VERDICTS = {
    "label": _l("Heeft het label"),
    "werkt_aan_label": _l("Partner, werkt aan het label"),
    "label_zonder_partnerschap": _l("Heeft het label, geen partner"),
    "geen": _l("Geen partner, geen label"),
    "onbekend": _l("Onbekend in het portaal"),
    "ongeldig": _l("Ongeldig KvK-nummer"),
    "dubbel": _l("Dubbel in de lijst"),
}


def bulk_xlsx(rows: list[CheckRow], on: date) -> bytes:
    """The outcome as a workbook, in the language of whoever downloads it (Dutch from the CLI)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.inkoop.forms import LABEL_STATUS_LABELS, PARTNER_STATUS_LABELS

    wb = Workbook()
    ws = wb.active
    ws.title = _("Labelcheck")[:31]
    ws.append([_("Labelcheck Ondernemen met impact Drechtsteden, peildatum %(date)s", date=on.isoformat())])
    ws["A1"].font = Font(bold=True)
    ws.append([_("Regel"), _("Opgegeven"), _("KvK-nummer"), _("Organisatie"), _("Uitkomst"), _("Partnerstatus"),
               _("Labelstatus"), _("Certificaatnummer"), _("Geldig tot"), _("Opmerking")])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.line, r.given, r.kvk, r.organisation.name if r.organisation else "", str(VERDICTS[r.verdict]),
                   _label(PARTNER_STATUS_LABELS, r.partner_status), _label(LABEL_STATUS_LABELS, r.label_status),
                   r.certificate_number, r.valid_until.isoformat() if r.valid_until else "", r.problem])
    neutralise_workbook(wb)  # the given values and organisation names are typed by people
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _label(labels: dict, code: str) -> str:
    return str(labels[code]) if code in labels else code or ""
