"""Case API: list/read cases, move them along the workflow, record decisions, read the timeline.

Same policy as the pages: a case outside the caller's scope is 404; refusals are 400 with a
translated message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from himaya.access import policy
from himaya.api.schema import ApiAutoSchema
from himaya.api.serializers import RejectUnknownFieldsMixin
from himaya.cases import selectors, services
from himaya.cases.models import STAGE_CHOICES, Case, Category, DecidingOrg, Decision, DecisionKind, DecisionOutcome
from himaya.cases.timeline import describe
from himaya.clocks.workflow import Event


class CaseSerializer(serializers.ModelSerializer):
    decision_due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "person",
            "owner_agency",
            "assigned_to",
            "stage",
            "status",
            "category",
            "is_child",
            "safety_risk",
            "medical_urgent",
            "child_present",
            "referred_on",
            "rg_due",
            "recovery_ends",
            "cg_due",
            "move_on_ends",
            "decision_due",
            "overdue",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_decision_due(self, case: Case) -> Any:
        return selectors.decision_due(case)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, case: Case) -> bool:
        return selectors.is_overdue(selectors.decision_due(case))


class CaseFilterSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=STAGE_CHOICES, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    urgent = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(required=False, default=False)


class TransitionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    event = serializers.ChoiceField(choices=[(e.value, e.value) for e in Event])
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AssignmentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    assigned_to = serializers.IntegerField(allow_null=True, help_text="A staff id of the owning agency, or null.")


class ReconsiderationInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class DecisionInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    deciding_org = serializers.ChoiceField(choices=DecidingOrg.choices)
    reasons = serializers.CharField(max_length=5000)


class DecisionSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="case.stage", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "case", "kind", "outcome", "deciding_org", "reasons", "decided_by", "decided_at", "stage"]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    text = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, entry: Any) -> str:
        return describe(entry)


@extend_schema_view(list=extend_schema(parameters=[CaseFilterSerializer]))
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases the caller may see: their agency's, and (for NRM coordinators) every case referred into the NRM."""

    schema = ApiAutoSchema()
    serializer_class = CaseSerializer
    queryset = Case.objects.none()

    def get_queryset(self) -> Any:
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.case_list(actor=self.request.user, filters=selectors.CaseFilters(**filters.validated_data))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        policy.audit_list(request.user, Case, rows)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = selectors.case_get(actor=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(case).data)

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer}, operation_id="cases_transition")
    @action(detail=True, methods=["post"], url_path="transitions", url_name="transitions")
    def transitions(self, request: Request, pk: Any = None) -> Response:
        case = selectors.case_get(actor=request.user, pk=pk, audit=False)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_transition(actor=request.user, case=case, **body.validated_data)
        return Response(CaseSerializer(case).data)

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer}, operation_id="cases_decide")
    @action(detail=True, methods=["post"], url_path="decisions", url_name="decisions")
    def decisions(self, request: Request, pk: Any = None) -> Response:
        case = selectors.case_get(actor=request.user, pk=pk, audit=False)
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = services.decision_record(actor=request.user, case=case, **body.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentSerializer, responses={200: CaseSerializer}, operation_id="cases_assign")
    @action(detail=True, methods=["post"], url_path="assignment", url_name="assignment")
    def assignment(self, request: Request, pk: Any = None) -> Response:
        case = selectors.case_get(actor=request.user, pk=pk, audit=False)
        policy.require(request.user, "transition", case)
        body = AssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["assigned_to"]
        assignee = None
        if wanted is not None:
            staff = {u.pk: u for u in selectors.assignable_staff(actor=request.user, case=case)}
            assignee = staff.get(wanted)
            if assignee is None:
                raise serializers.ValidationError(
                    {"assigned_to": [_("Choose an active colleague of the owning agency who works on cases.")]}
                )
        case = services.case_assign(actor=request.user, case=case, assignee=assignee)
        return Response(CaseSerializer(case).data)

    @extend_schema(
        request=ReconsiderationInputSerializer, responses={200: CaseSerializer}, operation_id="cases_reconsideration"
    )
    @action(detail=True, methods=["post"], url_path="reconsideration", url_name="reconsideration")
    def reconsideration(self, request: Request, pk: Any = None) -> Response:
        case = selectors.case_get(actor=request.user, pk=pk, audit=False)
        body = ReconsiderationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.reconsideration_request(actor=request.user, case=case, reasons=body.validated_data["reasons"])
        return Response(CaseSerializer(case).data)

    @extend_schema(responses={200: TimelineEntrySerializer(many=True)}, operation_id="cases_timeline")
    @action(detail=True, methods=["get"], url_path="timeline", url_name="timeline", pagination_class=None)
    def timeline(self, request: Request, pk: Any = None) -> Response:
        case = selectors.case_get(actor=request.user, pk=pk)
        return Response(TimelineEntrySerializer(selectors.timeline(case=case), many=True).data)
