"""Label check API: `GET /api/v1/labels/<kvk>` and `GET /api/v1/labels?kvk=..&kvk=..&date=..`.

Read-only and public: rate limited per client, cacheable (ETag, Cache-Control), exempt from CSRF.
"""
import hashlib
import json
from datetime import date

from flask import Blueprint, Response, current_app, request
from sqlalchemy import Date, String, and_, bindparam, select

from portal.api.openapi import spec
from portal.extensions import csrf, db, limiter
from portal.label.history import NO_LABEL, LabelSnapshot, label_status_on, snapshots_from_rows, today
from portal.label.models import Label, LabelStatusChange
from portal.partners.models import Organisation
from portal.permissions import public
from portal.programme.standing import WERKT_AAN_LABEL, group_of, standing_on, standing_statement
from portal.validators import InvalidNumber, normalise_kvk

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_BULK = 100


def _rate():
    return current_app.config.get("RATELIMIT_API", "120 per minute")


def _json(payload, status=200, cacheable=True) -> Response:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    if cacheable and status == 200:
        response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
        response.headers["Cache-Control"] = f"public, max-age={current_app.config.get('API_CACHE_SECONDS', 300)}"
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str, **extra) -> Response:
    return _json({"error": {"status": status, "message": message, **extra}}, status, cacheable=False)


def _kvk(value: str) -> str:
    """A normalised KvK number; 00000000 is well-formed for a caller but belongs to nobody (404)."""
    if (value or "").strip() == "00000000":
        return "00000000"
    return normalise_kvk(value)


class BadRequest(ValueError):
    pass


def _date_param() -> date:
    raw = request.args.get("date")
    if raw is None:
        return today()
    # The schema says format "date" (any year): an empty value is as wrong as 2026-02-30.
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad_date()
    except ValueError:
        _bad_date()


def _bad_date():
    raise BadRequest("Ongeldige datum; gebruik JJJJ-MM-DD.")


def _checks(orgs, on: date) -> list[dict]:
    snapshots = label_status_on([o.id for o in orgs], on)
    standings = standing_on([o.id for o in orgs], on)
    return [_check(org, snapshots[org.id], on, standings[org.id].partner, standings[org.id].label) for org in orgs]


def _check(org, snap: LabelSnapshot, on: date, partner: bool, label: bool) -> dict:
    """One organisation's answer; ``partner`` and ``label`` as the programme counts them on ``on``."""
    base = current_app.config["PORTAL_BASE_URL"]
    group = group_of(partner, label)
    return {
        "kvk": org.kvk,
        "name": org.name,
        "partner_status": org.partner_status,
        "date": on.isoformat(),
        "label_status": snap.status,
        "certificate_number": snap.certificate_number,
        "valid_from": snap.valid_from.isoformat() if snap.valid_from else None,
        "valid_until": snap.valid_until.isoformat() if snap.valid_until else None,
        "verification_url": base + snap.verification_path if snap.verification_path else None,
        "partner_on_date": bool(partner),
        "programme_status": group,
        "working_on_label": group == WERKT_AAN_LABEL,
    }


@bp.route("/labels/<kvk>")
@public
@limiter.limit(_rate)
def label(kvk):
    try:
        number = _kvk(kvk)
        on = _date_param()
    except (InvalidNumber, BadRequest) as exc:
        return _error(400, str(exc))
    # One round trip: the organisation with its labels and their status changes (the statement is built once).
    rows = db.session.execute(_SINGLE_CHECK, {"kvk": number, "on": on}).all()
    if not rows:
        return _error(404, f"Geen organisatie bekend met KvK-nummer {number}.")
    org = rows[0]
    return _json(_check(org, snapshots_from_rows(rows, on).get(org.organisation_id, NO_LABEL), on,
                        bool(org.standing_partner), bool(org.standing_label)))


# The programme's standing of the organisation asked for, on the date asked for: the same statement as the
# dashboard's counts (portal.programme.standing), restricted to one organisation.
_STANDING = standing_statement(bindparam("on", type_=Date),
                               select(Organisation.id).where(Organisation.kvk == bindparam("kvk", type_=String))
                               ).subquery("standing")


_SINGLE_CHECK = (
    select(Organisation.id.label("organisation_id"), Organisation.kvk, Organisation.name, Organisation.partner_status,
           Label.id, Label.certificate_number, Label.valid_from, Label.valid_until,
           LabelStatusChange.id.label("change_id"), LabelStatusChange.status.label("change_status"),
           LabelStatusChange.effective_on.label("change_on"),
           _STANDING.c.partner.label("standing_partner"), _STANDING.c.label.label("standing_label"))
    .outerjoin(_STANDING, _STANDING.c.organisation_id == Organisation.id)
    .outerjoin(Label, and_(Label.organisation_id == Organisation.id, Label.valid_from <= bindparam("on", type_=Date)))
    .outerjoin(LabelStatusChange, and_(LabelStatusChange.label_id == Label.id,
                                       LabelStatusChange.effective_on <= bindparam("on", type_=Date)))
    .where(Organisation.kvk == bindparam("kvk", type_=String))
    .order_by(Label.valid_from, Label.id)
)


@bp.route("/labels")
@public
@limiter.limit(_rate)
def labels():
    raw = request.args.getlist("kvk")
    if not raw:
        return _error(400, "Geef minstens één KvK-nummer: ?kvk=12345678&kvk=...")
    if len(raw) > MAX_BULK:
        return _error(400, f"Ten hoogste {MAX_BULK} KvK-nummers per verzoek.")
    numbers, invalid = [], []
    for value in raw:
        try:
            numbers.append(_kvk(value))
        except InvalidNumber:
            invalid.append(value)
    if invalid:
        return _error(400, "Ongeldige KvK-nummers.", invalid=invalid)
    try:
        on = _date_param()
    except BadRequest as exc:
        return _error(400, str(exc))
    numbers = list(dict.fromkeys(numbers))
    orgs = db.session.scalars(select(Organisation).where(Organisation.kvk.in_(numbers))).all()
    by_kvk = {o.kvk: o for o in orgs}
    found = [by_kvk[n] for n in numbers if n in by_kvk]
    return _json({"date": on.isoformat(), "results": _checks(found, on),
                  "not_found": [n for n in numbers if n not in by_kvk]})


@bp.route("/openapi.json")
@public
def openapi():
    return _json(spec(current_app.config["PORTAL_BASE_URL"] + "/api/v1"))
