from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.delivery.models import MailboxProtocol, SmtpRelay, TlsMode
from postroom.delivery.services.relays import FIELDS as RELAY_FIELDS


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
    mailbox_password = forms.CharField(
        label=_("Mailbox password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )

    field_order = [
        *RELAY_FIELDS[: RELAY_FIELDS.index("username") + 1],
        "password",
        "clear_password",
        *RELAY_FIELDS[RELAY_FIELDS.index("username") + 1 : RELAY_FIELDS.index("dkim_selector") + 1],
        "dkim_key",
        *RELAY_FIELDS[
            RELAY_FIELDS.index("dkim_selector") + 1 : RELAY_FIELDS.index("mailbox_username") + 1
        ],
        "mailbox_password",
        "mailbox_folder",
    ]

    class Meta:
        model = SmtpRelay
        fields = RELAY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A relay without a bounce mailbox need not mention one.
        for name in ("mailbox_protocol", "mailbox_tls"):
            self.fields[name].required = False

    def clean_mailbox_protocol(self) -> str:
        return self.cleaned_data.get("mailbox_protocol") or MailboxProtocol.NONE

    def clean_mailbox_tls(self) -> str:
        return self.cleaned_data.get("mailbox_tls") or TlsMode.IMPLICIT

    def secrets(self) -> dict[str, str | None]:
        """Secrets to store: None keeps the stored one."""
        data = self.cleaned_data
        password = "" if data.get("clear_password") else (data.get("password") or None)
        return {
            "password": password,
            "dkim_key": data.get("dkim_key") or None,
            "mailbox_password": data.get("mailbox_password") or None,
        }
