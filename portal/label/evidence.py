"""Evidence files: checked by content (not by name), size limited, kept in the file storage (portal.files:
UPLOAD_FOLDER or the database, per FILE_STORAGE), never static."""
import io
import os
import uuid
import zipfile

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import files
from portal.extensions import db
from portal.label.errors import LabelError
from portal.label.models import EvidenceFile
from portal.validators import clean_filename as _clean_filename

# Detected kind -> extensions a file of that kind may carry in its name.
ALLOWED = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/webp": ("webp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
}


def max_bytes() -> int:
    return int(current_app.config.get("LABEL_EVIDENCE_MAX_MB", 10)) * 1024 * 1024


def clean_filename(name: str) -> str:
    return _clean_filename(name, max_length=200)


# Where Office keeps macros: the VBA project of OOXML files, Basic of OpenDocument, the
# _VBA_PROJECT stream (UTF-16 name) of the old binary formats.
OLE_MACROS = "_VBA_PROJECT".encode("utf-16-le")


def has_macros(mime: str, data: bytes) -> bool:
    if mime in ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"):
        return OLE_MACROS in data
    if "openxmlformats" in mime or "opendocument" in mime:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n.lower() for n in archive.namelist()]
        except (zipfile.BadZipFile, OSError, ValueError):
            return False  # filetype saw an Office file; Office repairs what zipfile cannot read
        return any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in names)
    return False


def check_file(filename: str, data: bytes) -> str:
    """The content type of an acceptable evidence file; refuses disguised, unknown and too large files."""
    if not data:
        raise LabelError(_("Het bestand is leeg."), field="file")
    if len(data) > max_bytes():
        raise LabelError(_("Het bestand is groter dan %(mb)s MB.", mb=max_bytes() // (1024 * 1024)), field="file")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise LabelError(_("Dit soort bestand kunnen we niet aannemen. Stuur een PDF, afbeelding (PNG, JPG) of "
                           "Office-document."), field="file")
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    if extension not in ALLOWED[mime]:
        raise LabelError(_("De inhoud van het bestand past niet bij de naam (.%(ext)s). Controleer het bestand.",
                           ext=extension or "?"), field="file")
    if has_macros(mime, data):
        raise LabelError(_("Documenten met macro's nemen we niet aan. Sla het document op zonder macro's, "
                           "of als PDF."), field="file")
    return mime


# Files follow the transaction of the action that wrote or deleted them (portal.files): a file written by an
# action that is rolled back is removed again, and a file is deleted only once the deletion of its last row is
# committed. stored_name is the key below "label/".


def _key(stored_name: str) -> str:
    return "label/" + stored_name


def store(organisation_id: int, data: bytes) -> str:
    relative = f"{organisation_id}/{uuid.uuid4().hex}"
    files.put(_key(relative), data)
    return relative


def open_evidence(evidence: EvidenceFile):
    """The file's contents as a binary file object; LabelError when it is missing or its name is not ours."""
    try:
        return files.open_file(_key(evidence.stored_name))
    except files.FileMissing:
        raise LabelError(_("Dit bestand is niet beschikbaar.")) from None


def remove_if_unused(stored_name: str) -> None:
    """Delete the file once no evidence row (of this or a renewed assessment) points to it, after the commit."""
    used = db.session.scalar(select(func.count()).select_from(EvidenceFile)
                             .where(EvidenceFile.stored_name == stored_name))
    if not used:
        files.delete(_key(stored_name))
