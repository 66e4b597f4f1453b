"""Mailing lists as users manage them."""

from postroom.accounts.models import Workspace
from postroom.audience.models import MailingList
from postroom.core.unset import UNSET, Unset, fields_assign, fields_given


def mailing_list_create(
    *,
    workspace: Workspace,
    name: str,
    description: str | Unset = UNSET,
    opt_in: str | Unset = UNSET,
    is_public: bool | Unset = UNSET,
    public_archive: bool | Unset = UNSET,
) -> MailingList:
    """A new list; fields left UNSET take the model's defaults."""
    return MailingList.objects.create(
        workspace=workspace,
        name=name,
        **fields_given(
            description=description,
            opt_in=opt_in,
            is_public=is_public,
            public_archive=public_archive,
        ),
    )


def mailing_list_update(
    *,
    mailing_list: MailingList,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    opt_in: str | Unset = UNSET,
    is_public: bool | Unset = UNSET,
    public_archive: bool | Unset = UNSET,
) -> MailingList:
    """Change the fields given; those left UNSET keep their value."""
    fields_assign(
        mailing_list,
        name=name,
        description=description,
        opt_in=opt_in,
        is_public=is_public,
        public_archive=public_archive,
    )
    mailing_list.save()
    return mailing_list


def mailing_list_delete(*, mailing_list: MailingList) -> None:
    mailing_list.delete()
