"""The experiment's pages: set it up, see the results and the decision, pick the winner."""

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.models import Experiment, Mode, Round
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db


def formset(*subjects, **extra):
    data = {
        "variants-TOTAL_FORMS": str(len(subjects)),
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "2",
        "variants-MAX_NUM_FORMS": "8",
    }
    for index, subject in enumerate(subjects):
        data[f"variants-{index}-subject"] = subject
    return {
        "mode": "ab",
        "metric": "click_rate",
        "test_percent": "20",
        "wait_hours": "4",
        "confidence": "95",
        "fallback": "first",
        "holdout_percent": "0",
        "wave_percent": "5",
        "wave_minutes": "60",
        "min_share_percent": "5",
        **data,
        **extra,
    }


def test_an_editor_sets_up_two_subject_lines(owner, login):
    campaign = CampaignFactory(workspace=owner.workspace)
    client = login(owner.user)
    assert client.get(f"/app/campaigns/{campaign.pk}/experiment/edit/").status_code == 200

    response = client.post(
        f"/app/campaigns/{campaign.pk}/experiment/edit/", formset("Spring sale", "Sale: 20 % off")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    experiment = Experiment.objects.get(campaign=campaign)
    assert list(experiment.variants.values_list("subject", flat=True)) == [
        "Spring sale",
        "Sale: 20 % off",
    ]
    page = client.get(f"/app/campaigns/{campaign.pk}/experiment/").content.decode()
    assert "Sale: 20 % off" in page


def test_one_variant_is_refused_with_a_message(owner, login):
    campaign = CampaignFactory(workspace=owner.workspace)
    with translation.override("en"):
        response = login(owner.user).post(
            f"/app/campaigns/{campaign.pk}/experiment/edit/", formset("Only")
        )
    assert response.status_code == 200
    assert not Experiment.objects.exists()


def test_the_page_shows_the_decision_and_the_owner_picks(owner, login):
    campaign, _, _ = experiment_campaign(owner.workspace, 50, mode=Mode.MANUAL, holdout_percent=10)
    run_launch(run_of(campaign).pk)
    client = login(owner.user)
    page = client.get(f"/app/campaigns/{campaign.pk}/experiment/").content.decode()
    assert 'data-pick="B"' in page and 'id="holdout"' in page and "experiment-chart-data" in page

    response = client.post(f"/app/campaigns/{campaign.pk}/experiment/pick/", {"variant": "2"})

    assert response.status_code == 302
    assert Round.objects.get(run__campaign=campaign).winner == 2
    assert (
        "data-pick" not in client.get(f"/app/campaigns/{campaign.pk}/experiment/").content.decode()
    )


def test_a_viewer_sees_results_but_no_buttons(owner, member, login):
    campaign, _, _ = experiment_campaign(owner.workspace, 20, mode=Mode.MANUAL)
    run_launch(run_of(campaign).pk)
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    client = login(viewer.user)
    page = client.get(f"/app/campaigns/{campaign.pk}/experiment/").content.decode()
    assert "data-pick" not in page and "experiment-edit" not in page
    assert (
        client.post(f"/app/campaigns/{campaign.pk}/experiment/pick/", {"variant": "1"}).status_code
        == 403
    )
    assert client.get(f"/app/campaigns/{campaign.pk}/experiment/edit/").status_code == 403


def test_another_workspaces_experiment_is_not_found(owner, other_owner, login):
    campaign, _, _ = experiment_campaign(other_owner.workspace, 20, mode=Mode.MANUAL)
    run_launch(run_of(campaign).pk)
    client = login(owner.user)
    base = f"/app/campaigns/{campaign.pk}/experiment/"
    assert client.get(base).status_code == 404
    assert client.get(base + "edit/").status_code == 404
    assert client.post(base + "pick/", {"variant": "1"}).status_code == 404
    assert client.post(base + "delete/").status_code == 404
    assert Delivery.objects.filter(status=DeliveryStatus.WAITING).exists()
    assert Experiment.objects.filter(campaign=campaign).exists()
