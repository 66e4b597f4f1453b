from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.delivery.models import SmtpRelay
from postroom.delivery.services import FIELDS as RELAY_FIELDS


class RelayForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )
    dkim_key = forms.CharField(
        label=_("DKIM private key"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "-----BEGIN PRIVATE KEY-----"}),
        help_text=_("PEM format, stored encrypted. Leave empty to keep the current one."),
    )
    clear_password = forms.BooleanField(label=_("Remove the stored password"), required=False)

    class Meta:
        model = SmtpRelay
        fields = RELAY_FIELDS

    def secrets(self) -> dict[str, str | None]:
        """Secrets to store: None keeps the stored one."""
        data = self.cleaned_data
        password = "" if data.get("clear_password") else (data.get("password") or None)
        return {"password": password, "dkim_key": data.get("dkim_key") or None}
