"""Shared pieces of the property-based bad-input tests: a seeded world, a crawler that finds every form the
portal shows, hostile values, and the invariants each answer must keep.

The world is built once per test module (seeding the demo takes a second); each fuzzed request leaves the
database as the application left it, so later examples run against whatever earlier ones did.
"""
import string
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.conftest import CSRFClient, _clean_tables, _test_config


# --------------------------------------------------------------------------- hypothesis settings
def fuzz_settings(max_examples):
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


# --------------------------------------------------------------------------- hostile values
HUGE = "x" * 10_000
HOSTILE = [
    "", " ", "\x00", "a\x00b", HUGE, "9" * 400, "99999999999999999999", "-99999999999999999999", "-1", "0", "1e308",
    "NaN", "inf", "1,5", "3.14", "0x10", "2026-02-30", "31-12-9999", "0000-00-00", "9999-99-99", "1900-01-01",
    "2024-13-01", "-0001-01-01", "' OR 1=1 --", "'; DROP TABLE organisation; --", "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}", "%s%s%n", "../../etc/passwd", "ë€𝄞\u202e\ufeff", "🙂" * 50,
    "\r\n\t", "=cmd|' /C calc'!A0", "null", "true", "[]", "{}", "ja", "y", "on", "beheerder", "admin",
]
# Numbers and dates just past what the database (PostgreSQL integer, numeric) or the calendar can hold.
NUMERIC_EXTREMES = [
    "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775808", "1e30", "-1e30", "1e-30",
    "99999999999999.99", "999999999999999999", "-0", "sNaN", "-inf", "0001-01-01", "9999-12-31", "10000-01-01",
    "1899-12-31", "2999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59", "24:00", "23:60",
]
HOSTILE += NUMERIC_EXTREMES
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(NUMERIC_EXTREMES),
    st.text(max_size=60),
    st.text(alphabet=string.printable, max_size=30),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


@dataclass
class Field:
    name: str
    tag: str = "input"
    type: str = "text"
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class Form:
    role: str
    page: str
    method: str
    action: str
    fields: dict = field(default_factory=dict)
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons
    csrf_fields: list = field(default_factory=list)  # prefixed CSRF fields ("org-csrf_token"), filled when sent

    @property
    def has_file(self):
        return any(f.type == "file" for f in self.fields.values())


def plausible_value(f: Field):
    """A value that passes the form's own checks as far as can be guessed from the markup and the name."""
    name = f.name.lower()
    if f.options:
        real = [o for o in f.options if o != ""] or f.options
        return st.sampled_from(real)
    if f.type in ("checkbox", "radio"):
        return st.just(f.value or "y")
    if f.type == "date" or name.endswith(("_on", "_date", "since", "sinds")) or name in ("op", "date"):
        return st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)
    if f.type == "datetime-local" or name.endswith("_at"):
        return st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)).map(
            lambda d: d.isoformat() + "T10:00")
    if f.type == "time":
        return st.sampled_from(["09:00", "13:30"])
    if f.type == "number" or name.startswith(("score", "hours", "places", "capacity", "jaar", "year")):
        return st.integers(min_value=0, max_value=40).map(str)
    if f.type == "email" or "email" in name:
        return st.sampled_from(["fuzz@example.nl", "Fuzz.Tester@Example.NL"])
    if "kvk" in name:
        return st.sampled_from(["12345678", "8765 4321", "00000000"])
    if "postcode" in name:
        return st.sampled_from(["3311 AB", "3312cd"])
    if "website" in name or "url" in name:
        return st.sampled_from(["www.example.nl", "https://example.nl/pad"])
    if f.value:
        return st.just(f.value)
    return st.sampled_from(["Fuzz", "Fuzz tekst met ë", "Een langere toelichting bij deze fuzztest."])


def field_value(f: Field):
    """A plausible value (so validation passes and the rule runs) or a hostile one."""
    return st.one_of(plausible_value(f), hostile_text)


