"""Audience's write services name the fields they set; PATCH-like calls change only those given."""

import inspect

import pytest

from postroom.audience.forms import CustomFieldForm, MailingListForm, SegmentForm, SubscriberForm
from postroom.audience.serializers import (
    CustomFieldSerializer,
    MailingListSerializer,
    SegmentSerializer,
    SubscriberSerializer,
)
from postroom.audience.services.custom_fields import custom_field_save
from postroom.audience.services.lists import mailing_list_create, mailing_list_update
from postroom.audience.services.segments import segment_save
from postroom.audience.services.subscribers import subscriber_create, subscriber_update
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    MailingListFactory,
    SegmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def _parameters(service):
    return set(inspect.signature(service).parameters)


def _writable(serializer_class):
    return {n for n, f in serializer_class().fields.items() if not f.read_only}


def test_it_takes_every_list_field_the_form_and_serializer_write():
    for service in (mailing_list_create, mailing_list_update):
        assert set(MailingListForm._meta.fields) <= _parameters(service)
        assert _writable(MailingListSerializer) <= _parameters(service)


def test_it_takes_every_subscriber_field_the_form_and_serializer_write():
    # `lists` is the API's, taken apart by the view; the form's custom fields come as `attributes`.
    form_fields = set(SubscriberForm().fields) | {"attributes"}
    api_fields = _writable(SubscriberSerializer) - {"lists"}
    for service in (subscriber_create, subscriber_update):
        assert form_fields <= _parameters(service)
        assert api_fields <= _parameters(service)


def test_it_takes_every_custom_field_setting_the_form_and_serializer_write():
    form = CustomFieldForm(
        {"name": "city", "label": "City", "type": "text", "choices_text": "", "default": ""}
    )
    assert form.is_valid()

    assert set(form.values()) <= _parameters(custom_field_save)
    assert _writable(CustomFieldSerializer) <= _parameters(custom_field_save)


def test_it_takes_every_segment_field_the_form_and_serializer_write():
    assert set(SegmentForm().fields) <= _parameters(segment_save)
    assert _writable(SegmentSerializer) <= _parameters(segment_save)


def test_it_changes_only_the_segment_fields_given(owner):
    segment = SegmentFactory(workspace=owner.workspace, description="Kept")

    segment_save(workspace=owner.workspace, segment=segment, user=None, name="Renamed")

    segment.refresh_from_db()
    assert (segment.name, segment.description) == ("Renamed", "Kept")


def test_it_changes_only_the_list_fields_given(owner):
    the_list = MailingListFactory(workspace=owner.workspace, description="Kept", is_public=True)

    mailing_list_update(mailing_list=the_list, name="Renamed")

    the_list.refresh_from_db()
    assert (the_list.name, the_list.description, the_list.is_public) == ("Renamed", "Kept", True)


def test_it_gives_a_new_list_the_model_defaults(owner):
    the_list = mailing_list_create(workspace=owner.workspace, name="News")

    assert (the_list.description, the_list.opt_in, the_list.is_public) == ("", "single", False)


def test_it_changes_only_the_subscriber_fields_given(owner):
    ann = SubscriberFactory(
        workspace=owner.workspace, full_name="Ann", language="en", attributes={"a": 1}
    )

    subscriber_update(subscriber=ann, comment="Met at the fair")

    ann.refresh_from_db()
    assert (ann.full_name, ann.language, ann.comment, ann.attributes) == (
        "Ann",
        "en",
        "Met at the fair",
        {"a": 1},
    )


def test_it_keeps_a_custom_fields_default_unless_given_none(owner):
    field = CustomFieldFactory(workspace=owner.workspace, type="number", default=3)

    custom_field_save(workspace=owner.workspace, field=field, label="Size")
    field.refresh_from_db()
    assert (field.label, field.default) == ("Size", 3)

    custom_field_save(workspace=owner.workspace, field=field, default=None)
    field.refresh_from_db()
    assert field.default is None
