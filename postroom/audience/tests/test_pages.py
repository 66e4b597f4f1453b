"""The audience pages: every page renders, changes go through, reads stay cheap."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postroom.accounts.roles import Role
from postroom.audience.models import (
    CustomField,
    Import,
    MailingList,
    Segment,
    Subscriber,
    Subscription,
    Suppression,
)
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    MailingListFactory,
    SegmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(login, owner):
    return login(owner.user)


def test_every_page_renders(editor, owner):
    ws = owner.workspace
    subscriber = SubscriberFactory(workspace=ws)
    the_list = MailingListFactory(workspace=ws, is_public=True)
    segment = SegmentFactory(workspace=ws)
    urls = [
        reverse("subscriber_list"),
        reverse("subscriber_create"),
        reverse("subscriber_detail", args=[subscriber.pk]),
        reverse("list_index"),
        reverse("list_detail", args=[the_list.pk]),
        reverse("segment_index"),
        reverse("segment_create"),
        reverse("segment_edit", args=[segment.pk]),
        reverse("field_index"),
        reverse("suppression_index"),
        reverse("import_index"),
        reverse("public_list", args=[the_list.public_id]),
    ]
    for url in urls:
        assert editor.get(url).status_code == 200, url


def test_the_subscriber_table_takes_constant_queries_and_pages_by_id(
    editor, owner, django_assert_max_num_queries
):
    for i in range(60):
        SubscriberFactory(workspace=owner.workspace, email=f"p{i:02d}@example.com")

    with django_assert_max_num_queries(14):
        first = editor.get(reverse("subscriber_list"))
    second = editor.get(reverse("subscriber_list"), {"before": first.context["next_before"]})

    assert first.content.count(b"data-email=") == 50
    assert second.content.count(b"data-email=") == 10
    assert b"p59@example.com" in first.content and b"p00@example.com" in second.content


def test_filters_search_and_list(editor, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com")
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com")
    subscription_set(subscriber=ann, mailing_list=the_list, status="subscribed", source="admin")

    by_list = editor.get(reverse("subscriber_list"), {"list": the_list.pk})
    by_search = editor.get(reverse("subscriber_list"), {"q": "bob"})

    assert [s.email for s in by_list.context["subscribers"]] == ["ann@example.com"]
    assert [s.email for s in by_search.context["subscribers"]] == ["bob@example.com"]


def test_creating_a_subscriber_with_attributes_and_lists(editor, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    CustomFieldFactory(workspace=owner.workspace, name="city", label="City")

    response = editor.post(
        reverse("subscriber_create"),
        {
            "email": "New@Example.com",
            "status": "active",
            "attr_city": "Oslo",
            "lists": [the_list.pk],
        },
    )

    subscriber = Subscriber.objects.get()
    assert response.status_code == 302
    assert subscriber.email == "new@example.com" and subscriber.attributes == {"city": "Oslo"}
    assert subscriber.subscriptions.get().mailing_list == the_list


def test_an_invalid_address_is_reported_on_the_field(editor):
    response = editor.post(reverse("subscriber_create"), {"email": "nope@", "status": "active"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_the_history_of_a_subscription_is_shown(editor, owner):
    the_list = MailingListFactory(workspace=owner.workspace, name="Weekly")
    ann = SubscriberFactory(workspace=owner.workspace)
    for status in ("subscribed", "unsubscribed", "subscribed"):
        editor.post(
            reverse("subscriber_subscription", args=[ann.pk]),
            {"list": the_list.pk, "status": status},
        )

    page = editor.get(reverse("subscriber_detail", args=[ann.pk])).content.decode()

    assert Subscription.objects.get().status == "subscribed"
    assert page.count("(Admin)") >= 3


@pytest.mark.parametrize("scope", ["selected", "all"])
def test_bulk_add_to_list_and_blocklist(editor, owner, scope, django_capture_on_commit_callbacks):
    the_list = MailingListFactory(workspace=owner.workspace)
    people = [SubscriberFactory(workspace=owner.workspace) for _ in range(3)]
    data = {
        "action": "add_to_list",
        "target_list": the_list.pk,
        "scope": scope,
        "selected": [p.pk for p in people[:2]],
    }

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse("subscriber_bulk"), data)
        editor.post(reverse("subscriber_bulk"), {**data, "action": "blocklist"})

    expected = 2 if scope == "selected" else 3
    assert Subscription.objects.filter(mailing_list=the_list).count() == expected
    assert Subscriber.objects.filter(status="blocklisted").count() == expected


def test_bulk_unsubscribe_on_a_filter_result_keeps_rows(
    editor, owner, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(workspace=owner.workspace)
    for i in range(3):
        s = SubscriberFactory(workspace=owner.workspace, email=f"x{i}@example.com")
        subscription_set(subscriber=s, mailing_list=the_list, status="subscribed", source="admin")

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("subscriber_bulk"), {"action": "unsubscribe", "scope": "all", "q": "x1"}
        )

    assert list(
        Subscription.objects.filter(status="unsubscribed").values_list(
            "subscriber__email", flat=True
        )
    ) == ["x1@example.com"]
    assert Subscription.objects.count() == 3


def test_the_export_page_streams_the_filtered_rows(editor, owner):
    CustomFieldFactory(workspace=owner.workspace, name="city")
    SubscriberFactory(
        workspace=owner.workspace,
        email="ann@example.com",
        attributes={"city": "=cmd|' /C calc'!A0"},
    )
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com")

    response = editor.get(
        reverse("subscriber_export"), {"q": "ann", "columns": ["email", "attr:city"]}
    )
    body = b"".join(response.streaming_content).decode()

    assert body.splitlines() == ["email,attr:city", "ann@example.com,'=cmd|' /C calc'!A0"]


def test_lists_fields_and_suppressions_are_managed_in_the_app(editor, owner):
    editor.post(reverse("list_index"), {"name": "News", "opt_in": "double", "description": ""})
    editor.post(
        reverse("field_index"),
        {"name": "plan", "label": "Plan", "type": "choice", "choices_text": "free\npro"},
    )
    editor.post(reverse("suppression_index"), {"value": "@spam.example", "reason": "manual"})

    assert MailingList.objects.get().opt_in == "double"
    assert CustomField.objects.get().choices == ["free", "pro"]
    assert Suppression.objects.get().domain == "spam.example"


def test_the_segment_preview_counts_while_editing(editor, owner):
    SubscriberFactory(workspace=owner.workspace, email="a@one.example")
    SubscriberFactory(workspace=owner.workspace, email="b@two.example")
    definition = '{"match": "all", "conditions": [{"type": "field", "field": "domain", "op": "eq", "value": "one.example"}]}'

    response = editor.post(reverse("segment_preview"), {"definition": definition})
    broken = editor.post(
        reverse("segment_preview"), {"definition": '{"conditions": [{"type": "bogus"}]}'}
    )

    assert response.context["count"] == 1 and b"a@one.example" in response.content
    assert b"conditions[0]" in broken.content


def test_saving_a_segment(editor, owner):
    editor.post(
        reverse("segment_create"),
        {
            "name": "Recent",
            "definition": '{"conditions": [{"type": "created", "op": "in_last_days", "value": 7}]}',
        },
    )

    assert Segment.objects.get().definition["conditions"][0]["value"] == 7


def test_the_import_flow_maps_columns_starts_and_reports(
    editor, owner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    the_list = MailingListFactory(workspace=owner.workspace)
    upload = SimpleUploadedFile("crm.csv", b"Contact;Who\nann@example.com;Ann\nbad;Bob\n")

    response = editor.post(reverse("import_upload"), {"file": upload})
    job = Import.objects.get()
    assert response.status_code == 302
    mapping_page = editor.get(reverse("import_detail", args=[job.pk]))
    assert b"ann@example.com" in mapping_page.content

    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("import_detail", args=[job.pk]),
            {
                "map_0": "email",
                "map_1": "full_name",
                "mode": "add",
                "lists": [the_list.pk],
                "subscription_status": "subscribed",
            },
        )
    report = editor.get(reverse("import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    issues_csv = b"".join(editor.get(reverse("import_issues_csv", args=[job.pk])).streaming_content)

    job.refresh_from_db()
    assert (job.status, job.created, job.invalid) == ("finished", 1, 1)
    assert b"Finished" in report.content
    assert issues_csv.decode().splitlines()[1].startswith("3,bad,")
    assert Subscriber.objects.get().full_name == "Ann"


def test_a_viewer_cannot_change_anything(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    subscriber = SubscriberFactory(workspace=owner.workspace)
    client = login(viewer.user)
    client.get(reverse("dashboard"))
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id})

    assert client.get(reverse("subscriber_list")).status_code == 200
    assert (
        client.post(
            reverse("subscriber_create"), {"email": "x@example.com", "status": "active"}
        ).status_code
        == 403
    )
    assert client.post(reverse("subscriber_delete", args=[subscriber.pk])).status_code == 403
    assert client.post(reverse("list_index"), {"name": "x", "opt_in": "single"}).status_code == 403
    assert (
        client.post(reverse("subscriber_bulk"), {"action": "delete", "scope": "all"}).status_code
        == 403
    )
    assert Subscriber.objects.count() == 1 and not MailingList.objects.exists()


def test_another_workspaces_pages_are_not_found(editor, other_owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ws = other_owner.workspace
    theirs = SubscriberFactory(workspace=ws)
    their_list = MailingListFactory(workspace=ws)
    their_segment = SegmentFactory(workspace=ws)
    from postroom.audience.services.imports import import_upload

    their_import = import_upload(
        workspace=ws, user=None, upload=SimpleUploadedFile("x.csv", b"email\na@example.com\n")
    )

    for url in (
        reverse("subscriber_detail", args=[theirs.pk]),
        reverse("list_detail", args=[their_list.pk]),
        reverse("segment_edit", args=[their_segment.pk]),
        reverse("import_detail", args=[their_import.pk]),
        reverse("import_issues_csv", args=[their_import.pk]),
    ):
        assert editor.get(url).status_code == 404, url
    assert editor.post(reverse("subscriber_delete", args=[theirs.pk])).status_code == 404
    assert editor.post(reverse("list_delete", args=[their_list.pk])).status_code == 404
    assert editor.get(reverse("subscriber_list"), {"segment": their_segment.pk}).status_code == 404
    assert (
        editor.post(
            reverse("subscriber_bulk"),
            {"action": "delete", "scope": "selected", "selected": [theirs.pk]},
        ).status_code
        == 302
    )
    assert Subscriber.objects.filter(pk=theirs.pk).exists()


def test_bulk_on_all_with_a_foreign_segment_is_refused(
    editor, owner, other_owner, django_capture_on_commit_callbacks
):
    SubscriberFactory(workspace=owner.workspace)
    theirs = SegmentFactory(workspace=other_owner.workspace)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("subscriber_bulk"), {"action": "delete", "scope": "all", "segment": theirs.pk}
        )

    assert response.status_code == 404
    assert Subscriber.objects.count() == 1


def test_a_bulk_job_whose_segment_vanished_does_nothing(owner):
    from postroom.audience.tasks import subscribers_bulk_process

    SubscriberFactory(workspace=owner.workspace)

    subscribers_bulk_process.call_local(owner.workspace.pk, {"segment": 999999}, "delete", None)

    assert Subscriber.objects.count() == 1


def test_removing_from_a_list_keeps_the_row_as_unsubscribed(editor, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace)
    subscription_set(subscriber=ann, mailing_list=the_list, status="subscribed", source="admin")

    editor.post(
        reverse("subscriber_bulk"),
        {
            "action": "remove_from_list",
            "target_list": the_list.pk,
            "scope": "selected",
            "selected": [ann.pk],
        },
    )

    assert Subscription.objects.get().status == "unsubscribed"


def test_a_subscriber_with_a_deleted_fields_value_can_still_be_saved(owner):
    from postroom.audience.services.subscribers import subscriber_update

    ann = SubscriberFactory(workspace=owner.workspace, attributes={"old_field": "kept"})

    subscriber_update(subscriber=ann, full_name="Ann", attributes={})

    ann.refresh_from_db()
    assert ann.attributes == {"old_field": "kept"} and ann.full_name == "Ann"


def test_a_field_default_must_fit_its_type(api, owner):
    response = api(owner.user).post(
        "/api/v1/custom-fields/",
        {"name": "score", "label": "Score", "type": "number", "default": "abc"},
        format="json",
    )
    duplicate = api(owner.user).post(
        "/api/v1/custom-fields/", {"name": "x", "label": "X", "type": "text"}, format="json"
    )
    again = api(owner.user).post(
        "/api/v1/custom-fields/", {"name": "x", "label": "X", "type": "text"}, format="json"
    )

    assert response.status_code == 400 and "default" in response.json()["error"]["fields"]
    assert duplicate.status_code == 201 and again.status_code == 400


def test_suppressed_addresses_and_domains_are_found_by_the_sending_filter(owner):
    from postroom.audience.selectors import unsuppressed_q
    from postroom.audience.services.suppressions import suppression_add

    SubscriberFactory(workspace=owner.workspace, email="ann@ok.example")
    SubscriberFactory(workspace=owner.workspace, email="bob@spam.example")
    SubscriberFactory(workspace=owner.workspace, email="cid@ok.example")
    suppression_add(workspace=owner.workspace, value="@spam.example", reason="manual")
    suppression_add(workspace=owner.workspace, value="cid@ok.example", reason="hard_bounce")

    sendable = Subscriber.objects.filter(unsuppressed_q(), workspace=owner.workspace)

    assert list(sendable.values_list("email", flat=True)) == ["ann@ok.example"]
