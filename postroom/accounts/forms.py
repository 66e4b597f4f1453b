from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from postroom.accounts.roles import Role, role_can_grant
from postroom.core.zones import zone_names


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=lambda: [(z, z) for z in zone_names()],
        help_text=_("Times in the app are shown in this zone; your browser's until you choose."),
    )


class BrowserZoneForm(forms.Form):
    """What the page script posts on a first visit: the browser's own zone."""

    time_zone = forms.CharField(max_length=64)


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class WorkspaceSettingsForm(WorkspaceForm):
    campaigns_need_approval = forms.BooleanField(
        label=_("Campaigns need approval"),
        required=False,
        help_text=_("An approver must approve each campaign before it is sent."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: Any, granter_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [
            (v, label) for v, label in Role.choices if role_can_grant(granter_role, v)
        ]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
