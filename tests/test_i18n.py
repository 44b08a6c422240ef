"""The English catalog: complete, placeholders intact, compiled, and used once the visitor chooses English.

The catalog checks compare the committed files: portal/translations/messages.pot (the extracted
template) against portal/translations/en/LC_MESSAGES/messages.po (and its compiled messages.mo).
Refresh them with `make translations` (extract, update, compile) and translate what is new.
"""
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"

# %(name)s, %s, %d, %.2f ... and the escaped percent sign %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxX%]")


def _read_po(path):
    with open(path, "rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def pot():
    return _read_po(POT)


@pytest.fixture(scope="module")
def po():
    return _read_po(PO)


def _key(message):
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def _forms(value):
    return list(value) if isinstance(value, tuple | list) else [value]


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def test_every_extracted_message_has_an_english_translation(pot, po):
    """Every msgid of the current .pot is in the .po with a non-empty msgstr (all plural forms)."""
    translated = {_key(m): m for m in po if m.id}
    missing = []
    for message in pot:
        if not message.id:
            continue
        entry = translated.get(_key(message))
        if entry is None or "fuzzy" in entry.flags or not all(s.strip() for s in _forms(entry.string)):
            missing.append(_key(message))
    assert not missing, f"{len(missing)} message(s) without English translation:\n" + "\n".join(
        repr(m) for m in missing)


def test_placeholders_in_translations_match_the_msgid(pot, po):
    current = {_key(m) for m in pot if m.id}
    wrong = []
    for message in po:
        if not message.id or _key(message) not in current:
            continue
        ids = _forms(message.id)
        for i, string in enumerate(_forms(message.string)):
            if not string:
                continue
            # Plural form 0 follows msgid, every other form follows msgid_plural.
            source = ids[min(i, len(ids) - 1)]
            if _placeholders(source) != _placeholders(string):
                wrong.append(f"{source!r} -> {string!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_keep_leading_and_trailing_spaces(po):
    wrong = []
    for message in po:
        if not message.id:
            continue
        source = _forms(message.id)[0]
        for string in _forms(message.string):
            if string and (source[:1].isspace() != string[:1].isspace()
                           or source[-1:].isspace() != string[-1:].isspace()):
                wrong.append(f"{source!r} -> {string!r}")
    assert not wrong, "leading/trailing spaces differ:\n" + "\n".join(wrong)


def test_compiled_catalog_matches_the_po(po):
    """messages.mo is what Flask-Babel loads: it must hold the same translations as the .po."""
    with open(MO, "rb") as fh:
        compiled = {_key(m): _forms(m.string) for m in read_mo(fh) if m.id}
    stale = [_key(m) for m in po
             if m.id and "fuzzy" not in m.flags and all(_forms(m.string))
             and compiled.get(_key(m)) != _forms(m.string)]
    assert not stale, (f"{len(stale)} message(s) differ between messages.po and messages.mo; run "
                       "`pybabel compile -d portal/translations`:\n" + "\n".join(repr(s) for s in stale[:20]))


def test_babel_cfg_can_extract_every_template():
    """Babel's Jinja extractor drops a template it cannot parse without a word; fail loudly instead."""
    from babel.messages.frontend import parse_mapping_cfg
    from babel.util import pathmatch
    from jinja2.ext import babel_extract

    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    source = ROOT / "portal"
    failures = []
    for path in sorted(p for p in (source / "templates").rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        for pattern, method in method_map:
            if not pathmatch(pattern, relative):
                continue
            if method == "jinja2":
                options = {**options_map.get(pattern, {}), "silent": "false"}
                try:
                    with open(path, "rb") as fh:
                        list(babel_extract(fh, ["_", "gettext", "ngettext"], [], options))
                except Exception as exc:  # noqa: BLE001 - report every template that fails
                    failures.append(f"{relative}: {exc}")
            break
    assert not failures, "templates pybabel cannot extract:\n" + "\n".join(failures)


# --------------------------------------------------------------------------- rendering
def _choose(client, lang):
    response = client.post("/taal", data={"lang": lang})
    assert response.status_code == 302


def test_dutch_is_the_default(client):
    html = client.get("/account/inloggen").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Wachtwoord vergeten?" in html
    assert "Forgotten your password?" not in html

    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Meld uw organisatie aan" in html


def test_login_page_in_english(client):
    _choose(client, "en")
    html = client.get("/account/inloggen").get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in ("Log in", "Email address", "Password", "Forgotten your password?",
                 "Stay logged in on this device", "Skip to content"):
        assert text in html, text
    for dutch in ("Wachtwoord vergeten?", "E-mailadres", "Direct naar de inhoud"):
        assert dutch not in html, dutch


def test_welcome_page_in_english(client):
    _choose(client, "en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    for text in ("Register your organisation", "For businesses", "For residents and students",
                 "Accessibility"):
        assert text in html, text
    assert "Meld uw organisatie aan" not in html


def test_home_page_in_english_when_logged_in(client, make_user):
    user = make_user("ondernemer", name="Anna de Vries")
    login(client, user.email)
    _choose(client, "en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Welcome, Anna de Vries" in html
    assert "Log out" in html
    assert "Welkom, Anna de Vries" not in html


def test_switching_back_to_dutch(client):
    _choose(client, "en")
    assert '<html lang="en">' in client.get("/account/inloggen").get_data(as_text=True)
    _choose(client, "nl")
    html = client.get("/account/inloggen").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Wachtwoord vergeten?" in html


def test_unknown_language_keeps_dutch(client):
    _choose(client, "fr")
    assert '<html lang="nl">' in client.get("/account/inloggen").get_data(as_text=True)
