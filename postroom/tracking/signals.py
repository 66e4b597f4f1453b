"""Signals of the tracking app, for the apps above it to act on what visitors did."""

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True, slots=True)
class ReportedLead:
    """Contact details a visitor left on the customer's site, reported by the snippet.

    `visitor` is the genuine visitor token of a tracked click on `delivery_id`.
    """

    visitor: str
    delivery_id: int
    name: str
    email: str
    phone: str
    company: str
    url: str


# The snippet reported a lead: sender=ReportedLead, lead=<ReportedLead>. Sent after
# the conversion was recorded; the CRM records the lead (once per delivery and address).
lead_reported = Signal()
