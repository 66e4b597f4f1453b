import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.accounts.roles import Role
from postroom.audience.models import Subscriber, SubscriptionStatus
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    MailingListFactory,
    SegmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def test_an_editor_creates_a_subscriber_on_a_list(api, owner):
    the_list = MailingListFactory(workspace=owner.workspace)

    response = api(owner.user).post(
        "/api/v1/subscribers/",
        {"email": " Ann@Example.COM ", "full_name": "Ann", "lists": [the_list.pk]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "ann@example.com"
    assert body["subscriptions"][0]["status"] == "subscribed"
    assert body["source"] == "api"


def test_invalid_addresses_and_duplicates_are_refused_with_the_field(api, owner):
    client = api(owner.user)
    client.post("/api/v1/subscribers/", {"email": "ann@example.com"}, format="json")

    bad = client.post("/api/v1/subscribers/", {"email": "ann@"}, format="json")
    dup = client.post("/api/v1/subscribers/", {"email": "ANN@example.com"}, format="json")

    assert bad.status_code == 400 and "email" in bad.json()["error"]["fields"]
    assert dup.status_code == 400 and "already exists" in str(dup.json()["error"]["fields"])


def test_attributes_are_checked_against_custom_fields(api, owner):
    CustomFieldFactory(workspace=owner.workspace, name="age", type="number", required=True)
    client = api(owner.user)

    missing = client.post("/api/v1/subscribers/", {"email": "a@example.com"}, format="json")
    wrong = client.post(
        "/api/v1/subscribers/",
        {"email": "a@example.com", "attributes": {"age": "x"}},
        format="json",
    )
    good = client.post(
        "/api/v1/subscribers/",
        {"email": "a@example.com", "attributes": {"age": "41"}},
        format="json",
    )

    assert missing.status_code == 400 and "attributes.age" in missing.json()["error"]["fields"]
    assert wrong.status_code == 400
    assert good.json()["attributes"] == {"age": 41}


def test_subscribers_are_filtered_by_list_status_search_and_segment(api, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com", full_name="Ann")
    SubscriberFactory(workspace=owner.workspace, email="bob@other.org", status="blocklisted")
    client = api(owner.user)
    client.post(
        f"/api/v1/lists/{the_list.pk}/subscriptions/",
        {"subscriber": ann.pk, "status": "subscribed"},
        format="json",
    )
    segment = SegmentFactory(
        workspace=owner.workspace,
        definition={
            "conditions": [{"type": "field", "field": "domain", "op": "eq", "value": "other.org"}]
        },
    )

    def emails(query):
        return [s["email"] for s in client.get(f"/api/v1/subscribers/?{query}").json()["results"]]

    assert emails(f"list={the_list.pk}") == ["ann@example.com"]
    assert emails("status=blocklisted") == ["bob@other.org"]
    assert emails("search=ann") == ["ann@example.com"]
    assert emails(f"segment={segment.pk}") == ["bob@other.org"]
    assert client.get(f"/api/v1/segments/{segment.pk}/count/").json() == {"count": 1}


def test_unsubscribing_keeps_the_row_and_resubscribing_flips_it(api, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace)
    client = api(owner.user)
    url = f"/api/v1/lists/{the_list.pk}/subscriptions/"

    for state in ("subscribed", "unsubscribed", "subscribed"):
        client.post(url, {"subscriber": ann.pk, "status": state}, format="json")

    rows = client.get(url).json()["results"]
    assert len(rows) == 1 and rows[0]["status"] == SubscriptionStatus.SUBSCRIBED
    assert ann.subscriptions.get().events.count() == 3


def test_a_segment_with_a_bad_definition_is_refused_with_its_path(api, owner):
    response = api(owner.user).post(
        "/api/v1/segments/",
        {
            "name": "x",
            "definition": {"conditions": [{"type": "field", "field": "shoe", "op": "eq"}]},
        },
        format="json",
    )

    assert response.status_code == 400
    assert "conditions[0].field" in str(response.json()["error"]["fields"])


def test_an_import_through_the_api_reports_its_counts(
    api, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    the_list = MailingListFactory(workspace=owner.workspace)
    upload = SimpleUploadedFile(
        "p.csv", b"email,name\nann@example.com,Ann\nbad,Bob\nann@example.com,A\n"
    )
    client = api(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/",
            {"file": upload, "lists": [the_list.pk], "mode": "add"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()

    job = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "finished" and job["progress"] == 1.0
    assert (
        job["created"],
        job["updated"],
        job["unchanged"],
        job["duplicates"],
        job["invalid"],
    ) == (1, 0, 0, 1, 1)
    issues = client.get(f"/api/v1/imports/{job['id']}/issues/").json()["results"]
    assert issues[0]["line"] == 3


def test_the_export_neutralizes_formulas(api, owner):
    SubscriberFactory(workspace=owner.workspace, email="ann@example.com", full_name="=HYPERLINK(1)")
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com", full_name="+1 555")

    response = api(owner.user).get("/api/v1/subscribers/export/?columns=email,full_name")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0] == ["email", "full_name"]
    assert sorted(rows[1:]) == [
        ["ann@example.com", "'=HYPERLINK(1)"],
        ["bob@example.com", "'+1 555"],
    ]


def test_a_viewer_reads_but_cannot_change_the_audience(api, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    SubscriberFactory(workspace=owner.workspace)
    client = api(viewer.user, workspace=owner.workspace)

    assert client.get("/api/v1/subscribers/").json()["count"] == 1
    assert (
        client.post("/api/v1/subscribers/", {"email": "x@example.com"}, format="json").status_code
        == 403
    )
    assert client.post("/api/v1/lists/", {"name": "x"}, format="json").status_code == 403
    assert not Subscriber.objects.filter(email="x@example.com").exists()
