"""Reflow on a phone (WCAG 1.4.10, issue 15): at 320 CSS px no page of any role scrolls sideways and text stays
readable (HTML and chart text alike).

The pages are found the way a person finds them: from the start page of each demo account (``seed-demo``),
following every link the pages show, a few pages per kind of address (``/x/12`` and ``/x/13`` are one kind).
"""
import os
import re
import shutil
import tempfile
import threading
from urllib.parse import urlsplit

import pytest

from portal.extensions import db
from tests.browser.helpers import log_in_at

WIDTH = 320
MIN_FONT_PX = 10  # the smallest text the portal uses is .8rem (12.8 px); 5 px chart text is what this catches
PER_KIND = 2
MAX_PAGES = 90

# Links a crawl must not follow: they act, log out, or send a file instead of a page.
SKIP = re.compile(r"(uitloggen|/download|\.xlsx|\.csv|\.png|\.svg|\.pdf|\.ics|/bewijs/|/export|qr\.|/static/"
                  r"|taal|/bevestigen/|/wachtwoord-herstellen/|/uitnodiging/)", re.I)

MEASURE = """(width) => {
  const doc = document.documentElement;
  const tooSmall = [];
  const hidden = el => el.closest('.visually-hidden, [hidden], [aria-hidden=true]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!text || !el || seen.has(el) || hidden(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.ownerSVGElement) {
      const ctm = el.getScreenCTM();
      if (ctm) size = size * Math.hypot(ctm.a, ctm.b);
    }
    if (size < %(min)s) tooSmall.push(`${size.toFixed(1)}px: ${el.tagName.toLowerCase()} "${text.slice(0, 40)}"`);
  }
  const wide = [];
  // A phone browser zooms out to fit a too wide page, so innerWidth grows with it: compare with the device width.
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && !el.parentElement.closest('.table-wrap')) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
        if (wide.length > 4) break;
      }
    }
  }
  return {scrollWidth: doc.scrollWidth, width: width, tooSmall: tooSmall.slice(0, 5), wide};
}""".replace("%(min)s", str(MIN_FONT_PX))


@pytest.fixture(scope="module")
def demo_server(smtp_server):
    """The portal with only the demo data (``seed-demo``) on a server of its own: the session's live server holds
    whatever other tests made, which the demo seed would trip over."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.demo import seed_demo
    from tests.browser.conftest import LiveServer
    from tests.conftest import _test_config

    root = tempfile.mkdtemp(prefix="portal-demo-")
    app = create_app(_test_config("sqlite:///" + os.path.join(root, "demo.db"), smtp_server.port,
                                  RATELIMIT_LOGIN="1000 per minute"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PORTAL_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=app.config["PORTAL_BASE_URL"], app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def demo(browser, demo_server):
    """(accounts by role, password, new_page(**context options)) against the demo server."""
    from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    contexts = []

    def new_page(**options):
        context = browser.new_context(base_url=demo_server.url, locale="nl-NL", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield {roles[0]: email for email, _name, roles in DEMO_ACCOUNTS}, DEMO_PASSWORD, new_page
    for context in contexts:
        context.close()


def _kind(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def crawl(page, start="/"):
    """Visit the pages reachable from ``start``; return [(path, measurement)]."""
    origin = urlsplit(page.url).netloc or None
    queue, seen, per_kind, results = [start], set(), {}, []
    while queue and len(results) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        kind = _kind(urlsplit(path).path)
        if per_kind.get(kind, 0) >= PER_KIND:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        response = page.goto(path)
        if response is None or response.status >= 400 or "html" not in response.headers.get("content-type", ""):
            continue
        origin = origin or urlsplit(page.url).netloc
        results.append((path, page.evaluate(MEASURE, WIDTH)))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc != urlsplit(page.url).netloc or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
            if target not in seen:
                queue.append(target)
    return results


def problems_of(results):
    found = []
    for path, m in results:
        if m["scrollWidth"] > m["width"]:
            found.append(f"{path}: the page is {m['scrollWidth']} px wide at {m['width']} px ({m['wide']})")
        for small in m["tooSmall"]:
            found.append(f"{path}: text too small to read: {small}")
    return found


PHONE_320 = {"viewport": {"width": WIDTH, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
             "has_touch": True}


@pytest.mark.parametrize("role", ["public", "ondernemer", "mbo_staff", "inkoop", "gemeente", "admin"])
def test_no_page_scrolls_sideways_at_320_px(demo, role):
    accounts, password, new_page = demo
    page = new_page(**PHONE_320)
    if role != "public":
        log_in_at(page, accounts[role], password)
    results = crawl(page, "/")
    assert len(results) >= (5 if role == "public" else 8), [p for p, _ in results]
    problems = problems_of(results)
    assert not problems, f"{len(problems)} problem(s) as {role} on {len(results)} pages:\n" + "\n".join(problems)


def test_dashboard_and_event_management_have_unique_landmarks(demo):
    """axe's landmark-unique (and the rest of WCAG A/AA) on the pages the issue named, on a phone and a desktop."""
    from tests.browser.helpers import assert_accessible

    accounts, password, new_page = demo
    for options in (PHONE_320, {}):
        page = new_page(**options)
        log_in_at(page, accounts["mbo_staff"], password)
        page.goto("/evenementen/beheer")
        event_link = page.locator("main table a").first.get_attribute("href")
        for path in ("/dashboard/", "/evenementen/beheer", event_link):
            page.goto(path)
            assert_accessible(page, f"{path} at {options.get('viewport', 'desktop')}")
