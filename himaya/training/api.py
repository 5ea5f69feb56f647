"""Training centre API: the catalogue, sessions, nominations and certificate verification.

Same policy and services as the pages. Verification here is for partner systems holding a token;
the public, sign-in-free check is the page the certificate's QR code opens.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.accounts.models import User
from himaya.api.schema import ApiAutoSchema
from himaya.training import selectors, services
from himaya.training.models import Course, CourseModule, Nomination, Session


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseModule
        fields = ["position", "title_ar", "title_en", "outcomes_ar", "outcomes_en"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    modules = ModuleSerializer(many=True, read_only=True)
    prerequisites: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title_ar",
            "title_en",
            "summary_ar",
            "summary_en",
            "level",
            "validity_months",
            "attendance_threshold",
            "pass_mark",
            "requires_supervised_delivery",
            "qualifies_first_responder",
            "prerequisites",
            "modules",
        ]
        read_only_fields = fields


class CourseListSerializer(serializers.Serializer):
    results = CourseSerializer(many=True)


class SessionSerializer(serializers.ModelSerializer):
    course: serializers.SlugRelatedField = serializers.SlugRelatedField(read_only=True, slug_field="code")
    enrolled = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "course",
            "starts_on",
            "ends_on",
            "venue",
            "online",
            "language",
            "capacity",
            "enrolled",
            "partners",
            "published",
            "cancelled_at",
        ]
        read_only_fields = fields


class SessionListSerializer(serializers.Serializer):
    results = SessionSerializer(many=True)


class NominationSerializer(serializers.ModelSerializer):
    participant_name = serializers.CharField(source="participant.full_name", read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "session", "participant", "participant_name", "agency", "status", "nominated_at"]
        read_only_fields = fields


class NominationListSerializer(serializers.Serializer):
    results = NominationSerializer(many=True)


class NominationInputSerializer(serializers.Serializer):
    participant = serializers.IntegerField(help_text="The staff account to nominate (your own agency's).")


CERTIFICATE_STATUSES = [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")]


class VerificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CERTIFICATE_STATUSES)
    holder = serializers.CharField()
    course_ar = serializers.CharField()
    course_en = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class CourseListView(APIView):
    """The catalogue of active courses, with modules, levels, prerequisites and certification rules."""

    schema = ApiAutoSchema()

    @extend_schema(responses=CourseListSerializer, operation_id="training_courses_list")
    def get(self, request: Request) -> Response:
        rows = selectors.course_list(actor=request.user)
        return Response({"results": CourseSerializer(rows, many=True).data})


class SessionListView(APIView):
    """Sessions (newest first)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=SessionListSerializer, operation_id="training_sessions_list")
    def get(self, request: Request) -> Response:
        rows = selectors.session_list(actor=request.user)[:500]
        return Response({"results": SessionSerializer(rows, many=True).data})


class SessionDetailView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=SessionSerializer, operation_id="training_sessions_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        policy.get_for(request.user, Session, pk)
        row = selectors.session_list(actor=request.user).get(pk=pk)
        return Response(SessionSerializer(row).data)


class SessionNominationsView(APIView):
    """The session's nominations the caller may see (GET), or nominate a staff member (POST)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=NominationListSerializer, operation_id="training_nominations_list")
    def get(self, request: Request, pk: int) -> Response:
        session = policy.get_for(request.user, Session, pk)
        rows = selectors.roster(actor=request.user, session=session)
        return Response({"results": NominationSerializer(rows, many=True).data})

    @extend_schema(
        request=NominationInputSerializer,
        responses={201: NominationSerializer},
        operation_id="training_nominations_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        policy.require_permission(request.user, "training.nominate")
        session = policy.get_for(request.user, Session, pk)
        data = NominationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = _participant(request.user, data.validated_data["participant"])
        nomination = services.nomination_create(actor=request.user, session=session, participant=participant)
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


def _participant(actor: Any, pk: int) -> User:
    from django.utils.translation import gettext as _

    found = selectors.nominable_staff(actor=actor).filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({"participant": [_("Choose a staff member of your agency.")]})
    return found


class VerificationView(APIView):
    """Check a certificate by the token in its QR code: status, holder's name, course and dates only."""

    schema = ApiAutoSchema()

    @extend_schema(responses=VerificationSerializer, operation_id="training_certificate_verify")
    def get(self, request: Request, token: str) -> Response:
        from django.http import Http404
        from django.utils.translation import gettext as _

        from himaya.audit.services import audit_record

        found = selectors.verification_lookup(token)
        if found is None:
            raise Http404(_("Not found."))
        audit_record(actor=request.user, action="training.certificate.verify", object_type="training.certificate")
        return Response(
            VerificationSerializer(
                {
                    "status": found.status,
                    "holder": found.holder,
                    "course_ar": found.course_ar,
                    "course_en": found.course_en,
                    "issued_on": found.issued_on,
                    "expires_on": found.expires_on,
                }
            ).data
        )
