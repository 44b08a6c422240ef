"""Signed, time-limited tokens for links in mails."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int):
    """The payload, or None when the token is forged, malformed or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None


def fingerprint(value: str) -> str:
    """A short digest that changes when ``value`` changes (binds reset links to the current password)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]
