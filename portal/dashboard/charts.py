"""Charts rendered on the server as SVG: no script, no inline styles, a <title> and <desc> for screen readers.

Every chart is shown beside a table with the same numbers (see templates/dashboard/_macros.html); the SVG is a
picture of that table (role="img"), its <desc> reads the numbers out for those who cannot see it.
Series differ in colour and also in marker shape and dash pattern, so colour is never the only cue.
"""
import math

from markupsafe import Markup, escape

# Colours with at least 4.5:1 contrast on white.
COLOURS = ("#0b4f6c", "#b34700", "#1e6b34", "#6b2c91", "#8a1538")
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 0")
MARKERS = ("circle", "square", "triangle", "diamond", "circle")
FONT = 'font-family="Segoe UI, Roboto, Arial, sans-serif"'


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _short(text: str, limit: int = 28) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(categories, series) -> str:
    """The numbers of a chart in words, for its <desc>."""
    parts = []
    for name, values, *_ in series:
        pairs = ", ".join(f"{c}: {_fmt(v)}" for c, v in zip(categories, values, strict=False))
        parts.append(f"{name}: {pairs}.")
    return " ".join(parts)


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" {FONT}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
                f'fill="{colour}"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" '
                f'fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _legend(series, y: int, x0: int = 10, bars: bool = False) -> list[str]:
    parts, x = [], x0
    for i, (name, *_rest) in enumerate(series):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        if bars:
            parts.append(f'<rect x="{x + 4}" y="{y - 6}" width="16" height="12" fill="{colour}"/>')
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" stroke-width="3"'
                         f'{dash_attr}/>')
            parts.append(_marker(MARKERS[i % len(MARKERS)], x + 12, y, colour))
        parts.append(f'<text x="{x + 30}" y="{y + 4}" font-size="13" fill="#1a1a1a">{escape(name)}</text>')
        x += 40 + 8 * len(str(name))
    return parts


def bar_chart(chart_id: str, title: str, categories, series, *, desc: str = "", width: int = 640) -> Markup:
    """Horizontal grouped bars: one group per category, one bar per series ``(name, values)``."""
    categories = [str(c) for c in categories]
    # A value that is text (such as "geen doel vastgesteld") is written where its bar would be: no bar at 0.
    # None is no bar at all.
    series = [(str(name), [v if isinstance(v, int | float | str) else None for v in values])
              for name, values, *_ in series]
    bar_h, gap, label_w, top = 14, 12, 210, 34
    group_h = bar_h * len(series) + gap
    height = top + max(len(categories), 1) * group_h + 10
    plot_w = width - label_w - 60
    highest = nice_max(max((v for _, values in series for v in values if isinstance(v, int | float)),
                                default=0))
    parts = _open(chart_id, width, height, title, desc or describe(categories, series))
    parts += _legend(series, 14, bars=True)
    parts.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 6}" stroke="#767676"/>')
    for row, category in enumerate(categories):
        y0 = top + row * group_h
        parts.append(f'<text x="{label_w - 8}" y="{y0 + group_h / 2 - 2:.1f}" font-size="13" text-anchor="end" '
                     f'fill="#1a1a1a">{escape(_short(category))}</text>')
        for i, (_name, values) in enumerate(series):
            value = values[row] if row < len(values) else None
            y = y0 + i * bar_h
            if value is None:
                continue
            if isinstance(value, str):
                parts.append(f'<text x="{label_w + 4}" y="{y + bar_h - 4}" font-size="12" '
                             f'fill="#1a1a1a">{escape(value)}</text>')
                continue
            w = plot_w * value / highest if highest else 0
            colour = COLOURS[i % len(COLOURS)]
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="12" '
                         f'fill="#1a1a1a">{_fmt(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def line_chart(chart_id: str, title: str, x_labels, series, *, desc: str = "", width: int = 640,
               height: int = 300) -> Markup:
    """Lines over ``x_labels``; each series is ``(name, values)`` or ``(name, values, dashed)``; None leaves a gap."""
    x_labels = [str(x) for x in x_labels]
    series = [(str(s[0]), list(s[1]), bool(s[2]) if len(s) > 2 else False) for s in series]
    left, right, top, bottom = 52, 20, 40, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = nice_max(max((v for _, values, _d in series for v in values if v is not None), default=0))
    parts = _open(chart_id, width, height, title, desc or describe(x_labels, series))
    parts += _legend(series, 14)
    for tick in range(5):
        value = highest * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#4d4d4d">{_fmt(value)}</text>')
    count = max(len(x_labels), 1)

    def x_of(i):
        return left + (plot_w * (i + 0.5) / count)

    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{x_of(i):.1f}" y="{height - bottom + 18}" font-size="12" text-anchor="middle" '
                     f'fill="#1a1a1a">{escape(label)}</text>')
    for s, (_name, values, dashed) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        dash = DASHES[s % len(DASHES)] or ("6 4" if dashed else "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[tuple[float, float]] = []
        points = []
        for i, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    points.append(segment)
                segment = []
                continue
            segment.append((x_of(i), top + plot_h - plot_h * value / highest))
        if len(segment) > 1:
            points.append(segment)
        for seg in points:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for i, value in enumerate(values):
            if value is not None:
                y = top + plot_h - plot_h * value / highest
                parts.append(_marker(MARKERS[s % len(MARKERS)], x_of(i), y, colour))
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#767676"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def chart_for(table) -> Markup | None:
    """The chart of a report table (``reports.Table``): its first column gives the categories."""
    if not table.chart or not table.rows:
        return None
    rows = table.rows[:-1] if table.total_row else table.rows
    categories = [row[0] for row in rows]
    series = []
    for index in table.chart_columns:
        column = table.columns[index]
        values = [row[index] if isinstance(row[index], int | float) else None for row in rows]
        series.append((column.label, values, column.kind == "number"))
    chart_id = f"grafiek-{table.key}"
    if table.chart == "line":
        return line_chart(chart_id, table.title, categories, series)
    # Bars: a text in a cell (no target set) is written instead of a bar; an empty cell is no bar.
    series = [(name, [row[index] if isinstance(row[index], int | float) or (isinstance(row[index], str) and row[index])
                      else None for row in rows], dashed)
              for (name, _v, dashed), index in zip(series, table.chart_columns, strict=True)]
    return bar_chart(chart_id, table.title, categories, [(name, values) for name, values, _d in series])
