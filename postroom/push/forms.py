"""Forms of the push pages: a creative, one provider's settings (its secret write-only), a key's name."""

import json
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.forms import form_bootstrap
from postroom.push.models import Creative, ProviderKind, PushProvider

# Which settings each provider kind shows (besides "active" and its secret).
PROVIDER_FIELDS = {
    ProviderKind.WEBPUSH: ["vapid_subject"],
    ProviderKind.FCM: ["fcm_project_id"],
    ProviderKind.APNS: ["apns_key_id", "apns_team_id", "apns_bundle_id", "apns_sandbox"],
    ProviderKind.ONESIGNAL: ["onesignal_app_id"],
    ProviderKind.WEBHOOK: ["webhook_url"],
}
SECRET_LABELS = {
    ProviderKind.WEBPUSH: _("VAPID private key (leave empty to keep or generate one)"),
    ProviderKind.FCM: _("Service account JSON"),
    ProviderKind.APNS: _("APNs key (.p8)"),
    ProviderKind.ONESIGNAL: _("REST API key"),
    ProviderKind.WEBHOOK: _("Signing secret (whsec_…; leave empty to keep or generate one)"),
}


def _https_urls(field: Any, **kwargs: Any) -> Any:
    """Model URL fields as form fields that take a bare host as https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CreativeForm(forms.ModelForm):
    # The model's field is named `data`; the metaclass takes declared fields off the class,
    # so the bound form's own `data` is untouched.
    data = forms.CharField(  # type: ignore[assignment]
        label=_("data payload (JSON object)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"}),
    )

    class Meta:
        model = Creative
        formfield_callback = _https_urls
        fields = [
            "name",
            "title",
            "body",
            "icon_url",
            "image_url",
            "click_url",
            "data",
            "ttl",
            "urgency",
            "collapse_key",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["data"] = json.dumps(self.instance.data or {}, ensure_ascii=False)
        form_bootstrap(self)

    def clean_data(self) -> dict[str, Any]:
        text = self.cleaned_data.get("data") or "{}"
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The data payload must be a JSON object."))
        return value


class ProviderForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "class": "form-control font-monospace", "autocomplete": "off"}
        ),
    )

    class Meta:
        model = PushProvider
        formfield_callback = _https_urls
        fields = [
            "is_active",
            "vapid_subject",
            "fcm_project_id",
            "apns_key_id",
            "apns_team_id",
            "apns_bundle_id",
            "apns_sandbox",
            "onesignal_app_id",
            "webhook_url",
        ]

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shown = {"is_active", "secret", *PROVIDER_FIELDS[ProviderKind(kind)]}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        self.fields["secret"].label = SECRET_LABELS[ProviderKind(kind)]
        form_bootstrap(self)

    def settings(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "secret"}


class RegistrationKeyForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
