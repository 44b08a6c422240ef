"""Writing audit entries inside the caller's transaction."""
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.i18n import in_dutch


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record(action: str, obj=None, *, summary: str = "", changes: dict | None = None,
           organisation_id: int | None = None, actor=None, role: str | None = None,
           object_type: str | None = None, object_id: int | None = None) -> AuditEntry:
    """Add one audit entry to the current session; the caller's commit makes it permanent.

    ``changes`` maps a field to ``[old, new]`` (or any JSON-able detail).
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if obj is not None:
        db.session.flush()  # the object needs its id
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if organisation_id is None:
            if type(obj).__name__ == "Organisation":
                organisation_id = obj.id
            else:
                organisation_id = getattr(obj, "organisation_id", None)
    if role is None:
        role = g.get("acting_role") if has_request_context() else None
        if role is None:
            role = actor.primary_role if actor is not None else "systeem"
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        acting_role=role,
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        organisation_id=organisation_id,
        summary=in_dutch(summary)[:500],
        changes=_plain(changes) if changes else None,
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def diff(obj, new_values: dict) -> dict:
    """Apply ``new_values`` to ``obj`` and return {field: [old, new]} for what changed."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [old, new]
            setattr(obj, field, new)
    return changes
