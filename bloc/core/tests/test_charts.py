"""Charts: numbers formatted one way, SVG that the strict CSP lets through, a table alternative."""

from datetime import date
from decimal import Decimal

from bloc.core.charts import bar_chart, format_date, format_month, format_number, line_chart


def test_numbers_have_separators_and_at_most_two_decimals():
    assert format_number(3719) == "3,719"
    assert format_number("48.00000") == "48"
    assert format_number("12.34567") == "12.35"
    assert format_number(Decimal("1234.50000")) == "1,234.5"
    assert format_number(None) == "" and format_number("") == ""
    assert format_number("more than 12.5") == "more than 12.5"


def test_one_date_format():
    assert format_date(date(2026, 12, 2)) == "2 Dec 2026"
    assert format_month(date(2028, 5, 1)) == "May 2028"


def test_a_bar_chart_has_a_table_and_svg_without_inline_style_or_script():
    chart = bar_chart(
        slug="demo",
        title="Workers covered",
        description="Contracts expiring by month.",
        label="Month",
        labels=["Jan 2028", "Feb 2028"],
        series={"Contracts": [3, 0], "Workers": [3719, None]},
    )
    assert chart.columns == ("Month", "Contracts", "Workers")
    assert chart.rows == (("Jan 2028", "3", "3,719"), ("Feb 2028", "0", ""))
    svg = str(chart.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="demo-title">Workers covered</title>' in svg
    assert '<desc id="demo-desc">Contracts expiring by month.</desc>' in svg
    assert "<style" not in svg and "<script" not in svg and "style=" not in svg
    assert "ns0" not in svg


def test_a_line_chart_escapes_labels():
    chart = line_chart(
        slug="members",
        title="Members <over> time",
        description="Joins & lapses.",
        label="Month",
        labels=["Nov 2026", "Dec 2026"],
        series={"Joins": [1, 2]},
    )
    assert "Members &lt;over&gt; time" in str(chart.svg)
    assert chart.rows == (("Nov 2026", "1"), ("Dec 2026", "2"))
