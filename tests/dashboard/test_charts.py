"""SVG charts: a picture of a table, with a title and a description that reads the numbers out."""
from portal.dashboard.charts import bar_chart, line_chart, nice_max


def test_bar_chart_is_an_image_with_title_and_description():
    svg = str(bar_chart("grafiek-x", "Banen per doelgroep", ["Bijstand", "WW"], [("Banen", [3, 12])]))
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="grafiek-x-title grafiek-x-desc"' in svg
    assert '<title id="grafiek-x-title">Banen per doelgroep</title>' in svg
    assert '<desc id="grafiek-x-desc">Banen: Bijstand: 3, WW: 12.</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_text_in_a_chart_is_escaped():
    svg = str(bar_chart("g", "<b>titel</b>", ['<script>alert("x")</script>'], [("Reeks & co", [1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "Reeks &amp; co" in svg


def test_line_chart_leaves_a_gap_where_a_value_is_missing():
    svg = str(line_chart("t", "Trend", ["K1", "K2", "K3", "K4"],
                         [("Partners", [1, 2, 3, 4]), ("Doel", [None, 75, 75, None], True)]))
    assert svg.count("<polyline") == 2
    assert 'stroke-dasharray="6 4"' in svg  # the target differs by dash as well as colour
    assert "Doel: K1: –, K2: 75, K3: 75, K4: –." in svg


def test_scale_rounds_up_to_one_two_or_five():
    assert [nice_max(v) for v in (0, 1, 3, 7, 12, 155, 1000)] == [1, 1, 5, 10, 20, 200, 1000]
