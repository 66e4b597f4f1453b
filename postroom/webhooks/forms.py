from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.webhooks.models import SUBSCRIBABLE


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where events are POSTed, e.g. https://example.com/hooks/postroom."),
        widget=forms.URLInput(attrs={"class": "form-control"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=SUBSCRIBABLE, widget=forms.CheckboxSelectMultiple
    )
