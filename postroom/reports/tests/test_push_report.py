"""A push campaign's report from seeded deliveries, devices and events; another workspace is refused."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from postroom.delivery.models import DeliveryStatus
from postroom.push.models import Device
from postroom.reports.push import push_report
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.tests.pushrows import devices, push_run

pytestmark = pytest.mark.django_db
GONE = '410 {"reason":"Unregistered"}'


def hit(kind: str, delivery, n: int = 0) -> dict:
    return {
        "u": f"{kind}-{delivery.pk}-{n}",
        "k": kind,
        "d": delivery.pk,
        "t": timezone.now().timestamp(),
        "a": "browser",
    }


@pytest.fixture
def campaign(owner):
    # Eight devices: variant 1 to four web browsers and Android phones, variant 2 to iPhones.
    phones = devices(
        owner.workspace,
        ("webpush", "web"),
        ("webpush", "web"),
        ("fcm", "android"),
        ("fcm", "android"),
        ("apns", "ios"),
        ("apns", "ios"),
        ("apns", "ios"),
        ("onesignal", "ios"),
    )
    S, F = DeliveryStatus.SENT, DeliveryStatus.FAILED
    campaign, _run, deliveries = push_run(
        owner.workspace,
        phones,
        variant=[1, 1, 1, 1, 2, 2, 2, 2],
        status=[S, S, S, F, S, F, F, S],
        last_response=["", "", "", "400 InvalidArgument", "", GONE, GONE, ""],
    )
    # The Android token and one iPhone's were found gone while sending; another long before.
    Device.objects.filter(pk__in=[phones[5].pk]).update(
        is_valid=False, invalid_reason="Unregistered", invalidated_at=timezone.now()
    )
    Device.objects.filter(pk=phones[6].pk).update(
        is_valid=False, invalidated_at=timezone.now() - dt.timedelta(days=30)
    )
    hits_ingest(
        [
            hit("received", deliveries[0]),
            hit("received", deliveries[0], 1),  # shown twice: one delivery
            hit("received", deliveries[1]),
            hit("click", deliveries[1]),
            hit("click", deliveries[2]),  # tapped: delivered, though its receipt was lost
            hit("received", deliveries[4]),
            hit("failed", deliveries[7]),  # the provider's receipt: not delivered
        ]
    )
    return campaign


def test_it_counts_each_figure_per_variant_and_platform(campaign):
    with translation.override("en"):
        report = push_report(campaign)

    totals = report["totals"]
    assert {k: totals[k] for k in ("sent", "delivered", "failed", "clicked", "invalidated")} == {
        "sent": 5,
        "delivered": 4,
        "failed": 4,
        "clicked": 2,
        "invalidated": 1,
    }
    assert totals["rates"]["delivered"] == 80.0
    by_variant = {
        v["variant"]: (v["sent"], v["delivered"], v["failed"], v["clicked"])
        for v in report["variants"]
    }
    assert by_variant == {1: (3, 3, 1, 2), 2: (2, 1, 3, 0)}
    by_platform = {
        (p["kind"], p["platform"]): (
            p["sent"],
            p["delivered"],
            p["failed"],
            p["clicked"],
            p["invalidated"],
        )
        for p in report["platforms"]
    }
    assert by_platform == {
        ("webpush", "web"): (2, 2, 0, 1, 0),
        ("fcm", "android"): (1, 1, 1, 1, 0),
        ("apns", "ios"): (1, 1, 2, 0, 1),
        ("onesignal", "ios"): (1, 0, 1, 0, 0),
    }
    assert [(r["reason"], r["count"]) for r in report["reasons"]] == [
        (GONE, 2),
        ("400 InvalidArgument", 1),
        ("Not delivered (the provider's receipt)", 1),
    ]


def test_one_run_only(campaign, owner):
    other, run, _deliveries = push_run(
        owner.workspace, devices(owner.workspace, ("fcm", "android"))
    )
    assert push_report(other, run_id=run.pk)["totals"]["sent"] == 1
    assert push_report(campaign, run_id=run.pk)["totals"]["sent"] == 0


def test_the_report_tab_shows_the_push_figures_and_refreshes_while_sending(campaign, owner, login):
    client = login(owner.user)
    with translation.override("en"):
        page = client.get(f"/app/campaigns/{campaign.pk}/report/")
        part = client.get(f"/app/campaigns/{campaign.pk}/report/", HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-metric="delivered">4<' in body and 'data-metric="invalidated">1<' in body
    assert 'data-platform="apns:ios"' in body and 'data-variant="2"' in body
    assert "Variant B" in body and "Unregistered" in body
    assert 'hx-trigger="every 10s"' in body  # the campaign is running
    assert 'id="report-numbers"' in part.content.decode()
    assert "<html" not in part.content.decode()
    csv = client.get(f"/app/campaigns/{campaign.pk}/report.csv").content.decode()
    assert "total,,5,4,4,2,1" in csv and "platform,apns ios,1,1,2,0,1" in csv


def test_the_push_stats_api(campaign, owner, api):
    answer = api(owner.user).get(f"/api/v1/campaigns/{campaign.pk}/push-stats/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["totals"]["clicked"] == 2 and data["totals"]["rates"]["delivered"] == 80.0
    assert {v["letter"] for v in data["variants"]} == {"A", "B"}
    assert (
        api(owner.user).get(f"/api/v1/campaigns/{campaign.pk}/push-stats/?run=x").status_code == 400
    )


def test_another_workspace_gets_nothing_of_the_push_report(campaign, other_owner, login, api):
    client = login(other_owner.user)
    assert client.get(f"/app/campaigns/{campaign.pk}/report/").status_code == 404
    assert client.get(f"/app/campaigns/{campaign.pk}/report.csv").status_code == 404
    answer = api(other_owner.user).get(f"/api/v1/campaigns/{campaign.pk}/push-stats/")
    assert answer.status_code == 404
    assert api(other_owner.user).get(f"/api/v1/campaigns/{campaign.pk}/stats/").status_code == 404


def test_experiments_count_push_receipts_as_opens_and_taps_as_clicks(campaign):
    from postroom.campaigns.models import CampaignRun
    from postroom.tracking.experiment_outcomes import TrackedOutcomes

    run_ids = list(CampaignRun.objects.filter(campaign=campaign).values_list("pk", flat=True))
    arms = TrackedOutcomes().arms(run_ids=run_ids)
    # Variant A: three sent, all shown or tapped, two tapped; B: two sent, one shown.
    assert (arms[1].recipients, arms[1].opens, arms[1].clicks) == (3, 3, 2)
    assert (arms[2].recipients, arms[2].opens, arms[2].clicks) == (2, 1, 0)
