"""Error pages in the portal's own style; no stack traces outside development."""
from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

MESSAGES = {
    400: lambda: _("Het verzoek kon niet worden verwerkt."),
    403: lambda: _("U heeft geen toegang tot deze pagina."),
    404: lambda: _("Deze pagina bestaat niet (meer)."),
    405: lambda: _("Deze handeling is hier niet toegestaan."),
    409: lambda: _("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw."),
    413: lambda: _too_large(),
    429: lambda: _("Te veel pogingen. Wacht even en probeer het opnieuw."),
    503: lambda: _("Het portaal is even niet bereikbaar. "
                   "Uw gegevens zijn niet gewijzigd. Probeer het over een minuut opnieuw."),
    500: lambda: _("Er ging iets mis aan onze kant. Uw gegevens zijn niet gewijzigd. Probeer het later opnieuw."),
}


def _too_large() -> str:
    """The 413 message names the limit (MAX_UPLOAD_MB), so people know what to send instead."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    message = _("Het bestand is te groot.")
    if not limit:
        return message
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(limit // 1024, 1)} kB"
    return message + " " + _("U kunt hoogstens %(size)s tegelijk versturen. Maak het bestand kleiner of splits het.",
                             size=size)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, MESSAGES[500])()
    if _wants_json():
        return jsonify({"error": {"status": code, "message": message}}), code
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400, _("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code and 300 <= exc.code < 400:
            return exc
        code = exc.code or 500
        message = None
        if code in (400, 409) and exc.description and getattr(exc, "portal_message", False):
            message = exc.description
        response = app.make_response(render_error(code, message))
        # Keep what the exception says beside its body: Allow on a 405, Retry-After, WWW-Authenticate.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc):
        # The database is restarting or unreachable: say so, and ask clients to come back shortly.
        _safe_rollback()
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if app.debug or propagate or (app.testing and propagate is None):
            raise exc
        app.logger.warning("Database unavailable on %s: %s", request.path, exc)
        try:
            response = app.make_response(render_error(503))
        except Exception:  # noqa: BLE001 - the page itself needs the database (menu, account)
            db.session.rollback()
            response = app.make_response((MESSAGES[503](), 503, {"Content-Type": "text/plain; charset=utf-8"}))
        response.headers["Retry-After"] = "10"
        return response

    @app.errorhandler(Exception)
    def unhandled(exc):
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:  # a lost connection, whatever its class
            return database_unavailable(exc)
        # The action is rolled back: nothing is half-written.
        _safe_rollback()
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if app.debug or propagate or (app.testing and propagate is None):
            raise exc
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal(exc):
        db.session.rollback()
        return render_error(500)


def _safe_rollback():
    """Roll the session back; with the database gone the rollback itself can fail, and the page must still show."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.remove()
