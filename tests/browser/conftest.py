"""Browser suite: real Chromium (through Playwright) against the portal on a real HTTP server.

Every test in this folder is marked ``browser`` and skipped with "skipped: no Chromium" when no
Chromium executable is found (``CHROMIUM``, else /usr/bin/chromium, else ``chromium`` on the PATH).
Run it with ``make test-browser`` or ``.venv/bin/pytest -m browser tests/browser``.
"""
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal import create_app
from portal.extensions import db
from tests.browser.helpers import assert_accessible  # noqa: F401  (the suite's axe-core check)
from tests.conftest import _clean_tables, _test_config

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
SKIP_REASON = "skipped: no Chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    candidate = os.environ.get("CHROMIUM")
    if candidate:
        return candidate if os.access(candidate, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = find_chromium()


def _in_this_folder(item) -> bool:
    try:
        Path(str(item.path)).resolve().relative_to(HERE.resolve())
    except ValueError:
        return False
    return True


@pytest.hookimpl(tryfirst=True)  # before `-m browser` / `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if CHROMIUM is None:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture can tell whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------- server
class LiveServer(SimpleNamespace):
    """The portal on a real HTTP server: ``url`` (no trailing slash) and ``app``."""

    def path(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(smtp_server):
    from werkzeug.serving import make_server

    tmp_root = tempfile.mkdtemp(prefix="portal-browser-")
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + os.path.join(tmp_root, "browser.db")
    app = create_app(_test_config(
        url, smtp_server.port,
        # One visitor (127.0.0.1) logs in many times across the suite; the limit itself is tested elsewhere.
        RATELIMIT_LOGIN="1000 per minute",
    ))
    with app.app_context():
        db.drop_all()
        db.create_all()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PORTAL_BASE_URL"] = base_url  # links in mails point to this server
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=base_url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            if os.environ.get("TEST_DATABASE_URL"):
                _clean_tables()
            db.engine.dispose()
        shutil.rmtree(tmp_root, ignore_errors=True)


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150]


@pytest.fixture
def browser_context_args():
    """Options for the context of the ``page`` fixture; a test module may override this fixture."""
    return {"locale": "nl-NL"}


@pytest.fixture
def make_page(request, browser, live_server):
    """``make_page(**context_options)``: a page in a fresh browser context (cookies of its own).

    The context is closed after the test; when the test failed, a full-page screenshot of every page
    goes to test-artifacts/ (gitignored).
    """
    contexts = []

    def factory(**options):
        options = {"locale": "nl-NL", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    for n, context in enumerate(contexts):
        if failed:
            for m, page in enumerate(context.pages):
                _screenshot(page, f"{_artifact_name(request.node.nodeid)}-{n}-{m}.png")
        context.close()


def _screenshot(page, filename):
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / filename), full_page=True)
    except Exception as exc:  # a missing screenshot must not hide the real failure
        print(f"could not save a screenshot to test-artifacts/{filename}: {exc}")


@pytest.fixture
def page(make_page, browser_context_args):
    """A fresh page per test (Dutch locale, desktop size)."""
    return make_page(**browser_context_args)
