"""The CRM pages: each reads for every member, changes only for its role, and stays in its workspace."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.accounts.roles import Role
from postroom.crm.models import AdCampaign, Lead, LeadStatus, Service, SpendEntry
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def data(owner):
    ad = AdCampaignFactory(workspace=owner.workspace, name="Spring search")
    lead = lead_create(
        workspace=owner.workspace, name="Ann Lee", email="ann@example.com", ad_campaign=ad
    )
    contract = contract_create(
        workspace=owner.workspace,
        lead=lead,
        name="Ann's deal",
        service=ad.service,
        amount=Decimal("1200.00"),
        starts_on=dt.date(2026, 1, 1),
        document=SimpleUploadedFile("ann.pdf", PDF),
    )
    return {"ad": ad, "lead": lead, "contract": contract}


def _pages(data):
    return [
        "/app/crm/",
        f"/app/crm/leads/{data['lead'].pk}/",
        "/app/crm/services/",
        "/app/crm/campaigns/",
        f"/app/crm/campaigns/{data['ad'].pk}/",
        "/app/crm/customers/",
        f"/app/crm/customers/{data['contract'].customer_id}/",
        "/app/crm/analytics/",
    ]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR, Role.MARKETER, Role.SALES_MANAGER])
def test_every_member_reads_every_page(login, member, owner, data, role):
    client = login(member(role, workspace=owner.workspace).user)

    for path in _pages(data):
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"Ann Lee" in client.get("/app/crm/").content


def test_another_workspace_gets_404_on_every_page(login, other_owner, data):
    client = login(other_owner.user)

    for path in _pages(data)[1:]:
        if path.rstrip("/").split("/")[-1].isdigit():
            assert client.get(path).status_code == 404, path
    assert b"Ann Lee" not in client.get("/app/crm/").content
    assert client.get(f"/app/crm/contracts/{data['contract'].pk}/document/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SALES_MANAGER, 200),
        (Role.ADMIN, 200),
        (Role.OWNER, 200),
        (Role.VIEWER, 403),
        (Role.OPERATOR, 403),
        (Role.MARKETER, 403),
    ],
)
def test_the_document_is_served_to_sales_roles_only(login, member, owner, data, role, status):
    client = login(member(role, workspace=owner.workspace).user)

    response = client.get(f"/app/crm/contracts/{data['contract'].pk}/document/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF


def test_the_document_is_not_under_media(client, data, settings):
    # SERVE_MEDIA serves MEDIA_ROOT; the document lives elsewhere, under a random name.
    path = data["contract"].document

    assert client.get(f"/media/{path}").status_code == 404
    assert client.get(f"/media/../private/{path}").status_code in (400, 404)


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.MARKETER, True), (Role.OPERATOR, False), (Role.VIEWER, False)]
)
def test_only_marketers_change_services_campaigns_and_spend(
    login, member, owner, data, role, allowed
):
    client = login(member(role, workspace=owner.workspace).user)
    ad = data["ad"]

    responses = [
        client.post("/app/crm/services/", {"name": "Audit", "price": "99.50", "is_active": "on"}),
        client.post(f"/app/crm/campaigns/{ad.pk}/spend/", {"date": "2026-02-01", "amount": "5"}),
        client.post(
            "/app/crm/campaigns/",
            {
                "name": "Autumn",
                "service": ad.service_id,
                "channel": "social",
                "budget": "10",
                "starts_on": "2026-09-01",
                "consent_text": "OK",
            },
        ),
    ]

    assert [r.status_code for r in responses] == ([302] * 3 if allowed else [403] * 3)
    assert Service.objects.filter(name="Audit").exists() == allowed
    assert AdCampaign.objects.filter(name="Autumn").exists() == allowed


def test_spend_csv_import_lists_bad_lines_and_keeps_good_ones(login, owner, data):
    client = login(owner.user)
    upload = SimpleUploadedFile("spend.csv", b"date,amount,note\n2026-02-01,10.00,ok\nnope,1\n")

    response = client.post(
        f"/app/crm/campaigns/{data['ad'].pk}/spend/import/", {"file": upload}, follow=True
    )

    assert SpendEntry.objects.filter(ad_campaign=data["ad"]).count() == 1
    assert b"Line 3" in response.content


def test_operators_record_and_qualify_leads_but_cannot_convert(login, member, owner, data):
    client = login(member(Role.OPERATOR, workspace=owner.workspace).user)

    created = client.post(
        "/app/crm/leads/new/", {"name": "Bob", "email": "bob@example.com", "status": "new"}
    )
    bob = Lead.objects.get(name="Bob")
    qualified = client.post(f"/app/crm/leads/{bob.pk}/", {"name": "Bob", "status": "qualified"})
    note = client.post(f"/app/crm/leads/{bob.pk}/note/", {"text": "Wants a demo"})
    convert = client.post(f"/app/crm/leads/{bob.pk}/convert/", {})

    assert (created.status_code, qualified.status_code, note.status_code) == (302, 302, 302)
    bob.refresh_from_db()
    assert bob.status == LeadStatus.QUALIFIED
    page = client.get(f"/app/crm/leads/{bob.pk}/").content.decode()
    assert "Wants a demo" in page and "New → Qualified" in page
    assert convert.status_code == 403


def test_a_sales_manager_converts_a_lead_with_a_pdf(login, member, owner, data):
    client = login(member(Role.SALES_MANAGER, workspace=owner.workspace).user)
    lead = lead_create(workspace=owner.workspace, name="Cy", ad_campaign=data["ad"])

    response = client.post(
        f"/app/crm/leads/{lead.pk}/convert/",
        {
            "name": "Cy's deal",
            "service": data["ad"].service_id,
            "amount": "300.00",
            "signed_on": "2026-02-01",
            "starts_on": "2026-02-01",
            "document": SimpleUploadedFile("cy.pdf", PDF, "application/pdf"),
        },
    )
    lead.refresh_from_db()
    customer_page = client.get(response["Location"]).content.decode()

    assert lead.status == LeadStatus.CONVERTED
    assert "300.00" in customer_page and "cy.pdf" in customer_page


def test_a_non_pdf_is_refused_on_the_page(login, owner, data):
    client = login(owner.user)
    lead = lead_create(workspace=owner.workspace, name="Dee")

    response = client.post(
        f"/app/crm/leads/{lead.pk}/convert/",
        {
            "name": "X",
            "service": data["ad"].service_id,
            "amount": "1",
            "signed_on": "2026-02-01",
            "starts_on": "2026-02-01",
            "document": SimpleUploadedFile("x.pdf", b"<html>"),
        },
        follow=True,
    )

    assert "PDF" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


def test_the_lead_list_filters_live_without_n_plus_one(
    login, owner, data, django_assert_max_num_queries
):
    client = login(owner.user)
    for i in range(30):
        lead_create(
            workspace=owner.workspace, name=f"Lead {i}", ad_campaign=data["ad"], owner=owner.user
        )

    with django_assert_max_num_queries(12):
        partial = client.get("/app/crm/?status=converted", HTTP_HX_REQUEST="true")

    assert b"Ann Lee" in partial.content and b"Lead 3" not in partial.content
    assert b"<html" not in partial.content


def test_the_analytics_page_shows_leads_customers_and_roi(login, owner, data):
    from postroom.crm.services.catalogue import spend_add

    spend_add(
        ad_campaign=data["ad"], date=dt.datetime.now(tz=dt.UTC).date(), amount=Decimal("400.00")
    )

    page = login(owner.user).get("/app/crm/analytics/").content.decode()
    csv = login(owner.user).get("/app/crm/analytics.csv").content.decode()

    assert 'id="total-leads">1<' in page
    assert 'id="total-customers">1<' in page
    assert 'id="total-roi">200.0 %<' in page
    assert "Spring search,400.00,1,400.00,1,1.0000,1200.00,2.0000" in csv
