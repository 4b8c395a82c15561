"""`{% chart c %}` renders a bloc.core.charts.Chart; `|number` formats like the charts do."""

from typing import Any

from django import template

from bloc.core.charts import Chart, format_number

register = template.Library()


@register.inclusion_tag("core/_chart.html")
def chart(chart: Chart) -> dict[str, Any]:
    return {"chart": chart}


@register.filter
def number(value: Any) -> str:
    return format_number(value)