def file_value():
    return st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"", b"\x00" * 50, b"PK\x03\x04broken", b"%PDF-1.4\n%broken", b"\x89PNG\r\n\x1a\n" + b"0" * 40,
                         b"kvk\n12345678\n", "naam;kvk\nÉ;1\n".encode("utf-16")]),
    )


@st.composite
def form_data(draw, form: Form):
    """Form fields with hostile values: some left out, some sent twice, files as random bytes."""
    # chaos: every field hostile or plausible; one-bad: all plausible but one; valid: all plausible.
    mode = draw(st.sampled_from(["chaos", "one-bad", "one-bad", "valid"]))
    names = [n for n, f in form.fields.items() if f.type != "file"]
    bad = draw(st.sampled_from(names)) if names else None
    data = {}
    for name, f in form.fields.items():
        if f.type == "file":
            if draw(st.booleans()):
                data[name] = (draw(file_value()), draw(st.sampled_from(["a.pdf", "b.csv", "c.xlsx", "../x.exe", "",
                                                                          "ë.png"])))
            continue
        if mode == "chaos":
            how = draw(st.sampled_from(["value", "value", "value", "omit", "twice"]))
            strategy = field_value(f)
        elif mode == "one-bad" and name == bad:
            how = draw(st.sampled_from(["value", "value", "omit", "twice"]))
            strategy = hostile_text
        else:
            how, strategy = "value", plausible_value(f)
        if how == "omit":
            continue
        value = draw(strategy)
        data[name] = [value, draw(field_value(f))] if how == "twice" else value
    if form.buttons and draw(st.booleans()):
        name, value = draw(st.sampled_from(form.buttons))
        data[name] = value
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.sampled_from(["id", "organisation_id", "user_id", "status", "role", "x" * 300]))] = \
            draw(hostile_text)
    return data


