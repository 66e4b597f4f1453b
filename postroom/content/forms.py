from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.content.models import ContentBlock, Layout, Message


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = (
            "name",
            "subject",
            "preheader",
            "from_name",
            "from_email",
            "reply_to",
            "body_format",
            "layout",
            "body",
            "text_body",
        )
        labels = {"layout": _("Layout")}
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 14, "class": "font-monospace", "spellcheck": "false"}
            ),
            "text_body": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        }

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layout"].queryset = Layout.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class LayoutForm(forms.ModelForm):
    class Meta:
        model = Layout
        fields = ("name", "html")
        widgets = {"html": forms.Textarea(attrs={"rows": 8, "class": "font-monospace"})}


class BlockForm(forms.ModelForm):
    class Meta:
        model = ContentBlock
        fields = ("key", "name", "kind", "html")
        widgets = {"html": forms.Textarea(attrs={"rows": 6, "class": "font-monospace"})}


class TestSendForm(forms.Form):
    to = forms.CharField(label=_("To"), help_text=_("Up to five addresses, separated by commas"))

    def clean_to(self) -> list[str]:
        addresses = [a.strip() for a in self.cleaned_data["to"].split(",") if a.strip()]
        field = forms.EmailField()
        for address in addresses:
            field.clean(address)
        if not 1 <= len(addresses) <= 5:
            raise forms.ValidationError(_("Give one to five addresses."))
        return addresses
