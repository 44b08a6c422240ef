"""Bringing in the running programme: existing labels and the steps partners took on the path (CSV or XLSX).

The same rules as the partner list import (``importing.py``): the file is read with pandas and every row is
checked and kept in an ImportBatch (kind ``labels`` or ``path``) for the preview; nothing is written until staff
confirm; the confirmation writes every valid row in one transaction; a second run matches what is there
(a label by certificate number, else by organisation and start date; a step by organisation and step) and
updates it instead of adding a copy; every change is in the audit log with the import's file as its source.

Imported labels are real labels: Label rows with their LabelStatusChange history, as ``portal.label.awards``
writes them, so the verification page, the register, the QR code, the API, the label check on any date and the
renewal and expiry reminders treat them like labels awarded in the portal. No mail goes out for the past.
"""
import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal import clock
from portal.audit.services import record
from portal.auth.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.i18n import in_dutch
from portal.label.models import Label, LabelStatusChange
from portal.partners.importing import ImportProblem, _key, _parse_date, read_table
from portal.partners.models import PATH_STEPS, ImportBatch, Organisation, PathStep
from portal.partners.services import PartnerError
from portal.validators import InvalidNumber, clean_filename, normalise_kvk

KINDS = ("labels", "path")

LABEL_COLUMNS = {
    "kvk": ("kvk", "kvknummer", "kvknr", "kvknumber"),
    "certificate_number": ("certificaat", "certificaatnummer", "certificaatnr", "certificate", "labelnummer"),
    "valid_from": ("toegekendop", "toegekend", "behaaldop", "behaald", "geldigvanaf", "vanaf", "startdatum"),
    "valid_until": ("geldigtot", "geldigtotenmet", "geldigtm", "einddatum", "verloopt", "verlooptop"),
    "status": ("status", "labelstatus"),
    "suspended_on": ("geschorstop", "geschorst", "schorsing", "geschorstper"),
    "withdrawn_on": ("ingetrokkenop", "ingetrokken", "intrekking", "ingetrokkenper"),
    "reason": ("reden", "toelichting", "opmerking"),
}
LABEL_REQUIRED = {"kvk": "kvk", "valid_from": "toegekend_op"}
PATH_COLUMNS = {
    "kvk": ("kvk", "kvknummer", "kvknr", "kvknumber"),
    "step": ("stap", "trajectstap", "step", "fase"),
    "held_on": ("datum", "op", "date", "gehouden", "gehoudenop"),
    "note": ("notitie", "toelichting", "opmerking", "note"),
}
PATH_REQUIRED = {"kvk": "kvk", "step": "stap", "held_on": "datum"}

STATUS_ALIASES = {"geldig": "geldig", "actief": "geldig", "valid": "geldig", "behaald": "geldig",
                  "geschorst": "geschorst", "suspended": "geschorst", "ingetrokken": "ingetrokken",
                  "withdrawn": "ingetrokken", "verlopen": "verlopen", "expired": "verlopen"}
STEP_ALIASES = {"intake": "intake", "intakegesprek": "intake", "inspiratiesessie": "inspiratiesessie",
                "inspiratie": "inspiratiesessie", "inspiratiesessiegevolgd": "inspiratiesessie"}
PORTAL_STEPS = ("partnerovereenkomst", "partner", "zelfscan", "ingediend", "beoordeling", "label", "verbeterplan")
# Certificate numbers the portal gives out itself (award_label): an imported one in this form would collide later.
PORTAL_NUMBER = re.compile(r"^OMI-\d{4}-\d{5}$")
CERTIFICATE_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]*$")
CERTIFICATE_MAX = Label.__table__.c.certificate_number.type.length
REASON_MAX = 500
NOTE_MAX = 2000
IMPORT_REASON = _l("Overgenomen uit het bestaande labelregister")

SAMPLE_LABELS_CSV = (
    "kvk;certificaatnummer;toegekend_op;geldig_tot;status;geschorst_op;ingetrokken_op;reden\n"
    "12345678;MBO-2024-017;2024-03-01;2026-02-28;geldig;;;\n"
    "87654321;;15-06-2024;;geschorst;01-02-2025;;Afspraken over banen met impact worden besproken\n"
)
SAMPLE_PATH_CSV = (
    "kvk;stap;datum;notitie\n"
    "12345678;intake;2024-01-15;Eerste inventarisatie met de directeur\n"
    "87654321;inspiratiesessie;12-03-2024;\n"
)
SAMPLES = {"labels": SAMPLE_LABELS_CSV, "path": SAMPLE_PATH_CSV}


