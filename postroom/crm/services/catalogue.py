"""Services, advertising campaigns and their spend: the marketer's writes."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.campaigns.models import Campaign
from postroom.crm.models import AdCampaign, Channel, CrmSettings, DailyRollup, Service, SpendEntry
from postroom.crm.money import CENT
from postroom.crm.rollups import rollup_add

SPEND_IMPORT_MAX_ROWS = 10_000


def crm_settings_get(*, workspace: Workspace) -> CrmSettings:
    settings, _created = CrmSettings.objects.get_or_create(workspace=workspace)
    return settings


@transaction.atomic
def crm_settings_save(*, workspace: Workspace, currency: str) -> CrmSettings:
    settings = crm_settings_get(workspace=workspace)
    settings.currency = currency
    settings.full_clean()
    settings.save()
    return settings


def _unique_name(
    model: type[Service] | type[AdCampaign], workspace: Workspace, name: str, pk: int | None
) -> None:
    if model.objects.filter(workspace=workspace, name=name).exclude(pk=pk or 0).exists():
        raise ValidationError({"name": _("This name is already taken.")})


@transaction.atomic
def service_save(
    *,
    workspace: Workspace,
    service: Service | None = None,
    name: str,
    description: str = "",
    price: Decimal = Decimal("0"),
    is_active: bool = True,
) -> Service:
    service = service or Service(workspace=workspace)
    _unique_name(Service, workspace, name, service.pk)
    if price < 0:
        raise ValidationError({"price": _("The price cannot be negative.")})
    service.name, service.description = name, description
    service.price, service.is_active = price.quantize(CENT), is_active
    service.save()
    return service


@transaction.atomic
def service_delete(*, service: Service) -> None:
    try:
        service.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This service has advertising campaigns or contracts: deactivate it instead.")
        ) from exc


@transaction.atomic
def ad_campaign_save(
    *,
    workspace: Workspace,
    ad_campaign: AdCampaign | None = None,
    name: str,
    service: Service,
    channel: str,
    budget: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    email_campaign: Campaign | None = None,
    form_enabled: bool = True,
    consent_text: str | None = None,
) -> AdCampaign:
    """Create or change an advertising campaign; a Postroom campaign link needs the email channel."""
    ad_campaign = ad_campaign or AdCampaign(workspace=workspace)
    _unique_name(AdCampaign, workspace, name, ad_campaign.pk)
    if service.workspace_id != workspace.pk:
        raise ValidationError({"service": _("Unknown service.")})
    if email_campaign is not None:
        if email_campaign.workspace_id != workspace.pk:
            raise ValidationError({"email_campaign": _("Unknown campaign.")})
        if channel != Channel.EMAIL:
            raise ValidationError(
                {
                    "email_campaign": _(
                        "Only an email advertising campaign links a Postroom campaign."
                    )
                }
            )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})
    if budget < 0:
        raise ValidationError({"budget": _("The budget cannot be negative.")})
    channel_changed = ad_campaign.pk is not None and ad_campaign.channel != channel
    ad_campaign.name, ad_campaign.service, ad_campaign.channel = name, service, channel
    ad_campaign.budget, ad_campaign.starts_on, ad_campaign.ends_on = (
        budget.quantize(CENT),
        starts_on,
        ends_on,
    )
    ad_campaign.email_campaign, ad_campaign.form_enabled = email_campaign, form_enabled
    if consent_text is not None:
        ad_campaign.consent_text = consent_text
    ad_campaign.save()
    if channel_changed:
        DailyRollup.objects.filter(ad_campaign=ad_campaign).update(channel=channel)
    return ad_campaign


@transaction.atomic
def ad_campaign_delete(*, ad_campaign: AdCampaign) -> None:
    """Delete it with its spend and rollups; its leads stay, without a source."""
    ad_campaign.delete()


@transaction.atomic
def spend_add(
    *, ad_campaign: AdCampaign, date: datetime.date, amount: Decimal, note: str = ""
) -> SpendEntry:
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    amount = amount.quantize(CENT)
    entry = SpendEntry.objects.create(
        workspace_id=ad_campaign.workspace_id,
        ad_campaign=ad_campaign,
        date=date,
        amount=amount,
        note=note[:300],
    )
    AdCampaign.objects.filter(pk=ad_campaign.pk).update(spend_total=F("spend_total") + amount)
    rollup_add(ad_campaign=ad_campaign, day=date, spend=amount)
    return entry


@transaction.atomic
def spend_delete(*, entry: SpendEntry) -> None:
    ad_campaign = entry.ad_campaign
    AdCampaign.objects.filter(pk=ad_campaign.pk).update(spend_total=F("spend_total") - entry.amount)
    rollup_add(ad_campaign=ad_campaign, day=entry.date, spend=-entry.amount)
    entry.delete()


@dataclass
class SpendImport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _amount(text: str) -> Decimal:
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma (1234,50)
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


@transaction.atomic
def spend_import(*, ad_campaign: AdCampaign, data: bytes) -> SpendImport:
    """Add the spend rows of a CSV (date, amount, note); bad lines are reported by number, good ones kept.

    Dates are ISO (2026-03-31); a first line naming the columns is skipped.
    """
    result = SpendImport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((0, _("The file is not UTF-8 text.")))
        return result
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if number > SPEND_IMPORT_MAX_ROWS:
            result.errors.append(
                (number, _("Only the first %(n)s lines are read.") % {"n": SPEND_IMPORT_MAX_ROWS})
            )
            break
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() in ("date", "дата"):
            continue
        if len(row) < 2:
            result.errors.append((number, _("Expected date, amount and an optional note.")))
            continue
        try:
            date = datetime.date.fromisoformat(row[0].strip())
        except ValueError:
            result.errors.append((number, _("Not a date (YYYY-MM-DD): %(v)s") % {"v": row[0][:40]}))
            continue
        try:
            amount = _amount(row[1])
        except (InvalidOperation, ValueError):
            result.errors.append((number, _("Not an amount: %(v)s") % {"v": row[1][:40]}))
            continue
        if amount < 0 or amount >= Decimal("1e12"):
            result.errors.append(
                (number, _("The amount is out of range: %(v)s") % {"v": row[1][:40]})
            )
            continue
        note = row[2].strip() if len(row) > 2 else ""
        spend_add(ad_campaign=ad_campaign, date=date, amount=amount, note=note)
        result.created += 1
    return result
