"""A bounce of a transactional message is taken in like a campaign's: the address is suppressed."""

import pytest

from postroom.audience.models import Suppression
from postroom.delivery.bounces.dsn import BounceReport
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.models import BounceKind
from postroom.transactional.models import TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_a_hard_bounce_of_a_tx_message_suppresses_the_address_in_its_workspace(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    api(owner.user).post("/api/v1/tx/", send_body(template, to="gone@example.com"), format="json")
    message = TxMessage.objects.get()

    taken = bounce_intake(
        BounceReport(
            kind=BounceKind.HARD,
            email="gone@example.com",
            event_id="dsn-1",
            status="5.1.1",
            delivery_id=message.delivery_id,
        )
    )

    assert taken is True
    assert Suppression.objects.filter(workspace=owner.workspace, email="gone@example.com").exists()
