from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.content.models import ContentBlock, Layout, Message, MessageKind


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
            "kind",
            "required_variables",
            "suppression_exempt",
        )
        labels = {"layout": _("Layout")}
        help_texts = {
            "required_variables": _(
                "Transactional templates: the variables every send must give, separated by commas."
            ),
            "suppression_exempt": _(
                "Transactional templates: sent to suppressed addresses too (receipts, password "
                "resets); every such send is recorded."
            ),
        }
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 14, "class": "font-monospace", "spellcheck": "false"}
            ),
            "text_body": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        }

    required_variables = forms.CharField(
        label=_("required variables"), required=False, max_length=2000
    )

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layout"].queryset = Layout.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["required_variables"] = ", ".join(self.instance.required_variables)
        self.fields["kind"].required = False  # not posted: the message keeps its kind

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or self.instance.kind or MessageKind.CAMPAIGN

    def clean_required_variables(self) -> list[str]:
        text = self.cleaned_data.get("required_variables") or ""
        return [name.strip() for name in text.split(",") if name.strip()]


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
