from typing import Any

from postroom.accounts.models import Workspace
from postroom.audience.models import MailingList


def mailing_list_create(*, workspace: Workspace, **fields: Any) -> MailingList:
    return MailingList.objects.create(workspace=workspace, **fields)


def mailing_list_update(*, mailing_list: MailingList, **fields: Any) -> MailingList:
    for name, value in fields.items():
        setattr(mailing_list, name, value)
    mailing_list.save()
    return mailing_list


def mailing_list_delete(*, mailing_list: MailingList) -> None:
    mailing_list.delete()
