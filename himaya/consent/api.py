"""Consent API: list and record a person's consents, withdraw one. Through the policy and services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.agencies.models import Agency
from himaya.api.schema import ApiAutoSchema
from himaya.cases.models import Case
from himaya.consent import selectors, services
from himaya.consent.models import Consent, Purpose
from himaya.people.models import Person


class ConsentSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "case",
            "purpose",
            "recipient_agency",
            "given",
            "active",
            "language",
            "interpreter_used",
            "explained_by",
            "recorded_at",
            "retention_until",
            "withdrawn_at",
            "withdrawn_by",
        ]
        read_only_fields = fields


class ConsentListSerializer(serializers.Serializer):
    results = ConsentSerializer(many=True)


class ConsentInputSerializer(serializers.Serializer):
    case = serializers.IntegerField(required=False, allow_null=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    recipient_agency = serializers.IntegerField(required=False, allow_null=True)
    given = serializers.BooleanField()
    language = serializers.CharField(max_length=3, help_text="ISO 639 code of the explanation's language.")
    interpreter_used = serializers.BooleanField(required=False, default=False)
    retention_until = serializers.DateField(required=False, allow_null=True)


class PersonConsentsView(APIView):
    """A person's consent records (GET), or record a new decision for one purpose and recipient (POST)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=ConsentListSerializer, operation_id="person_consents_list")
    def get(self, request: Request, person_id: int) -> Response:
        person = policy.get_for(request.user, Person, person_id)
        rows = list(selectors.consents_for(actor=request.user, person=person))
        policy.audit_list(request.user, Consent, rows)
        return Response({"results": ConsentSerializer(rows, many=True).data})

    @extend_schema(
        request=ConsentInputSerializer,
        responses={201: ConsentSerializer},
        operation_id="person_consents_create",
    )
    def post(self, request: Request, person_id: int) -> Response:
        person = policy.get_for(request.user, Person, person_id, policy.CHANGE)
        data = ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        case_id = values.pop("case", None)
        agency_id = values.pop("recipient_agency", None)
        case = policy.get_for(request.user, Case, case_id) if case_id is not None else None
        agency = None
        if agency_id is not None:
            agency = policy.visible(request.user, Agency).filter(pk=agency_id).first()
            if agency is None:
                raise serializers.ValidationError({"recipient_agency": [_unknown_agency()]})
        consent = services.consent_record(
            actor=request.user, person=person, case=case, recipient_agency=agency, **values
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


def _unknown_agency() -> str:
    from django.utils.translation import gettext as _

    return _("Unknown agency.")


class ConsentWithdrawView(APIView):
    """The person withdraws this consent: access that relied on it ends from the next request."""

    schema = ApiAutoSchema()

    @extend_schema(request=None, responses=ConsentSerializer, operation_id="consent_withdraw")
    def post(self, request: Request, pk: int) -> Response:
        consent = selectors.consent_get(actor=request.user, pk=pk, action=policy.CHANGE)
        consent = services.consent_withdraw(actor=request.user, consent=consent)
        return Response(ConsentSerializer(consent).data)
