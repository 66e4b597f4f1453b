"""The CRM API: each role's allowed and refused actions, in the API's one error shape."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.accounts.roles import Perm, Role, role_has
from postroom.crm.models import Contract, Lead, LeadStatus
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
ROLES = [
    Role.OWNER,
    Role.ADMIN,
    Role.MARKETER,
    Role.OPERATOR,
    Role.SALES_MANAGER,
    Role.VIEWER,
    Role.EDITOR,
]


@pytest.fixture
def data(owner):
    ad = AdCampaignFactory(workspace=owner.workspace)
    lead = lead_create(workspace=owner.workspace, name="Ann", ad_campaign=ad)
    contract = contract_create(
        workspace=owner.workspace,
        lead=lead,
        name="Deal",
        service=ad.service,
        amount=Decimal("10.00"),
        starts_on=dt.date(2026, 1, 1),
        document=SimpleUploadedFile("deal.pdf", PDF),
    )
    return {"ad": ad, "service": ad.service, "lead": lead, "contract": contract}


def _writes(data):
    return [
        (Perm.CRM_MARKETING, "post", "/api/v1/crm/services/", {"name": "New", "price": "9.90"}),
        (
            Perm.CRM_MARKETING,
            "post",
            "/api/v1/crm/ad-campaigns/",
            {
                "name": "New",
                "service": data["service"].pk,
                "channel": "social",
                "budget": "100",
                "starts_on": "2026-02-01",
            },
        ),
        (
            Perm.CRM_MARKETING,
            "post",
            "/api/v1/crm/spend/",
            {"ad_campaign": data["ad"].pk, "date": "2026-02-01", "amount": "12.34"},
        ),
        (Perm.CRM_LEADS, "post", "/api/v1/crm/leads/", {"name": "Bob", "email": "b@example.com"}),
        (Perm.CRM_LEADS, "patch", f"/api/v1/crm/leads/{data['lead'].pk}/", {"notes": "x"}),
        (Perm.CRM_SALES, "post", "/api/v1/crm/customers/", {"name": "Co"}),
        (
            Perm.CRM_SALES,
            "post",
            "/api/v1/crm/contracts/",
            {
                "name": "More",
                "lead": data["lead"].pk,
                "service": data["service"].pk,
                "amount": "5.00",
                "starts_on": "2026-01-01",
            },
        ),
        (Perm.CRM_SALES, "get", f"/api/v1/crm/contracts/{data['contract'].pk}/document/", None),
        (Perm.WORKSPACE_CHANGE, "patch", "/api/v1/crm/settings/", {"currency": "USD"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_what_its_permissions_say_and_no_more(api, member, owner, data, role):
    someone = member(role, workspace=owner.workspace)
    client = api(someone.user, owner.workspace)

    for perm, method, path, body in _writes(data):
        response = getattr(client, method)(path, body, format="json")
        if role_has(role, perm):
            assert response.status_code in (200, 201), (path, response.content)
        else:
            assert response.status_code == 403, (path, role)
            assert response.json()["error"]["status"] == 403


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_crm(api, member, owner, data, role):
    client = api(member(role, workspace=owner.workspace).user, owner.workspace)

    for path in (
        "services",
        "ad-campaigns",
        "spend",
        "leads",
        "customers",
        "contracts",
        "analytics",
        "settings",
    ):
        assert client.get(f"/api/v1/crm/{path}/").status_code == 200, path


def test_a_lead_is_qualified_then_converted_by_a_contract_with_its_pdf(api, member, owner, data):
    operator = api(member(Role.OPERATOR, workspace=owner.workspace).user, owner.workspace)
    sales = api(member(Role.SALES_MANAGER, workspace=owner.workspace).user, owner.workspace)
    created = operator.post(
        "/api/v1/crm/leads/",
        {
            "name": "Eve",
            "email": "eve@example.com",
            "ad_campaign": data["ad"].pk,
            "utm_source": "google",
        },
        format="json",
    ).json()

    qualified = operator.patch(
        f"/api/v1/crm/leads/{created['id']}/", {"status": "qualified"}, format="json"
    )
    signed = sales.post(
        "/api/v1/crm/contracts/",
        {
            "name": "Eve's deal",
            "lead": created["id"],
            "service": data["service"].pk,
            "amount": "99.99",
            "starts_on": "2026-02-01",
            "document": SimpleUploadedFile("eve.pdf", PDF, "application/pdf"),
        },
        format="multipart",
    )
    document = sales.get(f"/api/v1/crm/contracts/{signed.json()['id']}/document/")

    assert qualified.json()["status"] == "qualified"
    assert signed.status_code == 201, signed.content
    assert Lead.objects.get(pk=created["id"]).status == LeadStatus.CONVERTED
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content) == PDF
    timeline = operator.get(f"/api/v1/crm/leads/{created['id']}/timeline/").json()
    assert [e["kind"] for e in timeline] == ["created", "status", "contract"]


def test_bad_input_gets_a_clear_400(api, owner, data):
    client = api(owner.user, owner.workspace)

    negative = client.post("/api/v1/crm/services/", {"name": "X", "price": "-1"}, format="json")
    not_pdf = client.post(
        "/api/v1/crm/contracts/",
        {
            "name": "D",
            "lead": data["lead"].pk,
            "service": data["service"].pk,
            "amount": "1",
            "starts_on": "2026-01-01",
            "document": SimpleUploadedFile("x.pdf", b"MZ\x90\x00"),
        },
        format="multipart",
    )
    converted = client.patch(
        f"/api/v1/crm/leads/{data['lead'].pk}/", {"status": "new"}, format="json"
    )
    period = client.get("/api/v1/crm/analytics/?since=2026-02-01&until=2026-01-01")

    for response in (negative, not_pdf, converted, period):
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "invalid"
    assert "document" in not_pdf.json()["error"]["fields"]
    assert Contract.objects.count() == 1


def test_leads_are_filtered_and_merged(api, owner, data):
    client = api(owner.user, owner.workspace)
    dup = lead_create(workspace=owner.workspace, name="Ann 2", phone="+1 555", email="")
    first = lead_create(workspace=owner.workspace, name="Ann 3", phone="1555")

    duplicates = client.get("/api/v1/crm/leads/?duplicates=true").json()["results"]
    converted = client.get("/api/v1/crm/leads/?status=converted").json()["results"]
    merged = client.post(f"/api/v1/crm/leads/{dup.pk}/merge/", {"other": first.pk}, format="json")

    assert [lead["id"] for lead in duplicates] == [first.pk]
    assert [lead["id"] for lead in converted] == [data["lead"].pk]
    assert merged.status_code == 200
    assert not Lead.objects.filter(pk=first.pk).exists()


def test_the_crm_is_in_the_openapi_schema(api, owner):
    schema = api(owner.user).get("/api/v1/schema/?format=json").json()

    for path in (
        "/api/v1/crm/leads/",
        "/api/v1/crm/contracts/{id}/document/",
        "/api/v1/crm/analytics/",
        "/api/v1/crm/ad-campaigns/{id}/spend-import/",
    ):
        assert path in schema["paths"], path


def test_a_settings_patch_without_a_currency_changes_nothing(api, owner, data):
    # found by schemathesis: an empty PATCH was a TypeError, a 500
    client = api(owner.user, owner.workspace)
    client.patch("/api/v1/crm/settings/", {"currency": "USD"}, format="json")

    empty_json = client.patch("/api/v1/crm/settings/", {}, format="json")
    empty_form = client.patch("/api/v1/crm/settings/", {}, format="multipart")

    assert empty_json.status_code == empty_form.status_code == 200
    assert empty_json.json() == empty_form.json() == {"currency": "USD"}
