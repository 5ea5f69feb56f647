"""Referral API: inbox/outbox lists, one referral, sending, and the answer/work/close actions,
so a police or immigration system can create referrals and follow their status."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.agencies.models import Agency, ServiceType
from himaya.api.schema import ApiAutoSchema
from himaya.api.serializers import RejectUnknownFieldsMixin
from himaya.referrals import selectors, services
from himaya.referrals.models import Referral, ReferralEvent, ReferralState, Urgency


class ReferralEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralEvent
        fields = ["at", "from_state", "to_state"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    events = ReferralEventSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "case",
            "case_reference",
            "from_agency",
            "to_agency",
            "service_type",
            "urgency",
            "state",
            "reason",
            "decline_reason",
            "outcome",
            "sent_at",
            "answer_due_at",
            "answered_at",
            "closed_at",
            "escalated_at",
            "is_overdue",
            "events",
        ]
        read_only_fields = fields


class ReferralSendSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    to_agency = serializers.IntegerField(min_value=1)
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    reason = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class ReferralActionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    text = serializers.CharField(
        max_length=3000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reason (decline, cancel) or the outcome (complete).",
    )


class ReferralFilterSerializer(serializers.Serializer):
    box = serializers.ChoiceField(
        choices=[("inbox", "inbox"), ("outbox", "outbox")], required=False, allow_blank=True, default=""
    )
    state = serializers.ChoiceField(choices=ReferralState.choices, required=False, allow_blank=True, default="")


@extend_schema_view(get=extend_schema(parameters=[ReferralFilterSerializer]))
class ReferralListView(generics.ListCreateAPIView):
    """Referrals to (`box=inbox`) or from (`box=outbox`) the caller's agency; overdue first. POST sends one."""

    schema = ApiAutoSchema()
    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()

    def get_queryset(self) -> Any:
        selectors.require_referral_role(self.request.user)
        filters = ReferralFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.referral_list(actor=self.request.user, **filters.validated_data).prefetch_related("events")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        policy.audit_list(request.user, Referral, rows)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(request=ReferralSendSerializer, responses={201: ReferralSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ReferralSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = selectors.case_for_referral(actor=request.user, pk=values["case"])
        to_agency = policy.get_for(request.user, Agency, values["to_agency"])
        referral = services.referral_send(
            actor=request.user,
            case=case,
            to_agency=to_agency,
            service_type=values["service_type"],
            urgency=values["urgency"],
            reason=values["reason"],
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(generics.RetrieveAPIView):
    """One referral with its history (either agency)."""

    schema = ApiAutoSchema()
    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()

    def get_object(self) -> Referral:
        return selectors.referral_get(actor=self.request.user, pk=self.kwargs["pk"])


class ReferralActionView(APIView):
    """accept, decline (text = reason, required), start, complete (text = outcome, required) — the
    receiving agency; cancel (text = reason) — the referring agency."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=ReferralActionSerializer,
        responses={200: ReferralSerializer},
        operation_id="referrals_action",
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=list(services.TRANSITIONS), description="The step to take."
            )
        ],
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        referral = selectors.referral_get(actor=request.user, pk=pk, action=policy.CHANGE)
        data = ReferralActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_act(
            actor=request.user, referral=referral, action=action, text=data.validated_data["text"]
        )
        return Response(ReferralSerializer(referral).data)


class ReferralReconsiderationSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class ReferralReconsiderationView(APIView):
    """A support provider asks, through its open referral, for a negative identification decision on the
    person to be reconsidered (it never reads the case itself). Answers the referral."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=ReferralReconsiderationSerializer,
        responses={200: ReferralSerializer},
        operation_id="referrals_reconsideration",
    )
    def post(self, request: Request, pk: int) -> Response:
        from himaya.cases.services import reconsideration_request

        referral = selectors.referral_get(actor=request.user, pk=pk)
        if not selectors.may_reconsider(actor=request.user, referral=referral):
            policy.refuse(request.user, "reconsideration", referral)
        data = ReferralReconsiderationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reconsideration_request(actor=request.user, case=referral.case, reasons=data.validated_data["reasons"])
        referral.refresh_from_db()
        return Response(ReferralSerializer(referral).data)
