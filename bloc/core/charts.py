"""Charts rendered on the server as inline SVG (pygal), with a data table for screen readers.

A chart is a `Chart`: a title, a one-sentence description, the table of the numbers behind it
(already formatted) and the SVG markup. `{% chart c %}` (templatetags/charts.py) renders it as a
figure: the SVG (role="img", labelled by its title and description) and a <details> holding the
table. The strict CSP forbids inline <style> and <script>: pygal's are stripped here and its look
comes from the static file core/charts.css. Numbers carry thousands separators; dates have one
format (`format_date`, `format_month`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree import ElementTree

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

Number = int | float | Decimal

#: One palette for every chart: the brand red, then colours that read apart in greyscale.
PALETTE = ("#b3122e", "#1f4e79", "#5b8c2a", "#c77c02", "#6b4c9a", "#3a3a3a", "#0f7b7b")

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    colors=PALETTE,
    font_family="inherit",
)
_SVG_NS = "http://www.w3.org/2000/svg"


def format_number(value: Number | str | None) -> str:
    """3719 → "3,719"; 48.00000 → "48"; 12.3456 → "12.35". Empty for None and ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{rounded:,.2f}".rstrip("0").rstrip(".")


def format_date(day: date) -> str:
    """The one date format of the charts: "2 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def format_month(day: date) -> str:
    """A month on an axis or in a table: "Dec 2026"."""
    return f"{day:%b %Y}"


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    #: Table header: the label column, then one column per series.
    columns: tuple[str, ...]
    #: Table rows: a label, then one formatted value per series.
    rows: tuple[tuple[str, ...], ...]
    svg: SafeString
    slug: str = "chart"


def _table(
    label: str, labels: Sequence[str], series: Mapping[str, Sequence[Number | None]]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    columns = (label, *series)
    rows = tuple(
        (name, *(format_number(values[i]) for values in series.values()))
        for i, name in enumerate(labels)
    )
    return columns, rows


def _svg(chart: pygal.graph.graph.Graph, *, slug: str, title: str, description: str) -> SafeString:
    """Render without pygal's inline <style>/<script> (blocked by the CSP) and with an
    accessible name: role="img", a <title> and a <desc>."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            # Comments have a function as their tag; pygal's are credits, not content.
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else "comment"
            if (
                tag in ("style", "script", "comment", "defs")
                or (parent is tree and tag == "title")
                or tag == "desc"  # pygal's per-point tooltip data, not a description
                or "tooltip-overlay" in child.get("class", "")
            ):
                parent.remove(child)
            else:
                child.attrib.pop("style", None)  # style attributes are blocked by the CSP too
    tree.attrib.pop("id", None)
    tree.set("role", "img")
    tree.set("aria-labelledby", f"{slug}-title {slug}-desc")
    # Compact charts (dashboard cards) keep a smaller minimum width than full-width ones.
    compact = int(float(tree.get("viewBox", "0 0 720 0").split()[2])) < 600
    tree.set("class", "pygal-chart chart-svg" + (" chart-compact" if compact else ""))
    title_el = ElementTree.Element("title", id=f"{slug}-title")
    title_el.text = title
    desc_el = ElementTree.Element("desc", id=f"{slug}-desc")
    desc_el.text = description
    tree.insert(0, desc_el)
    tree.insert(0, title_el)
    markup = ElementTree.tostring(tree, encoding="unicode", short_empty_elements=True)
    # ElementTree writes the namespace as a prefix ("ns0:"); inline SVG in HTML wants none.
    markup = markup.replace("ns0:", "").replace(":ns0", "")
    return mark_safe(markup)  # noqa: S308 - built from pygal's tree; every text node is escaped


def _legend_columns(names: Sequence[str]) -> int:
    """Long legends (candidates with how they fared) get fewer columns so none is cut off."""
    longest = max((len(name) for name in names), default=0)
    return 3 if longest <= 18 else 2 if longest <= 28 else 1


def _config(**overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "js": [],
        "disable_xml_declaration": True,
        "no_prefix": True,
        "style": _STYLE,
        "width": 720,
        "height": 320,
        "legend_at_bottom": True,
        "show_title": False,
        "value_formatter": format_number,
        "truncate_legend": -1,
        "truncate_label": -1,
        "margin": 12,
        "print_zeroes": False,
        # Counts of people and votes: no ticks between whole numbers.
        "order_min": 0,
    }
    config.update(overrides)
    return config


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    label: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Number | None]],
    horizontal: bool = False,
    stacked: bool = False,
    x_label_rotation: int = 0,
    height: int = 320,
    width: int = 720,
    extra: Mapping[str, Sequence[Number | None]] | None = None,
) -> Chart:
    """Bars: one group per label, one bar per series (stacked when asked). `extra` columns go
    into the table only (numbers on another scale than the bars)."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    chart = kind(
        **_config(
            x_label_rotation=x_label_rotation,
            height=height,
            width=width,
            show_legend=len(series) > 1,
            legend_at_bottom_columns=_legend_columns(list(series)),
        )
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    columns, rows = _table(label, labels, {**(extra or {}), **series})
    return Chart(
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        svg=_svg(chart, slug=slug, title=title, description=description),
        slug=slug,
    )


def line_chart(
    *,
    slug: str,
    title: str,
    description: str,
    label: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Number | None]],
    secondary: Sequence[str] = (),
    extra: Mapping[str, Sequence[Number | None]] | None = None,
    width: int = 720,
    height: int = 320,
) -> Chart:
    """Lines over time: one point per label, one line per series; series named in `secondary`
    are read on the right-hand scale. `extra` columns go into the table only."""
    many = len(labels) > 8
    chart = pygal.Line(
        **_config(
            x_label_rotation=-45 if many else 0,
            show_minor_x_labels=not many,
            x_labels_major_every=max(1, len(labels) // 6) if many else None,
            width=width,
            height=height,
            legend_at_bottom_columns=_legend_columns(list(series)),
        )
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(
            name, [None if v is None else float(v) for v in values], secondary=name in secondary
        )
    columns, rows = _table(label, labels, {**series, **(extra or {})})
    return Chart(
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        svg=_svg(chart, slug=slug, title=title, description=description),
        slug=slug,
    )
