"""ROI, cost per lead and conversion rate are exact Decimal arithmetic, never floats."""

from decimal import Decimal

import pytest

from postroom.crm.money import Money, per, ratio, roi


def test_it_computes_roi_exactly():
    assert roi(revenue=Decimal("300.00"), spend=Decimal("100.00")) == Decimal("2.0000")
    assert roi(revenue=Decimal("50.00"), spend=Decimal("100.00")) == Decimal("-0.5000")
    assert isinstance(roi(revenue=Decimal("0.1"), spend=Decimal("0.3")), Decimal)


def test_it_does_not_lose_cents_where_floats_would():
    # 0.1 + 0.2 is not 0.3 in binary floating point; in Decimal it is.
    revenue = Decimal("0.10") + Decimal("0.20")

    assert roi(revenue=revenue, spend=Decimal("0.30")) == Decimal("0")


def test_it_rounds_half_up_at_the_last_step():
    assert ratio(1, 3) == Decimal("0.3333")
    assert ratio(2, 3) == Decimal("0.6667")
    assert per(Decimal("100.00"), 3) == Decimal("33.33")
    assert per(Decimal("0.05"), 2) == Decimal("0.03")


@pytest.mark.parametrize("zero", [0, Decimal("0"), Decimal("0.00")])
def test_it_has_no_roi_or_rate_without_spend_or_leads(zero):
    assert roi(revenue=Decimal("10"), spend=Decimal(zero)) is None
    assert ratio(1, zero) is None
    assert per(Decimal("10"), 0) is None


def test_it_shows_money_with_its_currency():
    assert str(Money(Decimal("1234.5"), "EUR")) == "1,234.50 EUR"
