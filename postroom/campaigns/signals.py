"""Signals of the campaigns app, for the apps above it to keep their parts of a campaign.

Sent inside the transaction of the write they announce.
"""

from django.dispatch import Signal

# A campaign was cloned: sender=Campaign, original=<Campaign>, clone=<Campaign>. The apps
# above copy what they keep of it (an experiment and its variants).
campaign_cloned = Signal()
