import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.audience.models import MailingList, Segment
from postroom.campaigns.channels import channel_content
from postroom.campaigns.models import Campaign, Channel
from postroom.content.models import Message, MessageKind
from postroom.core.zones import zone_names

WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.ModelForm):
    """Start and end are entered as wall-clock times in the campaign's own time zone."""

    start_at = forms.DateTimeField(
        label=_("Start"), widget=_LOCAL, help_text=_("In the campaign's time zone.")
    )
    end_at = forms.DateTimeField(
        label=_("End"), widget=_LOCAL, required=False, help_text=_("In the campaign's time zone.")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in zone_names()])
    creative = forms.TypedChoiceField(
        label=_("Creative"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("What a push campaign sends."),
    )

    class Meta:
        model = Campaign
        fields = (
            "name",
            "channel",
            "message",
            "lists",
            "segment",
            "exclude_lists",
            "exclude_segment",
            "time_zone",
            "start_at",
            "end_at",
            "periodicity",
            "weekdays",
            "month_day",
            "send_time",
            "send_at_start",
            "window_start",
            "window_end",
            "priority",
            "track_opens",
            "track_clicks",
        )
        # The model's relations carry no verbose names (one would cost a migration): named here.
        labels = {
            "message": _("Message"),
            "lists": _("Lists"),
            "segment": _("Segment"),
            "exclude_lists": _("Exclude lists"),
            "exclude_segment": _("Exclude segment"),
        }
        widgets = {
            "lists": forms.CheckboxSelectMultiple,
            "exclude_lists": forms.CheckboxSelectMultiple,
            "send_time": forms.TimeInput(attrs={"type": "time"}),
            "window_start": forms.TimeInput(attrs={"type": "time"}),
            "window_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(
        self, *args: Any, workspace: Any, default_zone: str = "UTC", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new campaign starts in its author's zone, not the first of the list.
            self.initial["time_zone"] = default_zone
        self.fields["message"].queryset = Message.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, kind=MessageKind.CAMPAIGN
        )
        for name in ("lists", "exclude_lists"):
            self.fields[name].queryset = MailingList.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        for name in ("segment", "exclude_segment"):
            self.fields[name].queryset = Segment.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields[
            "channel"
        ].required = False  # email unless chosen (forms posted before it existed)
        self.fields["message"].required = False  # email's content: checked in clean()
        push = channel_content(Channel.PUSH)
        creative = self.fields["creative"]
        creative.choices = [("", "---------"), *(push.choices(workspace.pk) if push else [])]  # type: ignore[attr-defined]
        if push is not None and self.instance.pk:
            self.initial["creative"] = push.current(self.instance)
        if self.instance.pk:
            zone = ZoneInfo(self.instance.time_zone or "UTC")
            for name in ("start_at", "end_at"):
                value = getattr(self.instance, name)
                self.initial[name] = value.astimezone(zone).replace(tzinfo=None) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = ZoneInfo(data.get("time_zone") or "UTC")
        for name in ("start_at", "end_at"):
            value: dt.datetime | None = data.get(name)
            if value is not None:
                data[name] = value.replace(tzinfo=zone)
        data["channel"] = data.get("channel") or self.instance.channel or Channel.EMAIL
        if data["channel"] == Channel.PUSH:
            data["message"] = None  # a push campaign sends its creative
            if data.get("creative") is None:
                self.add_error("creative", _("A push campaign needs a creative."))
        elif data.get("message") is None and "message" not in self.errors:
            self.add_error("message", _("An email campaign needs a message."))
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisableForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
