"""Spend from CSV: good lines kept, bad ones reported with their line number."""

import datetime as dt
from decimal import Decimal

import pytest

from postroom.crm.models import DailyRollup, SpendEntry
from postroom.crm.services.catalogue import spend_import
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db


def test_it_keeps_good_rows_and_numbers_the_bad_ones(owner):
    ad = AdCampaignFactory(workspace=owner.workspace)
    data = (
        b"date,amount,note\n"
        b"2026-03-01,100.50,Search ads\n"
        b"01/03/2026,5,wrong date\n"
        b"2026-03-02,abc,wrong amount\n"
        b"2026-03-02,-1,negative\n"
        b"\n"
        b"2026-03-02,20\n"
    )

    result = spend_import(ad_campaign=ad, data=data)

    assert result.created == 2
    assert [line for line, _message in result.errors] == [3, 4, 5]
    assert SpendEntry.objects.filter(ad_campaign=ad).count() == 2
    ad.refresh_from_db()
    assert ad.spend_total == Decimal("120.50")
    assert DailyRollup.objects.get(ad_campaign=ad, day=dt.date(2026, 3, 1)).spend == Decimal(
        "100.50"
    )


def test_it_reads_semicolons_and_decimal_commas(owner):
    ad = AdCampaignFactory(workspace=owner.workspace)

    result = spend_import(ad_campaign=ad, data="2026-03-01;1 234,50;Яндекс\n".encode())

    assert result.created == 1 and not result.errors
    assert SpendEntry.objects.get().amount == Decimal("1234.50")


def test_it_refuses_a_file_that_is_not_text(owner):
    ad = AdCampaignFactory(workspace=owner.workspace)

    result = spend_import(ad_campaign=ad, data=b"\xff\xfe\x00binary")

    assert result.created == 0 and result.errors
