"""The public lead form of an advertising campaign, found by its unguessable id; embeddable."""

import json

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from rest_framework.throttling import BaseThrottle

from postroom.crm.models import AdCampaign
from postroom.crm.services.leads import UTM_FIELDS, Utm
from postroom.crm.services.public import (
    form_token_make,
    form_token_valid,
    lead_form_allowed,
    lead_form_submit,
)


class PublicLeadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)
    # Hidden from people; a bot that fills it is thanked and ignored.
    website = forms.CharField(required=False)
    visitor = forms.CharField(required=False, max_length=64)
    token = forms.CharField(max_length=200)


def _client(request: HttpRequest) -> str:
    # The API's rule: REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES trusted proxies.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]


def _campaign(form_id: str) -> AdCampaign:
    ad = get_object_or_404(AdCampaign.objects.select_related("workspace"), form_id=form_id)
    if not ad.form_enabled:
        raise Http404
    return ad


@csrf_exempt
@xframe_options_exempt
@never_cache
def lead_form(request: HttpRequest, form_id: str) -> HttpResponse:
    """GET shows the form; POST records the lead. CSRF-exempt: see postroom.crm.services.public."""
    ad = _campaign(form_id)
    source = request.POST if request.method == "POST" else request.GET
    utm = {name: source.get(name, "")[:200] for name in UTM_FIELDS}
    initial = {
        "visitor": request.GET.get("pr_v", "")[:64],
        "token": form_token_make(ad_campaign=ad),
    }
    form = PublicLeadForm(request.POST or None, initial=initial)
    context = {"ad": ad, "form": form, "utm": utm}
    if request.method != "POST":
        return render(request, "crm/public/lead_form.html", context)
    if not form.is_valid():
        return render(request, "crm/public/lead_form.html", context, status=400)
    data = form.cleaned_data
    if not form_token_valid(ad_campaign=ad, token=data["token"]):
        context["expired"] = True
        form = PublicLeadForm(initial=initial | {"name": data["name"], "email": data["email"]})
        return render(request, "crm/public/lead_form.html", context | {"form": form}, status=400)
    if not lead_form_allowed(ad_campaign=ad, client=_client(request), email=data["email"]):
        return render(
            request, "crm/public/lead_form.html", context | {"throttled": True}, status=429
        )
    if not data["website"]:
        lead_form_submit(
            ad_campaign=ad,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            company=data["company"],
            notes=data["message"],
            visitor=data["visitor"],
            utm=Utm(**{name[4:]: value for name, value in utm.items()}),
        )
    return render(request, "crm/public/thanks.html", {"ad": ad})


@never_cache
def lead_form_embed(request: HttpRequest, form_id: str) -> HttpResponse:
    """A script that puts the form in an iframe, passing on the page's pr_v and UTM parameters."""
    ad = _campaign(form_id)
    url = request.build_absolute_uri(reverse("crm_lead_form", args=[ad.form_id]))
    # A JSON string literal is a valid JavaScript one.
    context = {"url_json": json.dumps(url)}
    response = render(request, "crm/public/embed.js", context, content_type="text/javascript")
    response["Access-Control-Allow-Origin"] = "*"
    return response
