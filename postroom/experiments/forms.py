from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from postroom.content.models import Message
from postroom.core.forms import form_bootstrap
from postroom.experiments.models import MAX_VARIANTS, Experiment


class ExperimentForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_bootstrap(self)

    class Meta:
        model = Experiment
        fields = (
            "mode",
            "metric",
            "test_percent",
            "test_count",
            "wait_hours",
            "confidence",
            "fallback",
            "holdout_percent",
            "wave_percent",
            "wave_minutes",
            "min_share_percent",
        )


class VariantForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    preheader = forms.CharField(label=_("Preheader"), max_length=255, required=False)
    from_name = forms.CharField(label=_("From name"), max_length=120, required=False)
    message = forms.ModelChoiceField(
        label=_("Whole message"),
        queryset=Message.objects.none(),
        required=False,
        empty_label=_("The campaign's message"),
    )
    send_time = forms.TimeField(
        label=_("Send at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("In the campaign's time zone; empty: with the campaign."),
    )

    def __init__(self, *args: Any, workspace: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Message.objects.filter(workspace=workspace).order_by("name")
        form_bootstrap(self)


VariantFormSet = formset_factory(
    VariantForm,
    extra=1,
    min_num=2,
    max_num=MAX_VARIANTS,
    validate_min=True,
    validate_max=True,
    can_delete=True,
)
