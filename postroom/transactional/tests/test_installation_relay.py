"""Through the installation's relay, a workspace sends transactional mail from the installation's domains only."""

import pytest
from django.utils import translation

from postroom.delivery.tests.faultsmtp import FaultServer
from postroom.delivery.transports.smtp import POOL
from postroom.transactional.models import TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def installation_relay(settings):
    server = FaultServer().start()
    settings.DELIVERY_DEFAULT_RELAY_URL = f"smtp://127.0.0.1:{server.port}"
    settings.DEFAULT_FROM_EMAIL = "Postroom <noreply@postroom.example>"
    settings.SITE_URL = "https://mail.postroom.example"
    yield server
    POOL.close_all()
    server.stop()


def test_a_foreign_from_domain_is_refused_without_a_relay_of_its_own(
    api, owner, installation_relay
):
    foreign = TxTemplateFactory(workspace=owner.workspace, from_email="bank@bank.example")
    own = TxTemplateFactory(workspace=owner.workspace, from_email="shop@postroom.example")

    with translation.override("en"):
        refused = api(owner.user).post("/api/v1/tx/", send_body(foreign), format="json")
    accepted = api(owner.user).post("/api/v1/tx/", send_body(own), format="json")

    assert refused.status_code == 400
    assert "postroom.example" in refused.json()["error"]["fields"]["template"][0]
    assert accepted.status_code == 202
    assert TxMessage.objects.count() == 1
