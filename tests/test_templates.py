"""Template hygiene that a rendered page does not show at a glance."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "portal" / "templates"


def test_title_blocks_hold_text_only():
    """A page title is one line of text: markup inside it ends up in the browser tab, not on the page."""
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        for match in re.finditer(r"{% block title %}(.*?){% endblock %}", path.read_text(), re.S):
            if "\n" in match.group(1) or "<" in match.group(1):
                problems.append(str(path.relative_to(TEMPLATES)))
    assert problems == []


def test_partner_detail_shows_its_log_in_the_page(client, login_as, make_org):
    login_as("mbo_staff")
    org = make_org(name="Logboek BV")
    html = client.get(f"/partners/{org.id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Logboek BV" in title and "<" not in title and "Logboek</h2>" not in title
    assert html.count("<h2>Logboek</h2>") == 1