def _columns(headers, wanted_columns, required) -> dict[str, str]:
    wanted = {alias: field for field, aliases in wanted_columns.items() for alias in aliases}
    found = {}
    for header in headers:
        field = wanted.get(_key(header))
        if field and field not in found:
            found[field] = header
    missing = [title for field, title in required.items() if field not in found]
    if missing:
        raise ImportProblem(_("De kolommen %(cols)s ontbreken. Verplicht zijn: %(required)s.",
                              cols=", ".join(missing), required=", ".join(required.values())), field="file")
    return found


def _values(frame, columns) -> list[tuple[int, dict]]:
    result = []
    for index, (_i, raw) in enumerate(frame.iterrows()):
        values = {field: str(raw[header]).replace("\x00", "").strip() if raw[header] is not None else ""
                  for field, header in columns.items()}
        result.append((index + 2, values))
    return result


def _date(values, field, problems, title, required=False):
    text = values.get(field, "")
    if not text:
        if required:
            problems.append(_("%(column)s ontbreekt", column=title))
        return None
    try:
        parsed = _parse_date(text)
    except ValueError:
        problems.append(_("%(column)s ‘%(value)s’ is geen datum", column=title, value=text[:40]))
        return None
    if parsed.year < 2000:
        problems.append(_("%(column)s ‘%(value)s’ ligt te ver terug", column=title, value=text[:40]))
        return None
    return parsed


def _kvk(values, problems):
    try:
        return normalise_kvk(values.get("kvk"))
    except InvalidNumber as exc:
        problems.append(_("KvK-nummer: %(msg)s", msg=str(exc)))
        return None


def _organisations(kvks) -> dict[str, Organisation]:
    kvks = [k for k in set(kvks) if k]
    if not kvks:
        return {}
    return {o.kvk: o for o in db.session.scalars(select(Organisation).where(Organisation.kvk.in_(kvks)))}


def _row(line, values, clean, problems, warnings, action="nieuw", existing_id=None) -> dict:
    return {"line": line, "values": values, "clean": clean, "problems": [str(p) for p in problems],
            "warnings": [str(w) for w in warnings], "action": action, "existing_id": existing_id}


# --------------------------------------------------------------------------- labels: checking
def history_for(valid_from: date, valid_until: date, suspended_on, withdrawn_on, today: date) -> list[tuple]:
    """The label's status changes as (status, effective_on), as the label package would have written them."""
    steps = [("geldig", valid_from)]
    if suspended_on:
        steps.append(("geschorst", suspended_on))
    if withdrawn_on:
        steps.append(("ingetrokken", withdrawn_on))
    elif valid_until < today:
        steps.append(("verlopen", valid_until + timedelta(days=1)))
    return steps


