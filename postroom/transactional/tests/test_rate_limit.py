"""Sends are limited per API token (TX_RATE_PER_MINUTE); reads are not."""

import pytest

from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_gets_429_and_another_token_does_not(api, owner, member, settings):
    settings.TX_RATE_PER_MINUTE = 2
    template = TxTemplateFactory(workspace=owner.workspace)
    colleague = member(workspace=owner.workspace)
    client = api(owner.user)

    answers = [
        client.post("/api/v1/tx/", send_body(template), format="json").status_code for _ in range(3)
    ]
    other = api(colleague.user).post("/api/v1/tx/", send_body(template), format="json")

    assert answers == [202, 202, 429]
    assert other.status_code == 202
    assert client.get("/api/v1/tx/").status_code == 200
