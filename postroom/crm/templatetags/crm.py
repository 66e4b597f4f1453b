from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with one decimal (0.3333 -> '33.3 %'), in Decimal; '—' for none."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)} %"