def check_label_rows(frame) -> list[dict]:
    from portal.label.awards import validity_end

    columns = _columns(frame.columns, LABEL_COLUMNS, LABEL_REQUIRED)
    today = clock.today()
    raw_rows = _values(frame, columns)
    kvks = []
    for _line, values in raw_rows:
        try:
            kvks.append(normalise_kvk(values.get("kvk")))
        except InvalidNumber:
            pass
    orgs = _organisations(kvks)
    numbers = [v.get("certificate_number", "") for _line, v in raw_rows if v.get("certificate_number")]
    by_number = {lab.certificate_number: lab for lab in db.session.scalars(
        select(Label).where(Label.certificate_number.in_(numbers)))} if numbers else {}
    org_ids = [o.id for o in orgs.values()]
    by_start = {}
    if org_ids:
        for lab in db.session.scalars(select(Label).where(Label.organisation_id.in_(org_ids))):
            by_start[(lab.organisation_id, lab.valid_from)] = lab
    rows = []
    for line, values in raw_rows:
        problems, warnings = [], []
        kvk = _kvk(values, problems)
        org = orgs.get(kvk) if kvk else None
        if kvk and org is None:
            problems.append(_("geen organisatie met KvK-nummer %(kvk)s in het portaal; importeer eerst de "
                              "partnerlijst", kvk=kvk))
        valid_from = _date(values, "valid_from", problems, _("toegekend op"), required=True)
        valid_until = _date(values, "valid_until", problems, _("geldig tot"))
        suspended_on = _date(values, "suspended_on", problems, _("geschorst op"))
        withdrawn_on = _date(values, "withdrawn_on", problems, _("ingetrokken op"))
        for day in (valid_from, suspended_on, withdrawn_on):
            if day and day > today:
                problems.append(_("datum %(d)s ligt in de toekomst", d=day.strftime("%d-%m-%Y")))
        if valid_from and not valid_until:
            valid_until = validity_end(valid_from)
        if valid_from and valid_until and valid_until < valid_from:
            problems.append(_("geldig tot ligt voor de datum van toekenning"))
        for day, title in ((suspended_on, _("geschorst op")), (withdrawn_on, _("ingetrokken op"))):
            if day and valid_from and valid_until and not valid_from <= day <= valid_until:
                problems.append(_("%(column)s valt niet binnen de geldigheid van het label", column=title))
        if suspended_on and withdrawn_on and withdrawn_on < suspended_on:
            problems.append(_("ingetrokken op ligt voor geschorst op"))
        status_text = values.get("status", "")
        status = STATUS_ALIASES.get(_key(status_text)) if status_text else None
        if status_text and status is None:
            problems.append(_("status ‘%(value)s’ is onbekend (geldig, geschorst, ingetrokken of verlopen)",
                              value=status_text[:40]))
        if status == "geschorst" and not suspended_on:
            problems.append(_("status geschorst zonder datum: vul geschorst_op in"))
        if status == "ingetrokken" and not withdrawn_on:
            problems.append(_("status ingetrokken zonder datum: vul ingetrokken_op in"))
        reason = values.get("reason", "")
        if len(reason) > REASON_MAX:
            problems.append(_("reden is te lang (hoogstens %(n)s tekens)", n=REASON_MAX))
        history = []
        if valid_from and valid_until and not problems:
            history = history_for(valid_from, valid_until, suspended_on, withdrawn_on, today)
            final = history[-1][0]
            if status and status != final:
                warnings.append(_("status ‘%(given)s’ klopt niet met de data: wordt ‘%(status)s’",
                                  given=status_text[:40], status=final))
        number = values.get("certificate_number", "")
        existing = None
        if number:
            if len(number) > CERTIFICATE_MAX or not CERTIFICATE_CHARS.match(number):
                problems.append(_("certificaatnummer ‘%(value)s’ is ongeldig (letters, cijfers, - . / _, hoogstens "
                                  "%(n)s tekens)", value=number[:40], n=CERTIFICATE_MAX))
            else:
                existing = by_number.get(number)
                if existing is not None and org is not None and existing.organisation_id != org.id:
                    problems.append(_("certificaatnummer %(number)s hoort bij een andere organisatie", number=number))
                    existing = None
                elif existing is None and PORTAL_NUMBER.match(number):
                    problems.append(_("certificaatnummer %(number)s heeft de vorm die het portaal zelf uitgeeft; "
                                      "laat het leeg, dan krijgt het label een nummer", number=number))
        elif org is not None and valid_from:
            existing = by_start.get((org.id, valid_from))
        if existing is not None and existing.assessment_id is not None:
            problems.append(_("label %(number)s is in het portaal toegekend; wijzig het in het portaal",
                              number=existing.certificate_number))
        clean = {"kvk": kvk or values.get("kvk", ""), "organisation_id": org.id if org else None,
                 "organisation": org.name if org else "", "certificate_number": number,
                 "valid_from": valid_from.isoformat() if valid_from else "",
                 "valid_until": valid_until.isoformat() if valid_until else "",
                 "history": [[s, d.isoformat()] for s, d in history],
                 "status": history[-1][0] if history else "", "reason": reason}
        rows.append(_row(line, values, clean, problems, warnings,
                         "bijwerken" if existing is not None else "nieuw",
                         existing.id if existing is not None else None))
    _duplicates(rows, lambda r: (r["clean"]["kvk"], r["clean"]["valid_from"]) if r["clean"]["valid_from"] else None,
                _("dit label (KvK-nummer en datum van toekenning) "
                  "staat meer dan eens in het bestand (regels %(lines)s)"))
    _duplicates(rows, lambda r: r["clean"]["certificate_number"] or None,
                _("certificaatnummer staat meer dan eens in het bestand (regels %(lines)s)"))
    return rows


def _duplicates(rows, key, message):
    groups = {}
    for row in rows:
        k = key(row)
        if k:
            groups.setdefault(k, []).append(row)
    for same in groups.values():
        if len(same) > 1:
            lines = ", ".join(str(r["line"]) for r in same)
            for row in same:
                row["problems"].append(str(message % {"lines": lines}))


