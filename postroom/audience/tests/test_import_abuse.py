"""Uploads that would hold a web thread or the disk: refused early, and nothing kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.audience.imports.source import MAX_COLUMNS, MAX_HEADER_BYTES
from postroom.audience.models import Import, ImportStatus
from postroom.audience.services.imports import import_start, import_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    return tmp_path


def stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def upload(workspace, content: bytes):
    return import_upload(
        workspace=workspace, user=None, upload=SimpleUploadedFile("x.csv", content)
    )


@pytest.mark.parametrize(
    ("columns", "reason"),
    [
        (MAX_COLUMNS + 1, f"more than {MAX_COLUMNS} columns"),
        (20_000, f"more than {MAX_COLUMNS} columns"),
        (50_000, "first line is longer"),
    ],
)
def test_a_header_with_too_many_columns_is_refused_and_not_stored(owner, private, columns, reason):
    header = b",".join([b"c"] * (columns - 1))

    with pytest.raises(ValidationError, match=reason):
        upload(owner.workspace, b"email," + header + b"\n")

    assert stored(private) == [] and not Import.objects.exists()


def test_a_header_line_longer_than_the_limit_is_refused(owner, private):
    with pytest.raises(ValidationError, match="first line is longer"):
        upload(owner.workspace, b"email," + b"x" * MAX_HEADER_BYTES + b"\na@example.com,1\n")

    assert stored(private) == []


def test_a_wide_but_allowed_header_is_accepted(owner):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS - 1)).encode()

    job = upload(owner.workspace, b"email," + header + b"\na@example.com\n")

    assert job.mapping["email"] == "email"


def test_an_unreadable_file_never_reaches_the_storage(owner, private):
    with pytest.raises(ValidationError, match="not a text file"):
        upload(owner.workspace, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    assert stored(private) == []


def test_an_api_upload_refused_for_its_mapping_leaves_nothing_behind(api, owner, private):
    file = io.BytesIO(b"email,name\na@example.com,Ann\n")
    file.name = "people.csv"

    response = api(owner.user).post(
        "/api/v1/imports/",
        {"file": file, "mapping": '{"name": "full_name"}'},
        format="multipart",
    )

    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]["mapping"][0]
    assert stored(private) == [] and not Import.objects.exists()


def test_pending_imports_of_a_workspace_share_a_storage_quota(owner, other_owner, settings):
    content = b"email\n" + b"".join(b"p%d@example.com\n" % i for i in range(60))
    settings.IMPORT_PENDING_MAX_BYTES = 2 * len(content)
    first = upload(owner.workspace, content)
    upload(owner.workspace, content)

    with pytest.raises(ValidationError, match="waiting to be imported"):
        upload(owner.workspace, content)
    upload(other_owner.workspace, content)  # another workspace has its own quota

    # an import that has finished gives its space back
    import_start(job=first, enqueue=False)
    from postroom.audience.imports.engine import import_run

    assert import_run(import_id=first.pk).status == ImportStatus.FINISHED
    upload(owner.workspace, content)