def prepare(data, form=None, client=None):
    """Turn (bytes, filename) pairs into uploads the test client sends; fresh objects for every request."""
    import io

    out = {name: client.csrf_token() for name in (form.csrf_fields if form else ())}
    for key, value in data.items():
        if isinstance(value, tuple):
            out[key] = (io.BytesIO(value[0]), value[1])
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------- HTML
class PageParser(HTMLParser):
    """The links and the forms (with their fields) of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").upper(), "action": a.get("action"), "fields": {},
                          "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._form["buttons"].append((a["name"], a.get("value") or ""))
                return
            old = self._form["fields"].get(a["name"])
            if old is not None and kind in ("checkbox", "radio"):
                if a.get("value"):
                    old.options.append(a["value"])
                return
            self._form["fields"][a["name"]] = Field(a["name"], "input", kind, a.get("value") or "",
                                                    [a["value"]] if kind in ("checkbox", "radio") and a.get("value")
                                                    else [])
        elif tag == "button" and a.get("name"):
            self._form["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", "select")
            self._form["fields"][a["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = Field(a["name"], "textarea", "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html):
    parser = PageParser()
    parser.feed(html)
    return parser


# --------------------------------------------------------------------------- the world
ROLES = {
    # name: demo e-mail address (None: anonymous)
    "anonymous": None,
    "ondernemer": "ondernemer@demo.ondernemenmetimpact.nl",
    "mbo_staff": "stmbo@demo.ondernemenmetimpact.nl",
    "inkoop": "inkoop@demo.ondernemenmetimpact.nl",
    "gemeente": "gemeente@demo.ondernemenmetimpact.nl",
    "admin": "admin@demo.ondernemenmetimpact.nl",
}
SKIP_SUFFIXES = (".csv", ".xlsx", ".ics", ".png", ".svg", ".json", ".pdf", ".ico")


class World:
    def __init__(self, database_url, smtp_port):
        self.app = create_app(_test_config(database_url, smtp_port, RATELIMIT_ENABLED=False))
        self.app.test_client_class = CSRFClient
        self.ctx = self.app.app_context()
        self.ctx.push()
        from portal.demo import DEMO_PASSWORD, seed_demo

        seed_demo()
        self.clients = {}
        for role, email in ROLES.items():
            client = self.app.test_client()
            if email:
                response = client.post("/account/inloggen", data={"email": email, "password": DEMO_PASSWORD})
                assert response.status_code == 302, response.get_data(as_text=True)[:500]
            self.clients[role] = client
        self.adapter = self.app.url_map.bind("localhost")
        self.tables = [t.name for t in db.metadata.sorted_tables]

    def close(self):
        db.session.remove()
        _clean_tables()
        self.ctx.pop()
        with self.app.app_context():
            db.engine.dispose()

    # ------------------------------------------------------------------ routes
    def endpoint(self, url, method):
        path = urlsplit(url).path
        try:
            endpoint, args = self.adapter.match(path, method=method)
        except Exception:  # noqa: BLE001 - 404/405/redirect: not a route of ours
            return None, None
        return endpoint, args

    # ------------------------------------------------------------------ crawl
    def crawl(self, start_pages, per_endpoint=3, limit=400):
        """Every form (by the endpoint it posts to) and every GET page, as each role sees them."""
        forms, pages = {}, {}
        for role, starts in start_pages.items():
            client = self.clients[role]
            seen_urls, per = set(), {}
            queue = list(starts)
            while queue and len(seen_urls) < limit:
                url = queue.pop(0)
                if url in seen_urls:
                    continue
                seen_urls.add(url)
                endpoint, _args = self.endpoint(url, "GET")
                if endpoint is None or endpoint == "static":
                    continue
                if per.get(endpoint, 0) >= per_endpoint:
                    continue
                per[endpoint] = per.get(endpoint, 0) + 1
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.content_type:
                    continue
                pages.setdefault(endpoint, []).append((role, url))
                page = parse(response.get_data(as_text=True))
                for f in page.forms:
                    action = urljoin(url, f["action"]) if f["action"] else url
                    post_endpoint, _ = self.endpoint(action, f["method"])
                    if post_endpoint is None:
                        continue
                    key = (f["method"], post_endpoint)
                    form = Form(role, url, f["method"], urlsplit(action).path + (
                        "?" + urlsplit(action).query if urlsplit(action).query else ""),
                        {k: v for k, v in f["fields"].items() if not k.endswith("csrf_token")}, f["buttons"],
                        [k for k in f["fields"] if k.endswith("-csrf_token")])
                    forms.setdefault(key, []).append(form)
                for href in page.links:
                    target = urljoin(url, href)
                    parts = urlsplit(target)
                    if parts.netloc not in ("", "localhost") or parts.path.endswith(SKIP_SUFFIXES):
                        continue
                    if parts.path.startswith(("/static/", "/api/", "/account/bevestigen", "/account/wachtwoord-h")):
                        continue
                    clean = parts.path + ("?" + parts.query if parts.query else "")
                    if clean not in seen_urls:
                        queue.append(clean)
        return forms, pages

    def columns(self, table):
        return {c.name for c in db.metadata.tables[table].columns}

    # ------------------------------------------------------------------ invariants
    def counts(self):
        """The number of rows of every table, in one query."""
        sql = " UNION ALL ".join(f"SELECT '{t}' AS t, COUNT(*) AS n FROM \"{t}\"" for t in self.tables)
        db.session.rollback()
        return dict(db.session.execute(text(sql)).all())


# How the portal shows a refusal: the form macros' summary and field messages, an error or warning alert, the
# error page, or an explanation with the way forward (a KvK-nummer that is taken leads to "ask to join").
ERROR_MARKERS = ('class="error-summary"', 'class="error-message"', "alert-error", "alert-warning",
                 'class="narrow error-page"', 'class="alert alert-info"')


def shows_error(body: str) -> bool:
    return any(marker in body for marker in ERROR_MARKERS)


def changed(before, after):
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}
