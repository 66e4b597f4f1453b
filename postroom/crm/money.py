"""Money in the CRM: a Decimal amount and the workspace's ISO 4217 currency code, never a float.

Every amount of a workspace's CRM (prices, budgets, spend, contract amounts)
is in the one currency set in its CRM settings, so sums and ROI never mix
currencies. Amounts have two decimal places (the minor unit of every
currency offered here); rates are rounded half-up at the last step only.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

MAX_DIGITS = 14
DECIMAL_PLACES = 2
CENT = Decimal("0.01")
RATE = Decimal("0.0001")


class Currency(models.TextChoices):
    """ISO 4217 codes of currencies with two-decimal minor units."""

    EUR = "EUR", "EUR — Euro"
    USD = "USD", "USD — US dollar"
    GBP = "GBP", "GBP — Pound sterling"
    RUB = "RUB", "RUB — Russian rouble"
    CHF = "CHF", "CHF — Swiss franc"
    CAD = "CAD", "CAD — Canadian dollar"
    AUD = "AUD", "AUD — Australian dollar"
    CNY = "CNY", "CNY — Renminbi"
    INR = "INR", "INR — Indian rupee"
    BRL = "BRL", "BRL — Brazilian real"
    PLN = "PLN", "PLN — Polish złoty"
    SEK = "SEK", "SEK — Swedish krona"
    NOK = "NOK", "NOK — Norwegian krone"
    DKK = "DKK", "DKK — Danish krone"
    CZK = "CZK", "CZK — Czech koruna"
    TRY = "TRY", "TRY — Turkish lira"
    KZT = "KZT", "KZT — Kazakhstani tenge"
    UAH = "UAH", "UAH — Ukrainian hryvnia"


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount.quantize(CENT, ROUND_HALF_UP):,} {self.currency}"


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator to four places (half up); None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, ROUND_HALF_UP)


def per(numerator: Decimal, denominator: int) -> Decimal | None:
    """An amount per unit (cost per lead) to the cent; None for no units."""
    if not denominator:
        return None
    return (numerator / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


def roi(*, revenue: Decimal, spend: Decimal) -> Decimal | None:
    """(revenue - spend) / spend, a fraction (0.5 is +50 %); None when nothing was spent."""
    return ratio(revenue - spend, spend)
