"""Campaigns approved before the fingerprint held the audience's definition stay approved.

The approval fingerprint now holds the segments' definitions (and periodic
campaigns got their slots filled in by 0005): without this step every
approved campaign would read as changed and go back for approval at its next
launch. A campaign still approved (scheduled, running or paused with a
fingerprint) is approved as it stands, since any change after approval
cleared its fingerprint; it is fingerprinted again under the new rule.

The current `campaign_fingerprint` is used, on the current models: should a
later schema make that impossible on an old database, the step is skipped
and those campaigns go back for approval, the safe way to fail.
"""

from django.db import DatabaseError, migrations, transaction

_APPROVED = ("scheduled", "running", "paused")


def forwards(apps, schema_editor):
    from postroom.campaigns.models import Campaign
    from postroom.campaigns.services import campaign_fingerprint

    try:
        with transaction.atomic():
            campaigns = Campaign.objects.filter(status__in=_APPROVED).exclude(
                approved_fingerprint=""
            )
            for campaign in campaigns.select_related("message__layout"):
                Campaign.objects.filter(pk=campaign.pk).update(
                    approved_fingerprint=campaign_fingerprint(campaign)
                )
    except DatabaseError:
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_campaign_send_at_start"),
        ("audience", "0011_segment_empty_text_values"),
        ("content", "0002_linkcheck"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
