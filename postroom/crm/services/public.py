"""The public lead form: its anti-abuse checks and the lead it records.

The form is embeddable (an iframe on the customer's site), where the browser
sends no session or CSRF cookie, so it is CSRF-exempt and protected instead by
a signed, expiring form token bound to its campaign, a honeypot field, the
consent box, and hourly limits per client address and per email address.
"""

from django.core import signing

from postroom.core.ratelimit import hourly_limit_exceeded
from postroom.crm.models import AdCampaign, Lead
from postroom.crm.services.leads import Utm, lead_create

PER_ADDRESS_PER_HOUR = 20
PER_EMAIL_PER_HOUR = 3
FORM_TOKEN_MAX_AGE = 24 * 3600


def _salt(ad_campaign: AdCampaign) -> str:
    return f"crm.lead-form.{ad_campaign.form_id}"


def form_token_make(*, ad_campaign: AdCampaign) -> str:
    return signing.TimestampSigner(salt=_salt(ad_campaign)).sign("lead-form")


def form_token_valid(*, ad_campaign: AdCampaign, token: str) -> bool:
    """True for a token this campaign's form page issued within the last day."""
    try:
        signing.TimestampSigner(salt=_salt(ad_campaign)).unsign(token, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def lead_form_allowed(*, ad_campaign: AdCampaign, client: str, email: str) -> bool:
    """Count one submission; False past the hourly limits (both counters always count)."""
    by_client = hourly_limit_exceeded(
        f"crm-lead-form:{ad_campaign.workspace_id}:{client}", PER_ADDRESS_PER_HOUR
    )
    by_email = hourly_limit_exceeded(
        f"crm-lead-form:email:{ad_campaign.workspace_id}:{email.strip().lower()}",
        PER_EMAIL_PER_HOUR,
    )
    return not (by_client or by_email)


def lead_form_submit(
    *,
    ad_campaign: AdCampaign,
    name: str,
    email: str,
    phone: str,
    company: str,
    notes: str,
    visitor: str,
    utm: Utm,
) -> Lead:
    """Record the visitor's lead with the consent text they agreed to."""
    return lead_create(
        workspace=ad_campaign.workspace,
        name=name,
        email=email,
        phone=phone,
        company=company,
        notes=notes,
        ad_campaign=ad_campaign,
        utm=utm,
        visitor=visitor,
        consent_text=ad_campaign.consent_text,
    )
