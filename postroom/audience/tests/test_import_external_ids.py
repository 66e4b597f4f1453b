"""CSV files with an external id column: push-only rows, matching by external id, the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from postroom.audience.imports.engine import import_run
from postroom.audience.models import ImportStatus, Subscriber, Subscription
from postroom.audience.services.imports import import_start, import_upload
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run_import(workspace, content: bytes, *, lists=(), mode="add", mapping=None):
    job = import_upload(
        workspace=workspace, user=None, upload=SimpleUploadedFile("p.csv", content, "text/csv")
    )
    import_start(job=job, mapping=mapping, mode=mode, lists=lists)
    return import_run(import_id=job.pk) or job


def people(workspace):
    """(email, external id, name) of the workspace's subscribers, by email (None last)."""
    return sorted(
        Subscriber.objects.filter(workspace=workspace).values_list(
            "email", "external_id", "full_name"
        ),
        key=lambda row: (row[0] is None, row[0] or "", row[1] or ""),
    )


def test_rows_without_email_are_imported_by_external_id_and_rows_with_neither_reported(owner):
    # given
    the_list = MailingListFactory(workspace=owner.workspace)
    csv = (
        b"email,external_id,name\n"
        b"ann@example.com,u1,Ann\n"
        b",u2,Bob\n"
        b",,Nobody\n"
        b"not-an-address,u4,Dan\n"
        b",u2,Bob again\n"
    )

    # when
    with translation.override("en"):
        job = run_import(owner.workspace, csv, lists=[the_list])

    # then
    assert job.status == ImportStatus.FINISHED
    assert (job.rows, job.created, job.duplicates, job.invalid) == (5, 2, 1, 2)
    assert people(owner.workspace) == [("ann@example.com", "u1", "Ann"), (None, "u2", "Bob")]
    assert [(i.line, i.email) for i in job.issues.all()] == [(4, ""), (5, "not-an-address")]
    assert job.issues.get(line=4).reason == "Neither an email address nor an external id."
    assert Subscription.objects.filter(mailing_list=the_list).count() == 2


def test_a_file_with_external_ids_only_is_mapped_and_imported(owner):
    job = run_import(owner.workspace, b"external_id;name\nu1;Ann\nu2;Bob\n")

    assert job.mapping == {"external_id": "external_id", "name": "full_name"}
    assert job.created == 2


def test_rows_matched_by_external_id_update_the_existing_subscriber(owner):
    # given a push-only contact and an email-only one
    SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1", full_name="")
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com", full_name="Bob")
    csv = b"external_id,email,name\nu1,ann@example.com,Ann\nu2,bob@example.com,\n"

    # when
    job = run_import(owner.workspace, csv, mode="update")

    # then the first gets the email and the name, the second the external id
    assert (job.created, job.updated, job.unchanged) == (0, 2, 0)
    assert people(owner.workspace) == [
        ("ann@example.com", "u1", "Ann"),
        ("bob@example.com", "u2", "Bob"),
    ]


def test_add_mode_leaves_matched_subscribers_alone(owner):
    SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1", full_name="Old")

    job = run_import(owner.workspace, b"external_id,name\nu1,New\n")

    assert (job.created, job.unchanged) == (0, 1)
    assert people(owner.workspace) == [(None, "u1", "Old")]


def test_an_identifier_another_subscriber_holds_is_never_taken(owner):
    SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1", full_name="")
    SubscriberFactory(workspace=owner.workspace, email="ann@example.com", full_name="")

    run_import(owner.workspace, b"external_id,email\nu1,ann@example.com\n", mode="update")

    assert people(owner.workspace) == [("ann@example.com", None, ""), (None, "u1", "")]


def test_external_ids_of_another_workspace_are_not_matched(owner, other_owner):
    SubscriberFactory(workspace=other_owner.workspace, email=None, external_id="u1")

    job = run_import(owner.workspace, b"external_id,name\nu1,Ann\n", mode="update")

    assert job.created == 1
    assert Subscriber.objects.get(workspace=other_owner.workspace).full_name != "Ann"


def test_importing_the_same_file_twice_changes_nothing(owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    csv = b"email,external_id\n,u1\nann@example.com,u2\n"

    run_import(owner.workspace, csv, lists=[the_list])
    second = run_import(owner.workspace, csv, lists=[the_list], mode="update")

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Subscriber.objects.filter(workspace=owner.workspace).count() == 2


def test_the_import_pages_map_an_external_id_column_and_import_it(
    login, owner, django_capture_on_commit_callbacks
):
    # given an upload through the page
    from django.urls import reverse

    from postroom.audience.models import Import

    client = login(owner.user)
    client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("p.csv", b"User ID,Name\nu1,Ann\nu2,Bob\n")},
    )
    job = Import.objects.get(workspace=owner.workspace)
    with translation.override("en"):
        page = client.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert 'value="external_id"' in page and "External id" in page

    # when the user maps the column and starts
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("import_detail", args=[job.pk]),
            {
                "map_0": "external_id",
                "map_1": "full_name",
                "mode": "add",
                "subscription_status": "subscribed",
            },
        )
    import_run(import_id=job.pk)

    # then
    assert response.status_code == 302
    assert people(owner.workspace) == [(None, "u1", "Ann"), (None, "u2", "Bob")]
