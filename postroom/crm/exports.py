"""The analytics as CSV: one line per advertising campaign, then per channel, then the total."""

import csv

from django.http import HttpResponse

from postroom.crm.selectors import Analytics, Figures

HEADER = (
    "level",
    "name",
    "spend",
    "leads",
    "cost_per_lead",
    "customers",
    "conversion_rate",
    "revenue",
    "roi",
    "currency",
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _safe(text: str) -> str:
    # A name starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def analytics_csv(result: Analytics, *, currency: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"crm-analytics-{result.since}-{result.until}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(HEADER)

    def line(level: str, figures: Figures) -> None:
        values = figures.as_dict()
        writer.writerow(
            [level, _safe(figures.label)] + [_text(values[key]) for key in HEADER[2:9]] + [currency]
        )

    for figures in result.campaigns:
        line("campaign", figures)
    for figures in result.channels:
        line("channel", figures)
    line("total", result.total)
    return response
