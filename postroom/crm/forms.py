from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.accounts.models import User
from postroom.campaigns.models import Campaign
from postroom.core.forms import form_bootstrap
from postroom.crm.models import (
    AdCampaign,
    Contract,
    CrmSettings,
    Customer,
    Lead,
    LeadStatus,
    Service,
)

DATE = forms.DateInput(attrs={"type": "date"})


class _Scoped(forms.ModelForm):
    """Choices of related rows limited to the workspace."""

    scoped_fields: dict[str, Any] = {}

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in self.scoped_fields.items():
            if name not in self.fields:
                continue
            field = self.fields[name]
            if model is User:
                field.queryset = User.objects.filter(memberships__workspace=workspace)  # type: ignore[attr-defined]
            else:
                field.queryset = model.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        form_bootstrap(self)


class CrmSettingsForm(_Scoped):
    class Meta:
        model = CrmSettings
        fields = ("currency",)


class ServiceForm(_Scoped):
    class Meta:
        model = Service
        fields = ("name", "description", "price", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AdCampaignForm(_Scoped):
    scoped_fields = {"service": Service, "email_campaign": Campaign}

    class Meta:
        model = AdCampaign
        fields = (
            "name",
            "service",
            "channel",
            "email_campaign",
            "budget",
            "starts_on",
            "ends_on",
            "form_enabled",
            "consent_text",
        )
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "consent_text": forms.Textarea(attrs={"rows": 2}),
        }


class SpendForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SpendImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (date, amount, note)"))


class LeadForm(_Scoped):
    scoped_fields = {"ad_campaign": AdCampaign, "owner": User}

    class Meta:
        model = Lead
        fields = (
            "name",
            "email",
            "phone",
            "company",
            "ad_campaign",
            "status",
            "owner",
            "notes",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Converted is reached by signing a contract, not by picking it here.
        current = self.instance.status if self.instance.pk else None
        if current != LeadStatus.CONVERTED:
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED
            ]


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *LeadStatus.choices]
    )
    ad_campaign = forms.ModelChoiceField(
        label=_("Advertising campaign"),
        required=False,
        queryset=AdCampaign.objects.none(),
        empty_label=_("Any campaign"),
    )
    search = forms.CharField(label=_("Search"), required=False, max_length=200)
    duplicates = forms.BooleanField(label=_("Duplicates only"), required=False)

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ad_campaign"].queryset = AdCampaign.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class ContractForm(_Scoped):
    scoped_fields = {"service": Service}
    document = forms.FileField(label=_("Document (PDF)"), required=False)

    class Meta:
        model = Contract
        fields = ("name", "service", "amount", "signed_on", "starts_on", "ends_on")
        widgets = {"signed_on": DATE, "starts_on": DATE, "ends_on": DATE}


class CustomerForm(_Scoped):
    class Meta:
        model = Customer
        fields = ("name", "email", "phone", "company")


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The end comes before the start."))
        return data
