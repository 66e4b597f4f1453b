"""The subscriber filter shared by the table, bulk actions and export."""

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from postroom.accounts.models import Workspace
from postroom.audience.models import Segment, Subscriber
from postroom.audience.selectors import subscriber_list
from postroom.core.tenancy import get_scoped_or_404


@dataclass
class SubscriberFilter:
    search: str = ""
    status: str = ""
    list: int | None = None
    segment: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> "SubscriberFilter":
        def number(name: str) -> int | None:
            value = query.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(
            search=query.get("q", "").strip(),
            status=query.get("status", ""),
            list=number("list"),
            segment=number("segment"),
        )

    def queryset(self, workspace: Workspace) -> QuerySet[Subscriber]:
        segment = get_scoped_or_404(Segment, workspace, pk=self.segment) if self.segment else None
        if self.list is not None:
            from postroom.audience.models import MailingList

            get_scoped_or_404(MailingList, workspace, pk=self.list)
        return subscriber_list(
            workspace=workspace,
            search=self.search,
            status=self.status,
            list_id=self.list,
            segment=segment,
        )

    def as_task_args(self) -> dict[str, Any]:
        return asdict(self)

    def querystring(self) -> str:
        query = QueryDict(mutable=True)
        for key, value in (
            ("q", self.search),
            ("status", self.status),
            ("list", self.list),
            ("segment", self.segment),
        ):
            if value not in ("", None):
                query[key] = str(value)
        return query.urlencode()


def request_filter(request: HttpRequest) -> SubscriberFilter:
    return SubscriberFilter.from_query(request.GET if request.method == "GET" else request.POST)
