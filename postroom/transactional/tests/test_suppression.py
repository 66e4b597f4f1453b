"""Suppressed addresses are refused, unless the template is exempt, which the message records."""

import pytest
from django.utils import translation

from postroom.audience.models import Suppression, SuppressionReason
from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.lane import lane_run
from postroom.delivery.tests.factories import relay_for
from postroom.transactional.models import TxMessage
from postroom.transactional.signals import tx_status_changed
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def _suppress(workspace, email):
    Suppression.objects.create(workspace=workspace, email=email, reason=SuppressionReason.MANUAL)


def test_a_suppressed_address_is_refused_with_a_clear_error(api, owner):
    _suppress(owner.workspace, "gone@example.com")
    template = TxTemplateFactory(workspace=owner.workspace)

    with translation.override("en"):
        response = api(owner.user).post(
            "/api/v1/tx/",
            send_body(template, to=["ok@example.com", "gone@example.com"]),
            format="json",
        )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["to"] == [
        "Suppressed addresses (this template is not exempt): gone@example.com."
    ]
    assert not TxMessage.objects.exists()


def test_an_exempt_template_is_sent_to_a_suppressed_address_and_it_is_recorded(
    api, owner, smtp_server
):
    relay_for(smtp_server, owner.workspace)
    _suppress(owner.workspace, "gone@example.com")
    template = TxTemplateFactory(workspace=owner.workspace, suppression_exempt=True)

    response = api(owner.user).post(
        "/api/v1/tx/", send_body(template, to=["ok@example.com", "gone@example.com"]), format="json"
    )
    lane_run(owner.workspace.pk)

    assert response.status_code == 202
    exempted = dict(TxMessage.objects.values_list("to", "suppression_exempted"))
    assert exempted == {"ok@example.com": False, "gone@example.com": True}
    assert sorted(r.recipient for r in smtp_server.received) == [
        "gone@example.com",
        "ok@example.com",
    ]
    detail = api(owner.user).get(
        f"/api/v1/tx/{TxMessage.objects.get(to='gone@example.com').public_id}/"
    )
    assert detail.json()["suppression_exempted"] is True


def test_an_address_suppressed_after_submission_is_refused_at_send_time(api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(workspace=owner.workspace)
    heard = []
    tx_status_changed.connect(
        lambda sender, status, **kw: heard.append(status), weak=False, dispatch_uid="t"
    )
    try:
        api(owner.user).post(
            "/api/v1/tx/", send_body(template, to="late@example.com"), format="json"
        )
        _suppress(owner.workspace, "late@example.com")
        lane_run(owner.workspace.pk)
    finally:
        tx_status_changed.disconnect(dispatch_uid="t")

    message = TxMessage.objects.select_related("delivery").get()
    assert message.delivery.status == DeliveryStatus.SKIPPED
    assert smtp_server.received == []
    assert [s.status for s in heard] == ["queued", "refused"]
    assert heard[0].message_id == message.public_id and heard[0].to == "late@example.com"


def test_an_international_domain_spelt_in_punycode_is_the_same_suppressed_address(api, owner):
    # given a suppression stored as the audience stores addresses (Unicode domain)
    _suppress(owner.workspace, "gone@exämple.com")
    template = TxTemplateFactory(workspace=owner.workspace)

    # when the API is asked to send to its IDNA spelling, in another case
    with translation.override("en"):
        response = api(owner.user).post(
            "/api/v1/tx/", send_body(template, to=["Gone@XN--EXMPLE-CUA.com"]), format="json"
        )

    # then it is the same address, refused
    assert response.status_code == 400
    assert "gone@exämple.com" in response.json()["error"]["fields"]["to"][0]