# --------------------------------------------------------------------------- path steps: checking
def check_path_rows(frame) -> list[dict]:
    columns = _columns(frame.columns, PATH_COLUMNS, PATH_REQUIRED)
    today = clock.today()
    raw_rows = _values(frame, columns)
    kvks = []
    for _line, values in raw_rows:
        try:
            kvks.append(normalise_kvk(values.get("kvk")))
        except InvalidNumber:
            pass
    orgs = _organisations(kvks)
    existing = {}
    if orgs:
        for step in db.session.scalars(select(PathStep).where(
                PathStep.organisation_id.in_([o.id for o in orgs.values()]))):
            existing[(step.organisation_id, step.step)] = step
    rows = []
    for line, values in raw_rows:
        problems = []
        kvk = _kvk(values, problems)
        org = orgs.get(kvk) if kvk else None
        if kvk and org is None:
            problems.append(_("geen organisatie met KvK-nummer %(kvk)s in het portaal; importeer eerst de "
                              "partnerlijst", kvk=kvk))
        step_text = values.get("step", "")
        step = STEP_ALIASES.get(_key(step_text))
        if step is None:
            if _key(step_text) in PORTAL_STEPS:
                problems.append(_("stap ‘%(value)s’ volgt uit het partnerschap en de zelfscan in het portaal; "
                                  "importeer alleen intake en inspiratiesessie", value=step_text[:40]))
            else:
                problems.append(_("stap ‘%(value)s’ is onbekend (intake of inspiratiesessie)", value=step_text[:40]))
        held_on = _date(values, "held_on", problems, _("datum"), required=True)
        if held_on and held_on > today:
            problems.append(_("datum %(d)s ligt in de toekomst", d=held_on.strftime("%d-%m-%Y")))
        note = values.get("note", "")
        if len(note) > NOTE_MAX:
            problems.append(_("notitie is te lang (hoogstens %(n)s tekens)", n=NOTE_MAX))
        found = existing.get((org.id, step)) if org is not None and step else None
        clean = {"kvk": kvk or values.get("kvk", ""), "organisation_id": org.id if org else None,
                 "organisation": org.name if org else "", "step": step or step_text[:40],
                 "held_on": held_on.isoformat() if held_on else "", "note": note}
        rows.append(_row(line, values, clean, problems, [], "bijwerken" if found else "nieuw",
                         found.id if found else None))
    _duplicates(rows, lambda r: (r["clean"]["kvk"], r["clean"]["step"]) if r["clean"]["step"] in PATH_STEPS else None,
                _("deze stap van deze organisatie staat meer dan eens in het bestand (regels %(lines)s)"))
    return rows


# --------------------------------------------------------------------------- batches
def upload(kind: str, filename: str, data: bytes, by: User) -> ImportBatch:
    """Read and check the file; keep the rows as a batch for the preview. Nothing is imported yet."""
    if kind not in KINDS:
        raise PartnerError(_("Onbekend soort import."))
    frame = read_table(filename, data)
    rows = check_label_rows(frame) if kind == "labels" else check_path_rows(frame)
    batch = ImportBatch(filename=clean_filename(filename, max_length=255, default="import"), rows=rows,
                        status="preview", kind=kind, created_by_id=by.id)
    db.session.add(batch)
    db.session.flush()
    record(f"{kind}_import.uploaded", batch, actor=by,
           summary=f"{batch.filename}: {len(rows)} rijen, {len(batch.invalid_rows)} met problemen")
    return batch


def _claim(batch: ImportBatch, kind: str, new_status: str) -> None:
    values = {"status": new_status}
    if new_status == "imported":
        values["imported_at"] = utcnow()
    result = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.kind == kind,
                                  ImportBatch.status == "preview")
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise PartnerError(_("Deze import is al verwerkt of verworpen."))
    db.session.refresh(batch)


def commit(batch: ImportBatch, by: User) -> ImportBatch:
    """Write every valid row of the batch. The caller commits once: all or nothing."""
    kind = batch.kind
    if kind not in KINDS:
        raise PartnerError(_("Onbekend soort import."))
    _claim(batch, kind, "imported")
    valid = batch.valid_rows
    if not valid:
        raise PartnerError(_("Er zijn geen rijen zonder problemen om te importeren."))
    created, updated = (_commit_labels if kind == "labels" else _commit_path)(batch, valid, by)
    batch.created_count, batch.updated_count = created, updated
    batch.skipped_count = len(batch.rows) - len(valid)
    record(f"{kind}_import.committed", batch, actor=by,
           summary=f"{created} nieuw, {updated} bijgewerkt, {batch.skipped_count} overgeslagen")
    db.session.flush()
    return batch


