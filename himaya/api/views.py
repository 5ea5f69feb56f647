"""API endpoints. Thin: every object comes through the access policy, every write through a service."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.accounts.models import User
from himaya.agencies.models import Agency
from himaya.api import selectors
from himaya.api.pagination import AuditCursorPagination
from himaya.api.schema import ApiAutoSchema
from himaya.api.serializers import (
    AgencySerializer,
    AuditEventSerializer,
    AuditFilterSerializer,
    MeSerializer,
    PersonFilterSerializer,
    PersonSerializer,
    StaffSerializer,
)
from himaya.audit.models import AuditEvent
from himaya.people import selectors as people_selectors
from himaya.people import services as people_services
from himaya.people.models import Person


class MeView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        caller: Any = request.user
        user = User.objects.prefetch_related("roles").get(pk=caller.pk)
        return Response(MeSerializer(user).data)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of agencies taking part in the NRM, with the services they offer."""

    schema = ApiAutoSchema()
    serializer_class = AgencySerializer
    queryset = Agency.objects.none()  # the real rows come from the policy

    def get_queryset(self) -> Any:
        return policy.visible(self.request.user, Agency).prefetch_related("services").order_by("name_en", "pk")

    def get_object(self) -> Agency:
        return policy.get_for(self.request.user, Agency, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("document", str, description="Exact identity document number (blind index)."),
            OpenApiParameter("phone", str, description="Exact phone number, any format (blind index)."),
            OpenApiParameter("name", str, description="Exact full name or alias, either script (blind index)."),
        ]
    )
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People the caller's agency may see. Every list and read is audited (ids, never values)."""

    schema = ApiAutoSchema()
    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        filters = PersonFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return people_selectors.person_list(actor=self.request.user, **filters.validated_data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        policy.audit_list(request.user, Person, rows)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = people_selectors.person_get(actor=request.user, pk=kwargs["pk"])
        return Response(self.get_serializer(person).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = people_services.person_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = people_selectors.person_get(actor=request.user, pk=kwargs["pk"])
        serializer = self.get_serializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        person = people_services.person_update(actor=request.user, person=person, **serializer.validated_data)
        return Response(self.get_serializer(person).data)


@extend_schema(parameters=[AuditFilterSerializer])
class AuditEventListView(generics.ListAPIView):
    """The audit trail, newest first (auditors only). Browsing it is itself audited."""

    schema = ApiAutoSchema()
    serializer_class = AuditEventSerializer
    pagination_class = AuditCursorPagination
    queryset = AuditEvent.objects.none()

    def get_queryset(self) -> Any:
        policy.require_permission(self.request.user, "audit.browse")  # before validating: 404 for others
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.audit_event_list(actor=self.request.user, **filters.validated_data)


class StaffListView(generics.ListAPIView):
    """Staff accounts the caller administers: their own agency's (all agencies for system admins)."""

    schema = ApiAutoSchema()
    serializer_class = StaffSerializer
    queryset = User.objects.none()

    def get_queryset(self) -> Any:
        return selectors.staff_list(actor=self.request.user)
