"""The report's chart speaks the page's language: axis titles and dates in Russian on a Russian page."""

import re

import pytest

from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHART = """() => {
  const chart = window.Chart.getChart(document.getElementById("report-chart"));
  const x = chart.options.scales.x, y = chart.options.scales.y;
  return {x: x.title.display && x.title.text, y: y.title.display && y.title.text,
          labels: chart.data.labels, series: chart.data.datasets.map((d) => d.label)};
}"""


def test_the_chart_axes_and_dates_are_russian_on_a_russian_page(page, owner, live_server):
    campaign, run, _ = launched_run(owner.workspace, 2)
    run_send(run.pk)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    log_in(page, owner.user.email)

    page.goto(f"/app/campaigns/{campaign.pk}/report/")
    page.wait_for_function("() => document.getElementById('report-chart').dataset.drawn")
    chart = page.evaluate(CHART)

    assert (chart["x"], chart["y"]) == ("Час", "Количество")
    assert "Отправлено" in chart["series"]
    # The browser speaks English (en-US); the dates follow the page: "3 дек., 09:00".
    month = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
    assert chart["labels"] and all(
        re.fullmatch(r"\d{1,2} (\w{3})\., \d\d:\d\d", label)[1] in month  # type: ignore[index]
        for label in chart["labels"]
    ), chart["labels"]
