"""Campaign priority orders campaigns among themselves: the tick hands out higher ones first."""

import pytest

from postroom.delivery.sending.maintenance import deliveries_maintain
from postroom.delivery.tests.factories import launched_run

pytestmark = pytest.mark.django_db


def test_the_tick_lists_runs_of_higher_priority_campaigns_first(owner, other_owner):
    _low, low_run, _ = launched_run(owner.workspace, 2, priority=0)
    _high, high_run, _ = launched_run(other_owner.workspace, 2, priority=5)

    work = deliveries_maintain()

    assert [run_id for run_id, _workspace, _launch in work] == [high_run.pk, low_run.pk]
