"""Steps a visitor takes in the browser, shared by the browser tests."""
import time
import uuid
from urllib.parse import urlsplit

from portal.extensions import db
from tests.conftest import PASSWORD

NAME = "Fatima de Vries"

# The rule sets axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def unique_email(prefix="bezoeker") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@bedrijf.nl"


def wait_for_mail(mailbox, address, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mailbox.to(address)
        if found:
            return found[-1]
        time.sleep(0.05)
    return mailbox.last_to(address)  # fails with the list of addresses that did get mail


def make_verified_user(live_server, email, name=NAME, roles=("ondernemer",)):
    from portal.auth.services import create_user

    with live_server.app.app_context():
        create_user(email, PASSWORD, roles=list(roles), name=name, verified=True)
        db.session.commit()
        db.session.remove()


def fill_registration(page, email, password=PASSWORD, name=NAME):
    page.get_by_label("Uw naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_label("Herhaal het wachtwoord").fill(password)
    page.get_by_role("button", name="Account aanmaken").click()


def log_in(page, email, password=PASSWORD):
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def _format_violations(response: dict) -> str:
    lines = []
    for violation in response["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                lines.append(f"      * {check['message']}")
    return "\n".join(lines)


def _is_misplaced_import(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith(".css") and not path.startswith("/static/")


def _fetch_import_from_static(route):
    # axe-core 4.12.1 fetches a stylesheet's relative @import (portal.css imports partners.css and the
    # other package sheets) against the page URL instead of the stylesheet URL (dequelabs/axe-core#5268),
    # gets a 404 page and checks css-orientation-lock without those sheets. Send it to the real file.
    parts = urlsplit(route.request.url)
    name = parts.path.rsplit("/", 1)[-1]
    route.continue_(url=f"{parts.scheme}://{parts.netloc}/static/css/{name}")


def assert_accessible(page, name: str | None = None):
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; fail with a readable list."""
    from axe_playwright_python.sync_playwright import Axe

    # axe is injected with page.evaluate (the DevTools protocol), which the portal's strict
    # Content-Security-Policy (script-src 'self') does not block, so contexts need no bypass_csp.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    page.wait_for_load_state("load")  # check the page as styled, not before its stylesheets arrived
    page.route(_is_misplaced_import, _fetch_import_from_static)
    try:
        results = Axe().run(page, options=options)
    finally:
        page.unroute(_is_misplaced_import, _fetch_import_from_static)
    where = name or page.url
    assert results.violations_count == 0, (
        f"axe-core found {results.violations_count} accessibility violation(s) on {where}:\n"
        + _format_violations(results.response)
    )
    return results


def unique_kvk() -> str:
    """An 8-digit KvK-nummer that no other test of the session uses (the live server's database is shared)."""
    return f"{uuid.uuid4().int % 90_000_000 + 10_000_000:08d}"


def log_in_at(page, email, password=PASSWORD):
    """Open the login page and log in; the caller checks where the visitor lands."""
    page.goto("/account/inloggen")
    log_in(page, email, password)


def wait_for_subject(mailbox, address, subject, timeout=10.0):
    """The newest mail to ``address`` whose subject is ``subject``, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Flask-Mail folds a long subject right after "Subject:", which the parser keeps as a leading space.
        found = [m for m in mailbox.to(address) if str(m["Subject"]).strip() == subject]
        if found:
            return found[-1]
        time.sleep(0.05)
    subjects = [m["Subject"] for m in mailbox.to(address)]
    raise AssertionError(f"no mail {subject!r} to {address}; it got {subjects}")


def make_partner_org(live_server, name, members=(), status="partner", municipality="Dordrecht", **fields):
    """An organisation (default: a partner in Dordrecht since 15 January 2024) with existing users as members.

    ``members`` are e-mail addresses (role ``beheerder``) or (e-mail, role) pairs. Returns (id, kvk).
    """
    from datetime import date

    from sqlalchemy import select

    from portal.auth.models import User
    from portal.partners import reference as ref
    from portal.partners.models import Membership, Organisation

    kvk = fields.pop("kvk", None) or unique_kvk()
    with live_server.app.app_context():
        muni = ref.ensure_municipalities()[municipality]
        fields = {"street": "Wijnstraat 1", "postcode": "3311 AA", "city": "Dordrecht", "sector": "techniek",
                  "size_class": "10-49", **fields}
        org = Organisation(name=name, kvk=kvk, municipality=muni, partner_status=status,
                           partner_since=date(2024, 1, 15) if status in ("partner", "geschorst") else None, **fields)
        db.session.add(org)
        for member in members:
            email, role = member if isinstance(member, tuple) else (member, "beheerder")
            user = db.session.scalar(select(User).where(User.email == email))
            db.session.add(Membership(user=user, organisation=org, role=role))
        db.session.commit()
        result = (org.id, org.kvk)
        db.session.remove()
    return result


def structure_problems(page) -> list[str]:
    """What axe-core 4.x no longer reports but a screen reader still trips over: ids used twice on the page
    (a label or aria-labelledby then points at the first element only) and form controls without a name;
    and any <script>, as every page must work without JavaScript."""
    return page.evaluate("""() => {
        const problems = [];
        const seen = new Map();
        // Hidden inputs are never pointed at: two forms may each carry id="csrf_token".
        for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {
            seen.set(el.id, (seen.get(el.id) || 0) + 1);
        }
        for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
        const controls = document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
        for (const el of controls) {
            const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
                || el.getAttribute('aria-labelledby') || el.getAttribute('title');
            if (!named) problems.push(`${el.outerHTML.slice(0, 120)} has no label of its own`);
        }
        // The portal works without JavaScript: no page carries a script.
        for (const el of document.querySelectorAll('script')) {
            problems.push(`a script: ${el.outerHTML.slice(0, 120)}`);
        }
        return problems;
    }""")


def assert_sound_page(page, name: str | None = None):
    """axe-core (WCAG 2.0/2.1 A and AA) and, on top, unique ids, a label for every form control, no script."""
    results = assert_accessible(page, name)
    problems = structure_problems(page)
    assert not problems, f"structure problems on {name or page.url}:\n" + "\n".join(f"- {p}" for p in problems)
    return results


PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def check_on_a_phone(make_page, email, paths):
    """Log in as ``email`` on a phone and run assert_sound_page on every path; returns the failures."""
    page = make_page(**PHONE)
    log_in_at(page, email)
    failures = []
    for path in paths:
        response = page.goto(path)
        if response is None or response.status >= 400:
            failures.append(f"{path}: HTTP {response.status if response else '?'}")
            continue
        try:
            assert_sound_page(page, f"{path} on a phone")
        except AssertionError as exc:
            failures.append(str(exc))
    return failures
