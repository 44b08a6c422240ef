"""Spreadsheets in and out: an uploaded workbook is checked before it is parsed, exported cells never run.

Uploads: an XLSX is a zip archive. A small file may unpack to gigabytes (a zip bomb) and openpyxl would read it
all before the row limit is checked, so the archive's directory is checked first. zipfile never unpacks more
than a member declares (a member that does, fails its CRC check), so the declared sizes are a real bound.
Macros and external links are never run: pandas opens workbooks with openpyxl values-only, without links.

Exports: a cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel and
LibreOffice, and openpyxl writes a string starting with = as a formula. Such cells get a leading apostrophe.
"""
import io
import zipfile

# Far above a real partner or supplier list (5000 rows of 15 columns unpack to about 5 MB).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetTooLarge(ValueError):
    """The workbook unpacks to more than we are willing to read."""

    def __init__(self, limit_mb: int):
        super().__init__(limit_mb)
        self.limit_mb = limit_mb


def check_archive(data: bytes, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Raise SpreadsheetTooLarge when a zip-based workbook would unpack to too much; other bytes pass."""
    if data[:4] != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the reader refuses it with its own message
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > max_unpacked:
        raise SpreadsheetTooLarge(max_unpacked // (1024 * 1024))


def safe_cell(value):
    """The value as a spreadsheet shows it as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def neutralise_workbook(workbook) -> None:
    """Turn every text cell of an openpyxl workbook that would run as a formula into plain text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.value = safe_cell(cell.value)
