"""The privacy actions as the views and the CLI call them: each checks, acts, records in the audit log, flushes."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.audit.services import record
from portal.auth import passwords
from portal.auth.models import User
from portal.events.models import Registration
from portal.privacy import erasure, export
from portal.privacy.erasure import PrivacyError


def download_own_data(user: User) -> bytes:
    """Art. 15/20: the person's own ZIP; the audit log notes that it was taken (not what it held)."""
    data = export.export_user(user)
    record("privacy.exported", actor=user, object_type="User", object_id=user.id,
           summary=_l("Eigen gegevens gedownload"))
    return data


def download_registrant_data(registration: Registration) -> bytes:
    if registration.user_id is not None:
        raise PrivacyError(_("Deze aanmelding hoort bij een account; download uw gegevens via Mijn account."))
    data = export.export_registrant(registration)
    record("privacy.exported", object_type="Registration", object_id=registration.id,
           summary=_l("Gegevens van een bezoeker gedownload via de persoonlijke link"))
    return data


def erase_own_account(user: User, password: str, confirmed: bool) -> None:
    if not confirmed:
        raise PrivacyError(_("Vink aan dat u begrijpt dat dit niet ongedaan kan worden."), field="confirm")
    if not passwords.verify_password(user.password_hash, password or ""):
        raise PrivacyError(_("Het wachtwoord klopt niet."), field="password")
    erasure.erase_account(user, user)


def export_on_request(email: str, by: User, reason: str) -> tuple[str, bytes]:
    """St. MBO answers an access request received by mail: the ZIP, and an audit entry with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Noteer hoe en wanneer het verzoek binnenkwam."), field="reason")
    user, registration = erasure.find_subject(email)
    if user is not None:
        data = export.export_user(user)
        record("privacy.exported", actor=by, object_type="User", object_id=user.id,
               summary=_l("Gegevens verstrekt op verzoek per mail"), changes={"reden": reason})
    else:
        data = export.export_registrant(registration)
        record("privacy.exported", actor=by, object_type="Registration", object_id=registration.id,
               summary=_l("Gegevens van een bezoeker verstrekt op verzoek per mail"), changes={"reden": reason})
    return email.strip().lower(), data


def erase_registrant_by_link(registration: Registration, confirmed: bool) -> int:
    if not confirmed:
        raise PrivacyError(_("Vink aan dat u begrijpt dat dit niet ongedaan kan worden."), field="confirm")
    return erasure.erase_registrant(registration)
