"""Intake API: start a draft, save it step by step, submit it as a case.

The same services and checks as the wizard pages: a draft outside the caller's scope is 404;
a step that does not validate is 400 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from himaya.access import policy
from himaya.api.schema import ApiAutoSchema
from himaya.intake import selectors, services, steps
from himaya.intake.models import IntakeDraft


class DraftSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = IntakeDraft
        fields = ["id", "reference", "owner", "agency", "current_step", "steps", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_steps(self, draft: IntakeDraft) -> dict[str, Any]:
        return draft.steps


class SubmittedSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    reference = serializers.CharField()


class IntakeDraftViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Unsubmitted intake drafts the caller may resume (their own; a supervisor's agency's)."""

    schema = ApiAutoSchema()
    serializer_class = DraftSerializer
    queryset = IntakeDraft.objects.none()

    def get_queryset(self) -> Any:
        return selectors.draft_list(actor=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not selectors.may_start_intake(request.user):
            policy.require_permission(request.user, "intake.start")  # held by no one: an audited 404
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        policy.audit_list(request.user, IntakeDraft, rows)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(selectors.draft_get(actor=request.user, pk=kwargs["pk"])).data)

    @extend_schema(request=None, responses={201: DraftSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.data:
            raise ApiValidationError({"non_field_errors": ["A new draft takes no body; save steps one by one."]})
        draft = services.draft_create(actor=request.user)
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: DraftSerializer},
        operation_id="intake_drafts_save_step",
        parameters=[OpenApiParameter("step", int, OpenApiParameter.PATH, description="Step 1 to 5.")],
    )
    @action(detail=True, methods=["put"], url_path=r"steps/(?P<step>[0-9]+)", url_name="step")
    def save_step(self, request: Request, pk: Any = None, step: str = "") -> Response:
        draft = selectors.draft_get(actor=request.user, pk=pk)
        number = int(step)
        if number not in steps.TITLES or number == steps.LAST:
            raise ApiValidationError({"step": ["Steps 1 to 5 can be saved; step 6 is the submission."]})
        if not isinstance(request.data, dict):
            raise ApiValidationError({"non_field_errors": ["Send the step's values as a JSON object."]})
        services.draft_save_step(actor=request.user, draft=draft, step=number, data=dict(request.data))
        return Response(self.get_serializer(draft).data)

    @extend_schema(request=None, responses={201: SubmittedSerializer}, operation_id="intake_drafts_submit")
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit")
    def submit(self, request: Request, pk: Any = None) -> Response:
        draft = selectors.draft_get(actor=request.user, pk=pk)
        case = services.draft_submit(actor=request.user, draft=draft)
        return Response({"case": case.pk, "reference": case.reference}, status=status.HTTP_201_CREATED)
