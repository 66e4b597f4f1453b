"""A Russian user meets Russian: campaign form labels, report numbers and chart axes, import reasons."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from postroom.audience.models import Import
from postroom.audience.tests.factories import MailingListFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian(login, owner):
    client = login(owner.user)
    client.cookies["django_language"] = "ru"
    return client


def _labels(html: str) -> list[str]:
    """The text of every label of the page's form, without the inputs inside some of them."""
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, flags=re.S)
    ]


def test_it_labels_every_field_of_the_campaign_form_in_russian(russian, owner):
    MailingListFactory(workspace=owner.workspace, name="Читатели")

    page = russian.get(reverse("campaign_create")).content.decode()

    labels = _labels(page)
    for label in ("Письмо:", "Списки:", "Сегмент:", "Исключить списки:", "Исключить сегмент:"):
        assert label in labels
    assert [label for label in labels if re.search(r"[A-Za-z]{2,}", label)] == []


def test_the_report_counts_and_chart_axes_are_russian(russian, owner):
    campaign, run, _ = launched_run(owner.workspace, 2)
    run_send(run.pk)

    page = russian.get(reverse("campaign_report", args=[campaign.pk])).content.decode()

    assert ">Отписались<" in page and ">Отписан<" not in page
    assert 'data-axis-x="Час"' in page and 'data-axis-y="Количество"' in page
    assert 'data-label-sent="Отправлено"' in page


def test_list_counts_read_as_people_who_did_something(russian, owner):
    the_list = MailingListFactory(workspace=owner.workspace)

    index = russian.get(reverse("list_index")).content.decode()
    detail = russian.get(reverse("list_detail", args=[the_list.pk])).content.decode()

    for page in (index, detail):
        assert "Отписались" in page and "Подписаны" in page and "Не подтвердили" in page  # noqa: RUF001 (Cyrillic on purpose)
        assert ">Отписан<" not in page and ">Подписан<" not in page


def test_an_import_started_in_russian_reports_its_refused_rows_in_russian(
    russian, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    csv = (
        "email,name\nann@example.com,Ann\nbad,Bob\n,Nobody\nx@localhost,Local\na b@example.com,Sp\n"
    )
    russian.post(reverse("import_upload"), {"file": SimpleUploadedFile("a.csv", csv.encode())})
    job = Import.objects.get()

    with django_capture_on_commit_callbacks() as jobs:
        russian.post(
            reverse("import_detail", args=[job.pk]),
            {
                "map_0": "email",
                "map_1": "full_name",
                "mode": "add",
                "subscription_status": "subscribed",
            },
        )
    with translation.override("en"):  # a worker knows nothing of the request's language
        for queued in jobs:
            queued()

    reasons = list(job.issues.values_list("reason", flat=True))
    assert reasons == [
        "Неверный адрес электронной почты: В нём нет символа @.",  # noqa: RUF001 (Cyrillic)
        "Нет адреса электронной почты.",
        "Неверный адрес электронной почты: В домене после @ нет точки.",  # noqa: RUF001 (Cyrillic)
        "Неверный адрес электронной почты: Недопустимые символы перед @: SPACE.",
    ]
