"""Dutch identifiers used across the portal: KvK-nummer and postcode (python-stdnum does the work)."""
from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode as stdnum_postcode
from stdnum.util import clean, isdigits
from wtforms.validators import ValidationError as FormValidationError


class InvalidNumber(ValueError):
    """Raised with a message fit to show at the field."""


KVK_LENGTH_MESSAGE = _l("Een KvK-nummer heeft 8 cijfers.")
LOST_ZERO_MESSAGE = _l("Een KvK-nummer heeft 8 cijfers; hier staan er 7. Is in het spreadsheet de 0 aan het begin "
                       "weggevallen? Maak van de kolom een tekstkolom en vul het nummer aan.")


def normalise_kvk(value, *, spreadsheet: bool = False) -> str:
    """An 8-digit KvK-nummer from user input ("12 34 56 78", "12345678"); raises InvalidNumber.

    Seven digits are refused, never padded: a typo that dropped any digit would otherwise silently name
    another organisation (a buyer files the answer). ``spreadsheet`` adds the likely cause (a number
    column that lost the leading zero) to the message of a row read from a file.
    """
    if value is None:
        raise InvalidNumber(_l("Vul een KvK-nummer in."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = clean(str(value), " -.").strip()
    if not number:
        raise InvalidNumber(_l("Vul een KvK-nummer in."))
    if not isdigits(number):
        raise InvalidNumber(_l("Een KvK-nummer bestaat alleen uit cijfers."))
    if len(number) != 8:
        raise InvalidNumber(LOST_ZERO_MESSAGE if spreadsheet and len(number) == 7 else KVK_LENGTH_MESSAGE)
    if number == "00000000":
        raise InvalidNumber(_l("Dit is geen geldig KvK-nummer."))
    return number


def is_valid_kvk(value) -> bool:
    try:
        normalise_kvk(value)
    except InvalidNumber:
        return False
    return True


def normalise_postcode(value) -> str:
    """A Dutch postcode as ``1234 AB``; raises InvalidNumber."""
    try:
        return stdnum_postcode.validate(str(value or ""))
    except ValidationError as exc:
        raise InvalidNumber(_l("Vul een geldige postcode in, bijvoorbeeld 3311 AB.")) from exc


class KvkNumber:
    """WTForms validator that also normalises the field's data."""

    def __call__(self, form, field):
        try:
            field.data = normalise_kvk(field.data)
        except InvalidNumber as exc:
            raise FormValidationError(str(exc)) from exc


class Postcode:
    def __call__(self, form, field):
        try:
            field.data = normalise_postcode(field.data)
        except InvalidNumber as exc:
            raise FormValidationError(str(exc)) from exc


def clean_filename(name: str, max_length: int = 200, default: str = "bestand") -> str:
    """A file name as given by a browser, made harmless to store and to show.

    Directories (/ and \\) are dropped, control and format characters (NUL, CR/LF, right-to-left override) and
    characters Windows forbids are removed; a long name is shortened before its extension, so the extension stays.
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*').strip()
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:max_length]
    return name or default
