"""Audience tells the apps above it that a segment changed, with its id and the acting user."""

import pytest

from postroom.audience.models import Segment
from postroom.audience.services.segments import segment_save
from postroom.audience.signals import segment_changed
from postroom.audience.tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_it_says_which_segment_changed_and_who_changed_it(owner):
    segment = SegmentFactory(workspace=owner.workspace)
    heard = []

    def listen(sender, segment_id, user, **kwargs):
        heard.append((sender, segment_id, user))

    segment_changed.connect(listen, dispatch_uid="test-listen-segment")
    try:
        segment_save(workspace=owner.workspace, segment=segment, user=owner.user, name="Renamed")
    finally:
        segment_changed.disconnect(dispatch_uid="test-listen-segment")

    assert heard == [(Segment, segment.pk, owner.user)]
