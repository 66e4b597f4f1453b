"""Custom fields are added and edited in the app: options one per line, typed defaults, renames."""

import pytest
from django.urls import reverse

from postroom.accounts.roles import Role
from postroom.audience.models import CustomField, Segment, Subscriber
from postroom.audience.segments import segment_q
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    SegmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def test_it_offers_a_multi_line_box_for_the_options(login, owner):
    page = login(owner.user).get(reverse("field_index")).content.decode()

    assert '<textarea name="choices_text"' in page


@pytest.mark.parametrize(
    ("kind", "written", "stored"),
    [
        ("choice", "pro", "pro"),
        ("number", "42", 42),
        ("number", "2,5", 2.5),
        ("date", "2024-05-01", "2024-05-01"),
        ("boolean", "yes", True),
        ("text", "Paris", "Paris"),
    ],
)
def test_it_takes_the_default_as_written_for_the_kind(login, owner, kind, written, stored):
    login(owner.user).post(
        reverse("field_index"),
        {
            "name": "plan",
            "label": "Plan",
            "type": kind,
            "choices_text": "free\npro\nteam",
            "default": written,
        },
    )

    assert CustomField.objects.get().default == stored


def test_a_default_that_does_not_fit_is_refused_on_the_form(login, owner):
    response = login(owner.user).post(
        reverse("field_index"), {"name": "age", "label": "Age", "type": "number", "default": "old"}
    )

    assert response.status_code == 200
    assert "default" in response.context["form"].errors
    assert not CustomField.objects.exists()


def test_the_edit_page_shows_a_typed_default_input(login, owner):
    number = CustomFieldFactory(workspace=owner.workspace, name="age", type="number", default=3)
    choice = CustomFieldFactory(
        workspace=owner.workspace, name="plan", type="choice", choices=["free", "pro"]
    )
    client = login(owner.user)

    number_page = client.get(reverse("field_edit", args=[number.pk])).content.decode()
    choice_page = client.get(reverse("field_edit", args=[choice.pk])).content.decode()

    assert 'type="number"' in number_page and 'value="3"' in number_page
    assert '<select name="default"' in choice_page and '<option value="pro">' in choice_page
    assert "free\npro</textarea>" in choice_page


def test_a_field_is_renamed_with_its_values_and_segment_conditions(login, owner):
    ws = owner.workspace
    field = CustomFieldFactory(
        workspace=ws, name="plan", label="Plan", type="choice", choices=["free", "pro"]
    )
    ann = SubscriberFactory(workspace=ws, attributes={"plan": "pro", "city": "Rome"})
    bob = SubscriberFactory(workspace=ws, attributes={"plan": "free"})
    cid = SubscriberFactory(workspace=ws, attributes={})
    theirs = SubscriberFactory(attributes={"plan": "pro"})  # another workspace
    segment = SegmentFactory(
        workspace=ws,
        definition={
            "match": "any",
            "conditions": [
                {
                    "match": "all",
                    "conditions": [
                        {"type": "attribute", "name": "plan", "op": "eq", "value": "pro"}
                    ],
                }
            ],
        },
    )

    response = login(owner.user).post(
        reverse("field_edit", args=[field.pk]),
        {
            "name": "tier",
            "label": "Tier",
            "type": "choice",
            "choices_text": "free\npro\nteam\n",
            "default": "team",
        },
    )

    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.name, field.label, field.choices, field.default) == (
        "tier",
        "Tier",
        ["free", "pro", "team"],
        "team",
    )
    attributes = {s.pk: s.attributes for s in Subscriber.objects.all()}
    assert attributes[ann.pk] == {"tier": "pro", "city": "Rome"}
    assert attributes[bob.pk] == {"tier": "free"}
    assert attributes[cid.pk] == {}
    assert attributes[theirs.pk] == {"plan": "pro"}
    definition = Segment.objects.get(pk=segment.pk).definition
    assert definition["conditions"][0]["conditions"][0]["name"] == "tier"
    matching = Subscriber.objects.filter(workspace=ws).filter(
        segment_q(definition, workspace_id=ws.pk)
    )
    assert list(matching) == [ann]


def test_a_rename_follows_into_remembered_import_mappings(login, owner, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postroom.audience.services.imports import import_start, import_upload

    settings.MEDIA_ROOT = tmp_path
    field = CustomFieldFactory(workspace=owner.workspace, name="plan", type="text")
    job = import_upload(
        workspace=owner.workspace, user=None, upload=SimpleUploadedFile("p.csv", b"email,Tariff\n")
    )
    import_start(job=job, mapping={"email": "email", "Tariff": "attr:plan"}, enqueue=False)

    login(owner.user).post(
        reverse("field_edit", args=[field.pk]), {"name": "tier", "label": "Tier", "type": "text"}
    )
    again = import_upload(
        workspace=owner.workspace, user=None, upload=SimpleUploadedFile("p.csv", b"email,Tariff\n")
    )

    assert again.mapping == {"email": "email", "Tariff": "attr:tier"}


def test_renaming_keeps_yes_no_and_number_values_typed(login, owner):
    field = CustomFieldFactory(workspace=owner.workspace, name="vip", type="boolean")
    age = CustomFieldFactory(workspace=owner.workspace, name="age", type="number")
    ann = SubscriberFactory(workspace=owner.workspace, attributes={"vip": True, "age": 2.5})
    client = login(owner.user)

    client.post(
        reverse("field_edit", args=[field.pk]), {"name": "star", "label": "Star", "type": "boolean"}
    )
    client.post(
        reverse("field_edit", args=[age.pk]), {"name": "years", "label": "Years", "type": "number"}
    )

    ann.refresh_from_db()
    assert ann.attributes == {"star": True, "years": 2.5}


def test_other_workspaces_fields_cannot_be_edited_and_viewers_cannot_edit(login, owner, member):
    theirs = CustomFieldFactory(name="theirs")
    mine = CustomFieldFactory(workspace=owner.workspace, name="mine")
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    assert login(owner.user).get(reverse("field_edit", args=[theirs.pk])).status_code == 404
    forbidden = login(viewer.user).post(
        reverse("field_edit", args=[mine.pk]), {"name": "x", "label": "X", "type": "text"}
    )

    assert forbidden.status_code == 403
    mine.refresh_from_db()
    assert mine.name == "mine"
