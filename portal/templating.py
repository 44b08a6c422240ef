"""Template globals and filters: navigation, dates and numbers in the user's language."""
from datetime import date, datetime

from flask import request
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from portal.codes import code_label
from portal.i18n import one_stop
from portal.navigation import navigation_items
from portal.permissions import current_membership


def _date(value, fmt="d MMMM yyyy"):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, fmt)
    if isinstance(value, date):
        return format_date(value, fmt)
    return value


def _datetime(value, fmt="d MMMM yyyy HH:mm"):
    return "" if value is None else format_datetime(value, fmt)


def _number(value):
    return "" if value is None else format_decimal(value)


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(_date, "date")
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(_number, "number")
    app.add_template_filter(code_label, "code_label")
    app.add_template_filter(one_stop, "one_stop")

    @app.context_processor
    def globals_():
        return {
            "navigation_items": navigation_items,
            "has_endpoint": lambda endpoint: endpoint in app.view_functions,
            "current_membership": current_membership,
            "current_locale": lambda: str(get_locale()),
            "current_path": lambda: request.full_path.rstrip("?") if request else "/",
        }