def discard(batch: ImportBatch, by: User) -> None:
    _claim(batch, batch.kind, "discarded")
    record(f"{batch.kind}_import.discarded", batch, actor=by, summary=batch.filename)


def _free_number(year: int, label_id: int) -> str:
    number = f"OMI-{year}-{label_id:05d}"
    n = 1
    while db.session.scalar(select(Label.id).where(Label.certificate_number == number)) is not None:
        n += 1
        number = f"OMI-{year}-{label_id:05d}-{n}"
    return number


def _noon(day: date) -> datetime:
    """An imported label was awarded on its start date; the hour is unknown, so noon in Dordrecht."""
    return datetime.combine(day, time(12), tzinfo=clock.TZ).astimezone(UTC)


def _commit_labels(batch: ImportBatch, rows: list[dict], by: User) -> tuple[int, int]:
    source = f"import {batch.filename}"
    created = updated = 0
    ids = [r["existing_id"] for r in rows if r["existing_id"]]
    existing = {lab.id: lab for lab in db.session.scalars(select(Label).where(Label.id.in_(ids)))} if ids else {}
    by_id = by.id if by is not None else None
    for row in rows:
        clean = row["clean"]
        valid_from = date.fromisoformat(clean["valid_from"])
        valid_until = date.fromisoformat(clean["valid_until"])
        history = [(status, date.fromisoformat(day)) for status, day in clean["history"]]
        reason = clean["reason"] or in_dutch(IMPORT_REASON)
        label = existing.get(row["existing_id"])
        if label is not None and label.assessment_id is not None:
            raise PartnerError(_("Label %(number)s is intussen in het portaal toegekend; controleer het bestand "
                                 "opnieuw.", number=label.certificate_number))
        if label is None:
            label = Label(organisation_id=clean["organisation_id"], assessment_id=None,
                          certificate_number=clean["certificate_number"] or f"tmp-{batch.id}-{row['line']}",
                          valid_from=valid_from, valid_until=valid_until, status=history[-1][0],
                          awarded_by_id=by_id, awarded_at=_noon(valid_from))
            db.session.add(label)
            db.session.flush()
            if not clean["certificate_number"]:
                label.certificate_number = _free_number(valid_from.year, label.id)
            for status, day in history:
                label.history.append(LabelStatusChange(
                    status=status, effective_on=day, changed_by_id=by_id,
                    reason=reason if status != "verlopen" else in_dutch(_l("Geldigheidsduur voorbij"))))
            db.session.flush()
            record("label.imported", label, actor=by, summary=f"{label.certificate_number} uit {source}",
                   changes={"valid_from": [None, valid_from], "valid_until": [None, valid_until],
                            "status": [None, label.status], "history": [None, [[s, d] for s, d in history]]})
            created += 1
            continue
        changes = {}
        for field, new in (("valid_from", valid_from), ("valid_until", valid_until), ("status", history[-1][0])):
            if getattr(label, field) != new:
                changes[field] = [getattr(label, field), new]
                setattr(label, field, new)
        old_history = [(c.status, c.effective_on) for c in label.history]
        if old_history != history:
            changes["history"] = [[[s, d] for s, d in old_history], [[s, d] for s, d in history]]
            label.history.clear()
            db.session.flush()
            for status, day in history:
                label.history.append(LabelStatusChange(
                    status=status, effective_on=day, changed_by_id=by_id,
                    reason=reason if status != "verlopen" else in_dutch(_l("Geldigheidsduur voorbij"))))
        db.session.flush()
        if changes:
            record("label.import_updated", label, actor=by, summary=f"{label.certificate_number} uit {source}",
                   changes=changes)
            updated += 1
    return created, updated


def _commit_path(batch: ImportBatch, rows: list[dict], by: User) -> tuple[int, int]:
    from portal.partners.path import record_path_step

    ids = {r["clean"]["organisation_id"] for r in rows}
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    created = updated = 0
    for row in rows:
        clean = row["clean"]
        org = orgs.get(clean["organisation_id"])
        if org is None:
            raise PartnerError(_("Een organisatie uit dit bestand is intussen verwijderd; controleer het bestand "
                                 "opnieuw."))
        before = db.session.scalar(select(PathStep.held_on).where(PathStep.organisation_id == org.id,
                                                                  PathStep.step == clean["step"]))
        record_path_step(org, clean["step"], date.fromisoformat(clean["held_on"]), by, clean["note"],
                         source=f"import {batch.filename}")
        if before is None:
            created += 1
        else:
            updated += 1
    return created, updated
