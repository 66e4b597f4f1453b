"""Pages for subscribers, outside the app's log-in; every link carries a signed token."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from postroom.audience.forms import PublicSubscribeForm
from postroom.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from postroom.audience.services.public import (
    public_confirm,
    public_form_allowed,
    public_subscribe,
)
from postroom.audience.services.subscribers import subscriber_unsubscribe_all
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.signals import unsubscribed_by_link
from postroom.audience.tokens import (
    confirm_token_read,
    preferences_token_make,
    preferences_token_read,
    unsubscribe_token_read,
)
from postroom.core.network import client_address


def _ip(request: HttpRequest) -> str | None:
    # The API's rule: behind NUM_PROXIES proxies, each visitor has a bucket of their own.
    return client_address(request.META) or None


def public_list(request: HttpRequest, public_id: str) -> HttpResponse:
    # Public pages are found by an unguessable UUID, never by a sequential id.
    mailing_list = get_object_or_404(MailingList, public_id=public_id, is_public=True)
    form = PublicSubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not public_form_allowed(ip=_ip(request), email=form.cleaned_data["email"]):
            context = {"list": mailing_list, "form": form, "throttled": True}
            return render(request, "audience/public/list.html", context, status=429)
        if form.cleaned_data["website"]:  # a bot filled the hidden field: say yes, do nothing
            return render(
                request, "audience/public/subscribed.html", {"list": mailing_list, "double": True}
            )
        try:
            public_subscribe(
                mailing_list=mailing_list,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                ip=_ip(request),
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            # Double opt-in always answers "check your mail", already subscribed or not,
            # so the form cannot tell a stranger who is on the list.
            double = mailing_list.opt_in == "double"
            return render(
                request, "audience/public/subscribed.html", {"list": mailing_list, "double": double}
            )
    return render(request, "audience/public/list.html", {"list": mailing_list, "form": form})


def public_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    subscription_id = confirm_token_read(token)
    subscription = (
        Subscription.objects.select_related("subscriber", "mailing_list")
        .filter(pk=subscription_id)
        .first()
        if subscription_id
        else None
    )
    if subscription is None:
        return render(request, "audience/public/invalid.html", status=404)
    if request.method == "POST":
        public_confirm(subscription=subscription, ip=_ip(request))
        token = preferences_token_make(subscriber_id=subscription.subscriber_id)
        return render(
            request,
            "audience/public/confirmed.html",
            {"list": subscription.mailing_list, "preferences_token": token},
        )
    # Confirming takes a click: mail scanners that fetch links must not confirm.
    return render(request, "audience/public/confirm.html", {"list": subscription.mailing_list})


def _subscriber_from(token: str) -> Subscriber:
    subscriber_id = preferences_token_read(token)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first() if subscriber_id else None
    if subscriber is None:
        raise Http404
    return subscriber


def public_preferences(request: HttpRequest, token: str) -> HttpResponse:
    """A subscriber's lists: the public ones of the workspace and those they are on."""
    try:
        subscriber = _subscriber_from(token)
    except Http404:
        return render(request, "audience/public/invalid.html", status=404)
    subscriptions = {
        s.mailing_list_id: s for s in Subscription.objects.filter(subscriber=subscriber)
    }
    lists = MailingList.objects.filter(workspace_id=subscriber.workspace_id).filter(
        pk__in=list(subscriptions)
    ) | MailingList.objects.filter(workspace_id=subscriber.workspace_id, is_public=True)
    lists = lists.distinct().order_by("name")
    if request.method == "POST":
        if "unsubscribe_all" in request.POST:
            subscriber_unsubscribe_all(subscriber=subscriber, source="form", ip=_ip(request))
            messages.success(request, _("You are unsubscribed from everything."))
            return redirect("public_preferences", token=token)
        wanted = {int(i) for i in request.POST.getlist("lists") if i.isdigit()}
        for mailing_list in lists:
            current = subscriptions.get(mailing_list.pk)
            on = current is not None and current.status != SubscriptionStatus.UNSUBSCRIBED
            if mailing_list.pk in wanted and not on:
                # They asked for mail again: "unsubscribed from all" no longer holds.
                Suppression.objects.filter(
                    workspace_id=subscriber.workspace_id,
                    email=subscriber.email,
                    reason="unsubscribed",
                ).delete()
                subscription_set(
                    subscriber=subscriber,
                    mailing_list=mailing_list,
                    status=SubscriptionStatus.SUBSCRIBED,
                    source="form",
                    ip=_ip(request),
                )
            elif mailing_list.pk not in wanted and on:
                subscription_set(
                    subscriber=subscriber,
                    mailing_list=mailing_list,
                    status=SubscriptionStatus.UNSUBSCRIBED,
                    source="form",
                    ip=_ip(request),
                )
        messages.success(request, _("Your preferences are saved."))
        return redirect("public_preferences", token=token)
    rows = [
        {
            "list": m,
            "on": m.pk in subscriptions
            and subscriptions[m.pk].status != SubscriptionStatus.UNSUBSCRIBED,
        }
        for m in lists
    ]
    return render(
        request, "audience/public/preferences.html", {"subscriber": subscriber, "rows": rows}
    )


@csrf_exempt
def public_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe from one list (list 0: from everything); GET asks, POST does it.

    CSRF-exempt on purpose: RFC 8058 one-click unsubscribe is a POST by the
    recipient's mail provider, with no cookie and no form token. The signed
    token names the subscriber and the list; a forged one is refused.
    """
    ids = unsubscribe_token_read(token)
    subscriber = Subscriber.objects.filter(pk=ids[0]).first() if ids else None
    if ids is None or subscriber is None:
        return render(request, "audience/public/invalid.html", status=404)
    subscription = (
        Subscription.objects.select_related("mailing_list")
        .filter(subscriber=subscriber, mailing_list_id=ids[1])
        .first()
    )
    if ids[1] and subscription is None:
        return render(request, "audience/public/invalid.html", status=404)
    done = False
    if request.method == "POST":
        if subscription is None:
            subscriber_unsubscribe_all(subscriber=subscriber, source="form", ip=_ip(request))
        else:
            subscription_set(
                subscriber=subscriber,
                mailing_list=subscription.mailing_list,
                status=SubscriptionStatus.UNSUBSCRIBED,
                source="form",
                ip=_ip(request),
            )
        unsubscribed_by_link.send(sender=Subscriber, subscriber=subscriber, request=request)
        done = True
    return render(
        request,
        "audience/public/unsubscribe.html",
        {
            "list": subscription.mailing_list if subscription else None,
            "done": done,
            "preferences_token": preferences_token_make(subscriber_id=subscriber.pk),
        },
    )
