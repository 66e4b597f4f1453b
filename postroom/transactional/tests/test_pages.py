"""The tx pages: templates with versions and a preview from sample data, the log with its filter."""

import json

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.delivery.sending.lane import lane_run
from postroom.delivery.tests.factories import relay_for
from postroom.transactional.models import TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_the_templates_page_lists_transactional_templates_only(login, owner):
    from postroom.content.tests.factories import MessageFactory

    TxTemplateFactory(workspace=owner.workspace, name="Receipt")
    MessageFactory(workspace=owner.workspace, name="Newsletter")

    page = login(owner.user).get("/app/tx/templates/").content.decode()

    assert "Receipt" in page and "Newsletter" not in page
    assert "/app/messages/new/?kind=transactional" in page


def test_the_template_page_previews_with_the_data_typed_in_and_lists_versions(login, api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    api(owner.user).post("/api/v1/tx/", send_body(template), format="json")
    client = login(owner.user)

    sample = client.get(f"/app/tx/templates/{template.pk}/").content.decode()
    typed = client.get(
        f"/app/tx/templates/{template.pk}/",
        {"data": json.dumps({"order_id": "Z-9", "name": "Zoe"})},
    ).content.decode()
    with translation.override("en"):
        broken = client.get(f"/app/tx/templates/{template.pk}/", {"data": "[1"}).content.decode()

    assert "Your order [order_id]" in sample
    assert "Your order Z-9" in typed
    assert "The sample data must be a JSON object." in broken
    assert 'id="tx-versions"' in sample and "v1</td>" in sample


def test_deeply_nested_sample_data_is_refused_not_a_500(login, owner):
    template = TxTemplateFactory(workspace=owner.workspace)

    answer = login(owner.user).get(f"/app/tx/templates/{template.pk}/", {"data": "[" * 50_000})

    assert answer.status_code == 200
    assert 'id="tx-versions"' in answer.content.decode()


def test_the_log_shows_messages_with_their_state_filtered(login, api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(workspace=owner.workspace)
    api(owner.user).post("/api/v1/tx/", send_body(template, to="sent@example.com"), format="json")
    lane_run(owner.workspace.pk)
    api(owner.user).post(
        "/api/v1/tx/", send_body(template, to="waiting@example.com"), format="json"
    )
    client = login(owner.user)

    everything = client.get("/app/tx/").content.decode()
    sent_only = client.get("/app/tx/", {"status": "sent"}).content.decode()
    detail = client.get(f"/app/tx/{TxMessage.objects.get(to='sent@example.com').public_id}/")

    assert "sent@example.com" in everything and "waiting@example.com" in everything
    assert "sent@example.com" in sent_only and "waiting@example.com" not in sent_only
    assert detail.status_code == 200 and 'id="tx-attempts"' in detail.content.decode()


def test_the_pages_show_nothing_of_another_workspace(login, api, owner, other_owner, member):
    template = TxTemplateFactory(workspace=other_owner.workspace)
    api(other_owner.user).post("/api/v1/tx/", send_body(template), format="json")
    message = TxMessage.objects.get()
    client = login(owner.user)

    assert client.get(f"/app/tx/templates/{template.pk}/").status_code == 404
    assert client.get(f"/app/tx/{message.public_id}/").status_code == 404
    assert message.to not in client.get("/app/tx/").content.decode()


def test_the_navigation_links_the_transactional_pages(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    assert 'href="/app/tx/"' in login(viewer.user).get("/app/tx/templates/").content.decode()
