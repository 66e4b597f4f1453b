"""A campaign's experiment over the API: configure it, read its results, pick the winner.

Routed under the campaign (`/campaigns/{id}/experiment/`, `/pick-winner/`) by
`postroom.api.urls`; experiments sit above campaigns, so the campaign's own
viewset does not import them.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from postroom.accounts.rest import WorkspaceViewSet, api_membership
from postroom.accounts.roles import Perm
from postroom.campaigns.models import Campaign
from postroom.experiments.report import experiment_report
from postroom.experiments.serializers import (
    ExperimentReportSerializer,
    ExperimentSerializer,
    PickedSerializer,
    PickWinnerSerializer,
)
from postroom.experiments.services import (
    ExperimentInput,
    VariantInput,
    experiment_remove,
    experiment_save,
    round_pick_winner,
)


def _variant_input(data: dict[str, Any]) -> VariantInput:
    message = data.get("message")
    return VariantInput(
        subject=data.get("subject", ""),
        preheader=data.get("preheader", ""),
        from_name=data.get("from_name", ""),
        message_id=message.pk if message is not None else None,
        send_time=data.get("send_time"),
    )


class CampaignExperimentApi(WorkspaceViewSet):
    """The experiment of one campaign of the request's workspace."""

    model = Campaign
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.CAMPAIGN_CHANGE
    http_method_names = ["get", "put", "delete", "post", "head", "options"]

    def get_serializer_class(self) -> type[Serializer]:
        # What OPTIONS describes for each action's body.
        return PickWinnerSerializer if self.action == "pick_winner" else ExperimentSerializer

    @extend_schema(
        methods=["GET"],
        responses={200: ExperimentReportSerializer},
        description="The configuration, each variant's results with 95 % intervals and "
        "probability of being the best, the holdout's lift, the decision and the waves.",
    )
    @extend_schema(
        methods=["PUT"], request=ExperimentSerializer, responses={200: ExperimentReportSerializer}
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["get", "put", "delete"])
    def experiment(self, request: Request, pk: str) -> Response:
        campaign = self.get_object()
        membership = api_membership(request)
        if request.method == "DELETE":
            experiment_remove(actor=membership, campaign=campaign)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method == "PUT":
            serializer = ExperimentSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            variants = [_variant_input(v) for v in data.pop("variants")]
            experiment_save(
                actor=membership,
                campaign=campaign,
                config=ExperimentInput(**data),
                variants=variants,
            )
        report = experiment_report(campaign)
        if report is None:
            raise exceptions.NotFound("This campaign has no experiment.")
        return Response(ExperimentReportSerializer(report).data)

    @extend_schema(request=PickWinnerSerializer, responses={200: PickedSerializer})
    @action(detail=True, methods=["post"], url_path="pick-winner")
    def pick_winner(self, request: Request, pk: str) -> Response:
        """Send the rest of the current run's audience the chosen variant."""
        campaign = self.get_object()
        serializer = PickWinnerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        released = round_pick_winner(
            actor=api_membership(request),
            campaign=campaign,
            number=serializer.validated_data["variant"],
        )
        return Response({"released": released})
