"""Mail is Dutch, subject and body, whatever language the visitor who sets it off reads the pages in.

Mail goes to other people (an organisation's administrators, staff, a new member) whose language the
portal does not know. ``queue_mail`` renders subject and body in Dutch; callers pass the subject as a lazy
string (``_l``), because ``gettext`` would translate it into the visitor's language before it gets there.
"""
import ast
from pathlib import Path

from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import queue_mail
from tests.conftest import Mailbox, login

ROOT = Path(__file__).resolve().parent.parent


def _english(client):
    assert client.post("/taal", data={"lang": "en"}).status_code == 302


def test_join_request_of_an_english_visitor_mails_the_administrator_in_dutch(client, make_user, make_org, mailbox):
    owner = make_user(email="eigenaar@merwede.example")
    make_org(name="Bouwbedrijf De Merwede", kvk="24123456", members=[owner])
    newcomer = make_user(email="newcomer@merwede.example", name="Nina Newcomer")
    login(client, newcomer.email)
    _english(client)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)

    response = client.post("/organisatie/aansluiten", data={"join-kvk": "24123456", "join-message": "HR here."})
    assert response.status_code == 302

    mail = mailbox.last_to(owner.email)
    assert mail["Subject"] == "Verzoek om lid te worden van Bouwbedrijf De Merwede"
    body = Mailbox.text(mail)
    assert "Beste beheerder van Bouwbedrijf De Merwede," in body
    assert "vraagt om lid te worden van Bouwbedrijf De Merwede" in body
    assert "Request to become a member" not in mail["Subject"] and "Dear administrator" not in body
    # The page itself stays English.
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_password_reset_asked_in_english_is_mailed_in_dutch(client, make_user, mailbox):
    user = make_user(email="reset@bedrijf.example", name="Rob Reset")
    _english(client)
    response = client.post("/account/wachtwoord-vergeten", data={"email": user.email})
    assert response.status_code == 200 and '<html lang="en">' in response.get_data(as_text=True)

    mail = mailbox.last_to(user.email)
    assert mail["Subject"] == "Nieuw wachtwoord instellen"
    body = Mailbox.text(mail)
    assert "Beste Rob Reset," in body and "Met deze link stelt u een nieuw wachtwoord in:" in body
    assert "Set a new password" not in mail["Subject"] and "Dear Rob Reset" not in body


def test_rule_called_during_an_english_request_queues_dutch_mail(app, make_user, make_org):
    from portal.partners import services

    staff = make_user("mbo_staff")
    owner = make_user(email="beheer@kade.example")
    org = make_org(name="Kade Logistiek", status="aanvraag", members=[owner])
    with app.test_request_context("/?lang=en"):
        refresh()  # the test's app context (and its g) outlives the request: forget the locale found before
        assert str(get_locale()) == "en"
        assert _("Welkom als partner van St. MBO") == "Welcome as a St. MBO partner"  # the request is English
        services.change_partnership(org, "approve", staff)
        db.session.flush()
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == owner.email))
    assert message.subject == "Welkom als partner van St. MBO"
    assert "Goed nieuws: Kade Logistiek is vanaf vandaag partner van St. MBO" in message.body_text
    assert "Good news" not in message.body_text
    db.session.rollback()


def test_queue_mail_renders_lazy_subject_and_context_in_dutch(app):
    user = type("U", (), {"name": "Eva", "email": "eva@bedrijf.example"})()
    with app.test_request_context("/?lang=en"):
        refresh()
        message = queue_mail("eva@bedrijf.example", _l("Uw wachtwoord is gewijzigd"), "auth/password_changed",
                             user=user)
        # An explicit locale is honoured as well.
        english = queue_mail("eva@bedrijf.example", _l("Uw wachtwoord is gewijzigd"), "auth/password_changed",
                             user=user, locale="en")
    assert message.subject == "Uw wachtwoord is gewijzigd"
    assert english.subject == "Your password has been changed"
    assert "Beste Eva," in message.body_text and "Dear Eva," in english.body_text
    db.session.rollback()


def _subject_parameters():
    """Every function in portal/ with a ``subject`` parameter, and the position of that parameter."""
    found = {}
    for path in (ROOT / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "subject" in names or any(a.arg == "subject" for a in node.args.kwonlyargs):
                    found[node.name] = names.index("subject") if "subject" in names else None
    return found


def _eager_gettext_calls(node):
    return [c for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            and c.func.id in ("_", "gettext", "ngettext")]


def test_mail_subjects_are_passed_as_lazy_strings():
    """A subject made with ``_()`` is translated into the visitor's language before the mail is rendered."""
    functions = _subject_parameters()
    assert "queue_mail" in functions
    wrong = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in functions:
                continue
            position = functions[name]
            subject = [k.value for k in node.keywords if k.arg == "subject"]
            if position is not None and len(node.args) > position:
                subject.append(node.args[position])
            for value in subject:
                for call in _eager_gettext_calls(value):
                    wrong.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.get_source_segment(source, call)}")
    assert not wrong, "mail subjects made with gettext; use lazy_gettext (_l):\n" + "\n".join(wrong)
