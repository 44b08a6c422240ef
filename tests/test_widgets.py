"""FastSelect writes the same markup as WTForms' Select, only faster."""
from markupsafe import Markup
from wtforms import Form, SelectField
from wtforms.widgets import Select

from portal.widgets import FastSelect

CHOICES = [("", "Alle"), ("a&b", "Bouw & <infra>"), ("zorg", "Zorg"), ("x", ""),
           ("r", "Met render_kw", {"data-x": "1"})]


class _Form(Form):
    keuze = SelectField("Keuze", choices=CHOICES)


def test_same_markup_as_wtforms(app):
    for data in ({}, {"keuze": "a&b"}, {"keuze": "r"}, {"keuze": "onbekend"}):
        form = _Form(data=data)
        field = form.keuze
        assert FastSelect()(field) == Select()(field), data
        assert isinstance(FastSelect()(field), Markup)


def test_installed_for_every_select_field(app):
    assert isinstance(SelectField.widget, FastSelect)
    html = str(_Form(data={"keuze": "zorg"}).keuze())
    assert '<option selected value="zorg">Zorg</option>' in html
    assert '<option value="a&amp;b">Bouw &amp; &lt;infra&gt;</option>' in html
