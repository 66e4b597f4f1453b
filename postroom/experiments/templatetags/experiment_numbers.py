"""Rates as the experiment page shows them: percentages in the page's language."""

import math

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.0234 -> "2.3 %" (one decimal; "—" for nothing)."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)} %"


@register.filter
def signed_percent(value: float | None) -> str:
    """A difference in percentage points with its sign, a true minus for a fall: +0.8 %."""
    if value is None:
        return "—"
    sign = "+" if value >= 0 else "\u2212"
    if math.isinf(value):  # a holdout whose posterior rate is all but zero
        return f"{sign}\u221e"
    return f"{sign}{number_format(abs(value) * 100, 1)} %"


@register.filter
def percent_int(value: float | None) -> int:
    return round((value or 0) * 100)
