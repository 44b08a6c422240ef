"""One place that bounds every number and date that comes in (forms, query strings, ids typed in a field).

A value outside the database's range (PostgreSQL integer, the widest numeric column) or outside a sane domain
range (dates 1900-2999, amounts below a billion) never reaches a query: a form field refuses it with a Dutch
message and keeps no data (so a filter that reads ``.data`` without validating ignores it), and the readers
below answer ``default``. ``install()`` (called by ``portal.widgets.install``) puts the bounds on every WTForms
integer, decimal, float, date and select-with-int field.
"""
import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import fields

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL integer (ids, counts, years)
# Amounts, weights, scores and hours in this portal stay far below; Numeric(14, 2) holds up to 10**12.
DECIMAL_LIMIT = Decimal(10) ** 9
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)

MESSAGES = {
    "int": _l("Vul een heel getal in tussen -2.147.483.648 en 2.147.483.647."),
    "decimal": _l("Vul een getal in kleiner dan een miljard."),
    "date": _l("Vul een datum in tussen 1900 en 2999."),
}


def within(value) -> bool:
    """Whether a parsed value lies in the range the portal accepts (None and other types: yes)."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return INT_MIN <= value <= INT_MAX
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < DECIMAL_LIMIT
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < DECIMAL_LIMIT
    if isinstance(value, datetime):
        return DATE_MIN <= value.date() <= DATE_MAX
    if isinstance(value, date):
        return DATE_MIN <= value <= DATE_MAX
    return True


def bounded_int(value, default=None, *, min_value: int = INT_MIN, max_value: int = INT_MAX):
    """``value`` (a str or int from a request) as an int within the bounds, else ``default``."""
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > 12:
            return default
        try:
            value = int(value)
        except ValueError:
            return default
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if max(min_value, INT_MIN) <= value <= min(max_value, INT_MAX) else default


def bounded_id(value):
    """A database id from a request (a positive integer that fits the column), or None."""
    return bounded_int(value, None, min_value=1)


def bounded_decimal(value, default=None):
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return default
    return number if within(number) else default


def bounded_date(value, default=None):
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        return default
    return day if within(day) else default


def int_arg(name: str, default=None, **bounds):
    """An integer from the query string (``?jaar=2026``), bounded; ``default`` when absent or out of range."""
    return bounded_int(request.args.get(name), default, **bounds)


def id_arg(name: str):
    return bounded_id(request.args.get(name))


def _kind(field) -> str:
    if isinstance(field, (fields.DateField, fields.DateTimeField, fields.DateTimeLocalField)):
        return "date"
    if isinstance(field, (fields.DecimalField, fields.FloatField)):
        return "decimal"
    return "int"


def _bounded(process_formdata):
    def process(self, valuelist):
        process_formdata(self, valuelist)
        data = self.data
        values = data if isinstance(data, (list, tuple)) else [data]
        if not all(within(v) for v in values):
            self.data = [] if isinstance(data, list) else None
            raise ValueError(MESSAGES[_kind(self)])

    process.bounded = True
    return process


def install() -> None:
    """Bound every integer, decimal, float, date and int-coerced select field of every form (idempotent)."""
    for cls in (fields.IntegerField, fields.DecimalField, fields.FloatField, fields.DateField,
                fields.DateTimeField, fields.DateTimeLocalField, fields.SelectField, fields.SelectMultipleField,
                fields.RadioField):
        original = cls.__dict__.get("process_formdata")
        if original is not None and not getattr(original, "bounded", False):
            cls.process_formdata = _bounded(original)
