"""POST /api/v1/tx/ answers 202 with message ids at once; the lane sends; GET tells the state."""

import base64

import pytest
from django.utils import translation

from postroom.audience.models import Subscriber
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.lane import lane_run
from postroom.delivery.tests.factories import relay_for
from postroom.transactional.models import TemplateVersion, TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_it_answers_202_with_a_message_id_and_the_lane_sends_it(api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    # when
    response = client.post("/api/v1/tx/", send_body(template), format="json")
    message_id = response.json()["messages"][0]["id"]
    queued = client.get(f"/api/v1/tx/{message_id}/").json()
    lane_run(owner.workspace.pk)
    sent = client.get(f"/api/v1/tx/{message_id}/").json()

    # then
    assert response.status_code == 202, response.json()
    assert queued["status"] == "queued" and queued["attempts"] == []
    assert sent["status"] == "sent"
    assert [a["outcome"] for a in sent["attempts"]] == ["sent"]
    (mail,) = smtp_server.received
    assert mail.recipient == "ann@example.com"
    assert mail.message["Subject"] == "Your order A-1"
    assert "order A-1 is on its way" in mail.message.get_body(("html",)).get_content()
    assert "Precedence" not in mail.message


def test_each_recipient_gets_a_message_of_its_own_up_to_fifty(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    to = [f"p{i}@example.com" for i in range(3)]

    response = api(owner.user).post("/api/v1/tx/", send_body(template, to=to), format="json")
    too_many = api(owner.user).post(
        "/api/v1/tx/",
        send_body(template, to=[f"q{i}@example.com" for i in range(51)]),
        format="json",
    )

    assert response.status_code == 202
    assert [m["to"] for m in response.json()["messages"]] == to
    assert Delivery.objects.filter(run=None, workspace=owner.workspace).count() == 3
    assert too_many.status_code == 400 and "to" in too_many.json()["error"]["fields"]


def test_missing_required_variables_are_listed_in_a_400(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)

    with translation.override("en"):
        response = api(owner.user).post(
            "/api/v1/tx/", send_body(template, data={"name": "Ann", "order_id": ""}), format="json"
        )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["data"] == ["Missing required variables: order_id."]
    assert not TxMessage.objects.exists()


def test_a_send_records_the_template_version_and_keeps_it(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace, version=3)

    response = api(owner.user).post("/api/v1/tx/", send_body(template), format="json")

    message = TxMessage.objects.get(public_id=response.json()["messages"][0]["id"])
    assert message.template_version == 3
    kept = TemplateVersion.objects.get(message=template, version=3)
    assert kept.subject == template.subject and kept.required_variables == ["order_id", "name"]


def test_attachments_are_sent_and_capped_by_the_setting(api, owner, smtp_server, settings):
    relay_for(smtp_server, owner.workspace)
    settings.TX_ATTACHMENTS_MAX_BYTES = 100
    template = TxTemplateFactory(workspace=owner.workspace)
    small = {
        "filename": "r.txt",
        "content_type": "text/plain",
        "content": base64.b64encode(b"x" * 60).decode(),
    }
    client = api(owner.user)

    two_small = client.post("/api/v1/tx/", send_body(template, attachments=[small]), format="json")
    too_big = client.post(
        "/api/v1/tx/", send_body(template, attachments=[small, small]), format="json"
    )
    not_base64 = client.post(
        "/api/v1/tx/", send_body(template, attachments=[{**small, "content": "%%%"}]), format="json"
    )
    # each recipient carries a copy: two of them pass the cap together
    two_recipients = client.post(
        "/api/v1/tx/",
        send_body(template, to=["a@example.com", "b@example.com"], attachments=[small]),
        format="json",
    )
    lane_run(owner.workspace.pk)

    assert two_small.status_code == 202
    assert too_big.status_code == 400 and "attachments" in too_big.json()["error"]["fields"]
    assert not_base64.status_code == 400
    assert two_recipients.status_code == 400
    (mail,) = smtp_server.received
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "r.txt" and attachment.get_content() == "x" * 60


def test_headers_come_from_the_allow_list_only_and_never_with_line_breaks(api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    allowed = client.post(
        "/api/v1/tx/",
        send_body(template, headers={"X-Tag": "receipt", "Reply-To": "help@example.com"}),
        format="json",
    )
    not_allowed = client.post(
        "/api/v1/tx/", send_body(template, headers={"Bcc": "spy@example.com"}), format="json"
    )
    crlf = client.post(
        "/api/v1/tx/",
        send_body(template, headers={"X-Tag": "a\r\nBcc: spy@example.com"}),
        format="json",
    )
    lf = client.post("/api/v1/tx/", send_body(template, headers={"X-Tag": "a\nb"}), format="json")
    lane_run(owner.workspace.pk)

    assert allowed.status_code == 202
    assert [r.status_code for r in (not_allowed, crlf, lf)] == [400, 400, 400]
    (mail,) = smtp_server.received
    assert mail.message["X-Tag"] == "receipt" and mail.message["Reply-To"] == "help@example.com"
    assert "spy@example.com" not in mail.data.decode()


def test_the_recipient_is_created_only_when_asked(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    client.post("/api/v1/tx/", send_body(template, to="new@example.com"), format="json")
    client.post(
        "/api/v1/tx/",
        send_body(template, to="made@example.com", create_recipient=True),
        format="json",
    )

    assert list(
        Subscriber.objects.filter(workspace=owner.workspace).values_list("email", flat=True)
    ) == ["made@example.com"]
    assert TxMessage.objects.get(to="made@example.com").subscriber is not None


def test_a_template_of_another_kind_is_not_a_transactional_template(api, owner):
    from postroom.content.tests.factories import MessageFactory

    campaign_message = MessageFactory(workspace=owner.workspace)

    response = api(owner.user).post("/api/v1/tx/", send_body(campaign_message), format="json")

    assert response.status_code == 400 and "template" in response.json()["error"]["fields"]
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 0


def test_a_line_break_in_the_templates_sender_name_adds_no_header(api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(
        workspace=owner.workspace, from_name="Shop\r\nBcc: spy@example.com"
    )

    response = api(owner.user).post("/api/v1/tx/", send_body(template), format="json")
    lane_run(owner.workspace.pk)

    assert response.status_code == 202
    (mail,) = smtp_server.received
    assert "Bcc" not in mail.message and mail.recipient == "ann@example.com"
