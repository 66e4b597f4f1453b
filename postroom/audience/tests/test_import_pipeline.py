"""On PostgreSQL writer threads load batches while the next is parsed; same outcome."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postroom.audience.imports import engine
from postroom.audience.imports.engine import import_run
from postroom.audience.imports.loaders import PostgresLoader
from postroom.audience.models import MailingList, Subscriber, Subscription
from postroom.audience.services.imports import import_start, import_upload

# The writer thread has its own connection: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


def test_it_imports_in_many_pipelined_batches(owner, settings, tmp_path, monkeypatch):
    # given
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_PIPELINE = True
    monkeypatch.setattr(PostgresLoader, "batch_size", 3)
    the_list = MailingList.objects.create(workspace=owner.workspace, name="Pipelined")
    rows = [f"p{i}@example.com,Person {i}" for i in range(20)]
    rows[4] = "broken@@example,Broken"
    rows[7] = "P2@example.com,Again"
    content = ("email,name\n" + "\n".join(rows) + "\n").encode()
    job = import_upload(
        workspace=owner.workspace,
        user=None,
        upload=SimpleUploadedFile("people.csv", content, "text/csv"),
    )
    import_start(job=job, lists=[the_list], enqueue=False)

    # when
    job = import_run(import_id=job.pk)

    # then
    assert (job.rows, job.created, job.duplicates, job.invalid) == (20, 18, 1, 1)
    assert [i.line for i in job.issues.all()] == [6]
    assert Subscriber.objects.filter(workspace=owner.workspace).count() == 18
    assert Subscription.objects.filter(mailing_list=the_list).count() == 18


@pytest.mark.skipif(connection.vendor != "postgresql", reason="vacuum is PostgreSQL's")
@pytest.mark.parametrize(("threshold", "vacuums"), [(5, 1), (1000, 0)])
def test_it_vacuums_subscriptions_after_a_large_import(
    owner, settings, tmp_path, monkeypatch, threshold, vacuums
):
    # given: an import of 20 rows, large or small depending on the threshold
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(engine, "VACUUM_AFTER_ROWS", threshold)
    the_list = MailingList.objects.create(workspace=owner.workspace, name="Vacuumed")
    content = ("email\n" + "\n".join(f"v{i}@example.com" for i in range(20)) + "\n").encode()
    job = import_upload(
        workspace=owner.workspace,
        user=None,
        upload=SimpleUploadedFile("people.csv", content, "text/csv"),
    )
    import_start(job=job, lists=[the_list], enqueue=False)

    # when
    with CaptureQueriesContext(connection) as queries:
        job = import_run(import_id=job.pk)

    # then
    assert job.status == "finished"
    assert [q["sql"] for q in queries].count("VACUUM audience_subscription") == vacuums
