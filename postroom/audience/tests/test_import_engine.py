import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.audience.imports.engine import import_run
from postroom.audience.models import (
    ImportStatus,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from postroom.audience.services.imports import import_start, import_upload
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import CustomFieldFactory, MailingListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run_import(workspace, content: bytes, *, lists=(), mode="add", mapping=None, name="people.csv"):
    job = import_upload(
        workspace=workspace, user=None, upload=SimpleUploadedFile(name, content, "text/csv")
    )
    import_start(job=job, mapping=mapping, mode=mode, lists=lists)
    return import_run(import_id=job.pk) or job


def test_it_imports_good_rows_and_reports_bad_ones_with_line_numbers(owner):
    csv = (
        b"email,name\n"
        b"ann@example.com,Ann\n"
        b"not-an-address,Bob\n"
        b"cid@example.com,Cid\n"
        b",Nobody\n"
        b"ANN@example.com,Ann again\n"
    )

    job = run_import(owner.workspace, csv)

    assert job.status == ImportStatus.FINISHED
    assert (job.rows, job.created, job.duplicates, job.invalid) == (5, 2, 1, 2)
    assert sorted(Subscriber.objects.values_list("email", flat=True), key=str) == [
        "ann@example.com",
        "cid@example.com",
    ]
    assert [(i.line, i.email) for i in job.issues.all()] == [(3, "not-an-address"), (5, "")]
    assert "No email address" in job.issues.get(line=5).reason


def test_importing_the_same_file_twice_changes_nothing(owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    csv = b"email;name\nann@example.com;Ann\nbob@example.com;Bob\n"

    run_import(owner.workspace, csv, lists=[the_list])
    second = run_import(owner.workspace, csv, lists=[the_list], mode="update")

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Subscriber.objects.count() == 2
    assert Subscription.objects.filter(mailing_list=the_list).count() == 2


def test_update_mode_fills_values_and_add_mode_leaves_them(owner):
    run_import(owner.workspace, b"email,name\nann@example.com,Ann\n")

    added = run_import(owner.workspace, b"email,name\nann@example.com,Annabel\n", mode="add")
    assert (added.updated, added.unchanged) == (0, 1)
    assert Subscriber.objects.get().full_name == "Ann"

    updated = run_import(owner.workspace, b"email,name\nann@example.com,Annabel\n", mode="update")
    assert updated.updated == 1
    assert Subscriber.objects.get().full_name == "Annabel"


def test_an_unsubscribed_person_stays_unsubscribed(owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    run_import(owner.workspace, b"email\nann@example.com\n", lists=[the_list])
    subscription_set(
        subscriber=Subscriber.objects.get(),
        mailing_list=the_list,
        status=SubscriptionStatus.UNSUBSCRIBED,
        source="form",
    )

    run_import(owner.workspace, b"email\nann@example.com\n", lists=[the_list], mode="update")

    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_it_reads_windows_1251_with_semicolons(owner):
    csv = "Почта;Имя\nivan@example.ru;Иван Петров\n".encode("cp1251")

    job = run_import(owner.workspace, csv)

    assert job.encoding == "cp1251" and job.delimiter == ";"
    assert Subscriber.objects.get().full_name == "Иван Петров"


def test_it_reads_utf8_with_bom_tabs_and_quoted_fields(owner):
    csv = (
        '\ufeffemail\tname\tcomment\n"ann@example.com"\t"Ann, ""the"" first"\t"two\nlines"\n'
    ).encode()

    job = run_import(
        owner.workspace, csv, mapping={"email": "email", "name": "full_name", "comment": "comment"}
    )

    subscriber = Subscriber.objects.get()
    assert job.delimiter == "\t"
    assert subscriber.full_name == 'Ann, "the" first'
    assert subscriber.comment == "two\nlines"


def test_custom_attributes_are_typed_and_bad_values_refused(owner):
    CustomFieldFactory(workspace=owner.workspace, name="age", type="number")
    CustomFieldFactory(workspace=owner.workspace, name="vip", type="boolean")
    csv = b"email,age,vip\nann@example.com,42,yes\nbob@example.com,old,no\n"

    job = run_import(owner.workspace, csv)

    assert Subscriber.objects.get().attributes == {"age": 42, "vip": True}
    issue = job.issues.get()
    assert issue.line == 3 and "not a number" in issue.reason


def test_a_run_claimed_twice_imports_once(owner):
    job = import_upload(
        workspace=owner.workspace,
        user=None,
        upload=SimpleUploadedFile("a.csv", b"email\nann@example.com\n"),
    )
    import_start(job=job)

    assert import_run(import_id=job.pk) is not None
    assert import_run(import_id=job.pk) is None


def test_update_mode_never_writes_defaults_over_stored_values(owner):
    CustomFieldFactory(
        workspace=owner.workspace,
        name="plan",
        type="choice",
        choices=["free", "pro"],
        default="free",
    )
    CustomFieldFactory(workspace=owner.workspace, name="score", type="number", default="5")
    run_import(owner.workspace, b"email,plan\nann@example.com,pro\n")
    assert Subscriber.objects.get().attributes == {"plan": "pro", "score": 5}

    run_import(
        owner.workspace, b"email,name\nann@example.com,Ann\nbob@example.com,Bob\n", mode="update"
    )

    assert Subscriber.objects.get(email="ann@example.com").attributes == {"plan": "pro", "score": 5}
    assert Subscriber.objects.get(email="bob@example.com").attributes == {
        "plan": "free",
        "score": 5,
    }


def test_the_uploaded_file_is_private_and_removed_after_the_import(owner, client, settings):
    job = import_upload(
        workspace=owner.workspace,
        user=None,
        upload=SimpleUploadedFile("a.csv", b"email\nann@example.com\n"),
    )
    path = job.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert client.get(f"/media/{job.file.name}").status_code == 404

    import_start(job=job)
    import_run(import_id=job.pk)

    job.refresh_from_db()
    import os

    assert not job.file and not os.path.exists(path)
