from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.audience.models import (
    CustomField,
    FieldType,
    ImportMode,
    MailingList,
    SubscriberStatus,
    SubscriptionStatus,
    SuppressionReason,
)


class SubscriberForm(forms.Form):
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("Empty for a contact reached only by push: give an external id then."),
    )
    external_id = forms.CharField(
        label=_("External id"),
        max_length=255,
        required=False,
        help_text=_("Your app's id for this contact; unique in the workspace."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    time_zone = forms.CharField(
        label=_("Time zone"), max_length=64, required=False, help_text=_("e.g. Europe/Moscow")
    )
    language = forms.CharField(label=_("Language"), max_length=16, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=SubscriberStatus.choices)

    def __init__(self, *args: Any, fields: list[CustomField] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.custom_fields = list(fields)
        for field in self.custom_fields:
            self.fields[f"attr_{field.name}"] = _form_field(field)

    def attributes(self) -> dict[str, Any]:
        return {f.name: self.cleaned_data.get(f"attr_{f.name}") for f in self.custom_fields}


def _form_field(field: CustomField) -> forms.Field:
    common: dict[str, Any] = {"label": field.label, "required": False}
    if field.type == FieldType.BOOLEAN:
        return forms.NullBooleanField(**common)
    if field.type == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in field.choices]], **common)
    if field.type == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(**common)


class MailingListForm(forms.ModelForm):
    class Meta:
        model = MailingList
        fields = ("name", "description", "opt_in", "is_public", "public_archive")
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "opt_in": forms.RadioSelect}


class CustomFieldForm(forms.Form):
    """A custom field's definition; the default is written as the field's kind reads it."""

    name = forms.SlugField(
        label=_("Name"),
        max_length=64,
        help_text=_(
            "Key in templates and CSV. Renaming moves the stored values and segment conditions;"
            " change templates that use the old name yourself."
        ),
    )
    label = forms.CharField(label=_("Label"), max_length=120)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “Choice” fields: one option per line."),
    )
    default = forms.CharField(
        label=_("Default"),
        required=False,
        help_text=_("For new subscribers: a number, a date, yes or no, or one of the choices."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    indexed = forms.BooleanField(
        label=_("Indexed"),
        required=False,
        help_text=CustomField._meta.get_field("indexed").help_text,
    )

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        if field is not None:
            kwargs.setdefault("initial", _field_initial(field))
        super().__init__(*args, **kwargs)
        if field is not None:
            self.fields["default"].widget = _default_widget(field)

    def values(self) -> dict[str, Any]:
        """What `custom_field_save` takes; it checks the default against the kind."""
        data = dict(self.cleaned_data)
        data["choices"] = data.pop("choices_text").splitlines()
        data["default"] = data["default"].strip() or None
        return data


def _field_initial(field: CustomField) -> dict[str, Any]:
    default = field.default
    if isinstance(default, bool):
        default = "yes" if default else "no"
    return {
        "name": field.name,
        "label": field.label,
        "type": field.type,
        "choices_text": "\n".join(field.choices),
        "default": "" if default is None else str(default),
        "required": field.required,
        "indexed": field.indexed,
    }


def _default_widget(field: CustomField) -> forms.Widget:
    if field.type == FieldType.NUMBER:
        return forms.NumberInput(attrs={"step": "any"})
    if field.type == FieldType.DATE:
        return forms.DateInput(attrs={"type": "date"})
    if field.type == FieldType.BOOLEAN:
        return forms.Select(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))])
    if field.type == FieldType.CHOICE:
        return forms.Select(choices=[("", "—"), *[(c, c) for c in field.choices]])
    return forms.TextInput()


class SuppressionForm(forms.Form):
    value = forms.CharField(label=_("Address or @domain"), max_length=254)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=SuppressionReason.choices, initial="manual"
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class _DefinitionField(forms.JSONField):
    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except RecursionError as exc:  # json.loads recurses per level of nesting
            raise forms.ValidationError(_("Groups are nested too deeply.")) from exc

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    definition = _DefinitionField(widget=forms.HiddenInput, initial=dict)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 or Windows-1251; comma, semicolon or tab separated; the first line names the columns."
        ),
    )


class ImportStartForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.ADD,
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Add to lists"),
        queryset=MailingList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subscription_status = forms.ChoiceField(
        label=_("Subscription status"),
        choices=[
            (SubscriptionStatus.SUBSCRIBED, _("Subscribed")),
            (SubscriptionStatus.UNCONFIRMED, _("Unconfirmed")),
        ],
        initial=SubscriptionStatus.SUBSCRIBED,
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = MailingList.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class PublicSubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    # Left empty by people, filled by bots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
