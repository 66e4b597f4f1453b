import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.audience.services.imports import import_start, import_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(workspace, content: bytes):
    return import_upload(
        workspace=workspace, user=None, upload=SimpleUploadedFile("x.csv", content)
    )


def test_an_oversized_file_is_refused(owner, settings):
    settings.IMPORT_MAX_BYTES = 10

    with pytest.raises(ValidationError, match="larger than"):
        upload(owner.workspace, b"email\nann@example.com\n")


def test_a_binary_file_is_refused(owner):
    with pytest.raises(ValidationError, match="not a text file"):
        upload(owner.workspace, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_an_empty_file_is_refused(owner):
    with pytest.raises(ValidationError, match="empty"):
        upload(owner.workspace, b"  \n")


def test_a_file_without_an_email_column_cannot_start(owner):
    job = upload(owner.workspace, b"name,city\nAnn,Paris\n")

    with pytest.raises(ValidationError, match="email address"):
        import_start(job=job)


def test_broken_utf8_past_the_detection_sample_refuses_only_those_rows(owner):
    from postroom.audience.imports.engine import import_run
    from postroom.audience.models import Subscriber

    good = b"".join(b"user%d@example.com,N\xc3\xa9ha %d\n" % (i, i) for i in range(12_000))
    content = b"email,name\n" + good + b"bad@example.com,B\xff\xfeb\n" + b"last@example.com,Cid\n"
    job = upload(owner.workspace, content)
    import_start(job=job)
    job = import_run(import_id=job.pk)

    assert job.encoding == "utf-8"
    assert job.created == 12_001 and job.invalid == 1
    assert job.issues.get().line == 12_002
    assert not Subscriber.objects.filter(email="bad@example.com").exists()


def test_a_row_with_too_many_cells_is_refused(owner):
    from postroom.audience.imports.engine import import_run

    job = upload(owner.workspace, b"email,name\nann@example.com,Ann\nbob@example.com,Bob,extra\n")
    import_start(job=job)
    job = import_run(import_id=job.pk)

    assert job.created == 1 and job.issues.get().line == 3


def test_an_unclosed_quote_is_reported_not_swallowed(owner):
    from postroom.audience.imports.engine import import_run

    job = upload(
        owner.workspace,
        b'email,name\nann@example.com,Ann\nbob@example.com,"Bob\ncid@example.com,Cid\n',
    )
    import_start(job=job)
    job = import_run(import_id=job.pk)

    assert job.created == 1 and job.invalid == 1
    assert "quote is not closed" in job.issues.get().reason


def test_a_giant_cell_fails_its_row_only(owner):
    from postroom.audience.imports.engine import import_run
    from postroom.audience.models import Subscriber

    giant = b"x" * 2_000_000
    job = upload(
        owner.workspace,
        b"email,name\nann@example.com,Ann\nbob@example.com," + giant + b"\ncid@example.com,Cid\n",
    )
    import_start(job=job)
    job = import_run(import_id=job.pk)

    assert job.status == "finished" and job.invalid == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "ann@example.com",
        "cid@example.com",
    }


def test_a_file_with_the_wrong_delimiter_reports_every_row(owner):
    from postroom.audience.imports.engine import import_run

    job = upload(owner.workspace, b"email|name\nann@example.com|Ann\nbob@example.com|Bob\n")

    from django.core.exceptions import ValidationError as VE

    with pytest.raises(VE, match="email address"):
        import_start(job=job, mapping={"email|name": "full_name"})
    job = import_start(job=job, mapping={"email|name": "email"})
    job = import_run(import_id=job.pk)

    assert job.created == 0 and job.invalid == 2
    assert "Invalid email address" in job.issues.first().reason
