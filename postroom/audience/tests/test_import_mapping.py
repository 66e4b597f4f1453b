"""Import targets (first and last name), lists chosen from a list's page, remembered mappings."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postroom.audience.imports.engine import import_run
from postroom.audience.models import Import, Subscriber
from postroom.audience.services.imports import import_start, import_upload
from postroom.audience.tests.factories import CustomFieldFactory, MailingListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(workspace, content: bytes, **kwargs):
    return import_upload(
        workspace=workspace, user=None, upload=SimpleUploadedFile("p.csv", content), **kwargs
    )


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        (b"Email,First name,Last name", "First name", "Last name"),
        ("Почта;Имя;Фамилия".encode(), "Имя", "Фамилия"),
        (b"email,given name,surname", "given name", "surname"),
    ],
)
def test_first_and_last_name_columns_are_guessed(owner, header, first, last):
    job = upload(owner.workspace, header + b"\n")

    assert job.mapping[first] == "first_name"
    assert job.mapping[last] == "last_name"


def test_a_lone_name_column_still_fills_the_full_name(owner):
    assert upload(owner.workspace, "email;Имя\n".encode()).mapping["Имя"] == "full_name"


def test_first_and_last_names_make_the_full_name(owner):
    job = upload(
        owner.workspace,
        b"email,first,last\nann@example.com,Ann,Lee\nbob@example.com,Bob,\ncid@example.com,,Cole\n",
    )
    import_start(
        job=job,
        mapping={"email": "email", "first": "first_name", "last": "last_name"},
        enqueue=False,
    )
    import_run(import_id=job.pk)

    names = dict(Subscriber.objects.values_list("email", "full_name"))
    assert names == {
        "ann@example.com": "Ann Lee",
        "bob@example.com": "Bob",
        "cid@example.com": "Cole",
    }


def test_a_full_name_and_first_name_together_are_refused(owner):
    job = upload(owner.workspace, b"email,name,first\n")

    with pytest.raises(ValidationError, match="full name or"):
        import_start(
            job=job,
            mapping={"email": "email", "name": "full_name", "first": "first_name"},
            enqueue=False,
        )


def test_the_last_mapping_is_remembered_for_the_same_columns(owner, other_owner):
    CustomFieldFactory(workspace=owner.workspace, name="plan")
    first = upload(owner.workspace, b"Contact;Who;Tariff;Notes\n")
    import_start(
        job=first,
        mapping={"Contact": "email", "Who": "last_name", "Tariff": "attr:plan", "Notes": ""},
        enqueue=False,
    )

    same_columns = upload(owner.workspace, b"Notes;Tariff;Contact;Who\n")
    other_columns = upload(owner.workspace, b"Contact;Who\n")
    other_workspace = upload(other_owner.workspace, b"Contact;Who;Tariff;Notes\n")

    assert same_columns.mapping == {
        "Notes": "",
        "Tariff": "attr:plan",
        "Contact": "email",
        "Who": "last_name",
    }
    assert other_columns.mapping == {"Contact": "", "Who": ""}
    # A guess: "Notes" reads as the comment, which this workspace chose to skip.
    assert other_workspace.mapping == {"Contact": "", "Who": "", "Tariff": "", "Notes": "comment"}


def test_a_remembered_target_that_is_gone_is_not_offered(owner):
    plan = CustomFieldFactory(workspace=owner.workspace, name="plan")
    first = upload(owner.workspace, b"email,Tariff\n")
    import_start(job=first, mapping={"email": "email", "Tariff": "attr:plan"}, enqueue=False)
    plan.delete()

    assert upload(owner.workspace, b"email,Tariff\n").mapping == {"email": "email", "Tariff": ""}


def test_an_import_started_from_a_list_has_it_checked(login, owner, other_owner):
    ws = owner.workspace
    news = MailingListFactory(workspace=ws, name="News")
    MailingListFactory(workspace=ws, name="Other")
    theirs = MailingListFactory(workspace=other_owner.workspace)
    CustomFieldFactory(workspace=ws, name="plan", label="Plan")
    client = login(owner.user)

    list_page = client.get(reverse("list_detail", args=[news.pk])).content.decode()
    index = client.get(reverse("import_index"), {"list": news.pk}).content.decode()
    client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("p.csv", b"email,first name\n"), "lists": [news.pk]},
    )
    job = Import.objects.get()
    mapping_page = client.get(reverse("import_detail", args=[job.pk])).content.decode()
    refused = client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("p.csv", b"email\n"), "lists": [theirs.pk]},
    )

    assert f"{reverse('import_index')}?list={news.pk}" in list_page
    assert f'name="lists" value="{news.pk}"' in index
    assert [m.pk for m in job.lists.all()] == [news.pk]
    assert "checked" in _checkbox(mapping_page, news.pk)
    assert 'value="first_name" selected' in mapping_page
    assert 'value="attr:plan"' in mapping_page and 'value="last_name"' in mapping_page
    assert refused.status_code == 404
    assert Import.objects.count() == 1


def _checkbox(page: str, pk: int) -> str:
    at = page.index(f'value="{pk}"', page.index('name="lists"'))
    return page[page.rindex("<input", 0, at) : page.index(">", at)]
