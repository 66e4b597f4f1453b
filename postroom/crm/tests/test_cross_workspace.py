"""Another workspace's CRM is invisible and unchangeable, documents included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.crm.models import Contract, Lead, Service
from postroom.crm.services.catalogue import spend_add
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory, ServiceFactory

pytestmark = pytest.mark.django_db
KINDS = ["services", "ad-campaigns", "spend", "leads", "customers", "contracts"]


@pytest.fixture
def theirs(other_owner):
    ws = other_owner.workspace
    ad = AdCampaignFactory(workspace=ws)
    lead = lead_create(workspace=ws, name="Theirs", email="t@example.com", ad_campaign=ad)
    contract = contract_create(
        workspace=ws,
        lead=lead,
        name="Their deal",
        service=ad.service,
        amount=Decimal("500.00"),
        starts_on=dt.date(2026, 1, 1),
        signed_on=dt.date(2026, 1, 2),
        document=SimpleUploadedFile("secret.pdf", b"%PDF-1.4 secret"),
    )
    return {
        "services": ad.service,
        "ad-campaigns": ad,
        "spend": spend_add(ad_campaign=ad, date=dt.date(2026, 1, 2), amount=Decimal("1.00")),
        "leads": lead,
        "customers": contract.customer,
        "contracts": contract,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_foreign_objects_are_not_listed_or_found(api, owner, theirs, kind):
    client = api(owner.user)

    assert client.get(f"/api/v1/crm/{kind}/").json()["results"] == []
    assert client.get(f"/api/v1/crm/{kind}/{theirs[kind].pk}/").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_foreign_objects_cannot_be_changed_or_deleted(api, owner, theirs, kind):
    client = api(owner.user)
    obj = theirs[kind]

    assert client.patch(
        f"/api/v1/crm/{kind}/{obj.pk}/", {"name": "x"}, format="json"
    ).status_code in (404, 405)
    assert client.delete(f"/api/v1/crm/{kind}/{obj.pk}/").status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_foreign_document_is_not_served(api, owner, theirs):
    response = api(owner.user).get(f"/api/v1/crm/contracts/{theirs['contracts'].pk}/document/")

    assert response.status_code == 404


def test_foreign_rows_cannot_be_used_in_mine(api, owner, theirs):
    client = api(owner.user)
    mine = lead_create(workspace=owner.workspace, name="Mine")
    my_service = ServiceFactory(workspace=owner.workspace)

    responses = [
        client.post(
            "/api/v1/crm/ad-campaigns/",
            {
                "name": "X",
                "service": theirs["services"].pk,
                "channel": "search",
                "budget": "1",
                "starts_on": "2026-01-01",
            },
            format="json",
        ),
        client.post(
            "/api/v1/crm/spend/",
            {"ad_campaign": theirs["ad-campaigns"].pk, "date": "2026-01-01", "amount": "1"},
            format="json",
        ),
        client.post(
            "/api/v1/crm/leads/",
            {"name": "X", "ad_campaign": theirs["ad-campaigns"].pk},
            format="json",
        ),
        client.post(
            f"/api/v1/crm/leads/{mine.pk}/merge/", {"other": theirs["leads"].pk}, format="json"
        ),
        client.post(
            "/api/v1/crm/contracts/",
            {
                "name": "X",
                "lead": theirs["leads"].pk,
                "service": my_service.pk,
                "amount": "1",
                "starts_on": "2026-01-01",
            },
            format="json",
        ),
        client.post(
            "/api/v1/crm/contracts/",
            {
                "name": "X",
                "customer": theirs["customers"].pk,
                "service": my_service.pk,
                "amount": "1",
                "starts_on": "2026-01-01",
            },
            format="json",
        ),
        client.post(
            "/api/v1/crm/contracts/",
            {
                "name": "X",
                "lead": mine.pk,
                "service": theirs["services"].pk,
                "amount": "1",
                "starts_on": "2026-01-01",
            },
            format="json",
        ),
        client.post(
            f"/api/v1/crm/ad-campaigns/{theirs['ad-campaigns'].pk}/spend-import/",
            {"file": SimpleUploadedFile("s.csv", b"2026-01-01,5\n")},
            format="multipart",
        ),
    ]

    assert [r.status_code for r in responses] == [400] * 7 + [404]
    assert Lead.objects.filter(pk=theirs["leads"].pk).exists()
    assert Contract.objects.count() == 1
    assert Service.objects.get(pk=theirs["services"].pk).ad_campaigns.count() == 1


def test_foreign_figures_stay_out_of_my_analytics(api, owner, theirs):
    figures = api(owner.user).get("/api/v1/crm/analytics/?since=2026-01-01&until=2026-12-31").json()

    assert figures["total"]["leads"] == 0 and figures["total"]["revenue"] == "0.00"
    assert figures["campaigns"] == []


def test_a_workspace_i_am_not_in_is_refused(api, owner, theirs):
    client = api(owner.user, theirs["leads"].workspace)

    assert client.get("/api/v1/crm/leads/").status_code == 403
