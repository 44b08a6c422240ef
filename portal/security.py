"""Security headers on every response, and no NUL characters in any request's path, query string or form."""
from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _without_nul(values) -> ImmutableMultiDict:
    return ImmutableMultiDict([(key.replace("\x00", ""), value.replace("\x00", ""))
                               for key, value in values.items(multi=True)])


def init_app(app):
    if app.config.get("PROXY_COUNT"):
        # The client's address (per-client limits, logs) and scheme as the trusted proxies saw them.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0)

    @app.before_request
    def drop_nul_characters():
        # Nobody types a NUL and PostgreSQL cannot store or even compare one in text: a pasted or crafted NUL
        # would otherwise end in a server error wherever the value reaches the database.
        if request.view_args and any(isinstance(v, str) and "\x00" in v for v in request.view_args.values()):
            abort(404)  # a path parameter with a NUL (a token, a certificate number) names nothing
        if request.query_string and _has_nul(request.args):
            request.args = _without_nul(request.args)
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data") and _has_nul(request.form):
            request.form = _without_nul(request.form)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["PORTAL_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            # Pages may show personal data: never keep them in shared caches.
            headers.setdefault("Cache-Control", "no-store")
        return response
