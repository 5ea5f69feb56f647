"""Shapes of the API's resources. Serializers only shape and type-check; writes go through services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from himaya.accounts.models import User
from himaya.agencies.models import Agency, AgencyService
from himaya.audit.models import AuditEvent
from himaya.people.models import Gender, Person


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "agency", "roles", "language"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user: User) -> list[str]:
        # Reads the prefetched rows when the view prefetched them (no query per user).
        return sorted(r.role for r in user.roles.all())


class StaffSerializer(MeSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "agency", "roles", "language", "job_title", "is_active", "is_integration"]
        read_only_fields = fields


class AgencyServiceSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(), source="language_codes", read_only=True)

    class Meta:
        model = AgencyService
        fields = ["service_type", "languages", "capacity_note", "opening_hours"]
        read_only_fields = fields


class AgencySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    services = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "name_ar",
            "name_en",
            "type",
            "parent",
            "country",
            "email",
            "phone",
            "address_ar",
            "address_en",
            "website",
            "services",
        ]
        read_only_fields = fields

    @extend_schema_field(AgencyServiceSerializer(many=True))
    def get_services(self, agency: Agency) -> list[dict[str, Any]]:
        active = [s for s in agency.services.all() if s.is_active]
        return AgencyServiceSerializer(active, many=True).data  # type: ignore[return-value]


class RejectUnknownFieldsMixin:
    """A misspelt field name is an error, not silently ignored (read-only fields may be sent back)."""

    initial_data: Any
    fields: Any

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().validate(attrs)  # type: ignore[misc]


class PersonSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """A person the NRM protects. Document number and phone are searchable only by exact value."""

    reference = serializers.CharField(read_only=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    given_name_latin = serializers.CharField(required=False, allow_blank=True, max_length=120)
    family_name_latin = serializers.CharField(required=False, allow_blank=True, max_length=120)
    full_name_arabic = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=2, min_length=2)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    nationalities = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="ISO 3166 codes, comma-separated, primary first."
    )
    primary_language = serializers.CharField(required=False, allow_blank=True, max_length=3)
    other_languages = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text="ISO 639 codes, comma-separated."
    )
    birth_year = serializers.CharField(
        required=False, allow_blank=True, max_length=4, help_text="Only when the date of birth is not known."
    )
    birth_year_estimated = serializers.BooleanField(required=False)
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    guardian_contact = serializers.CharField(required=False, allow_blank=True, max_length=200)
    best_interest_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Person
        fields = [
            "id",
            "reference",
            "owner_agency",
            "given_name_latin",
            "family_name_latin",
            "full_name_arabic",
            "date_of_birth",
            "gender",
            "nationality",
            "document_number",
            "phone",
            "nationalities",
            "primary_language",
            "other_languages",
            "birth_year",
            "birth_year_estimated",
            "guardian_name",
            "guardian_contact",
            "best_interest_note",
            "address",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "reference", "owner_agency", "created_at", "updated_at"]


class AuditEventSerializer(serializers.ModelSerializer):
    # Named `fields` in the output; the method must not shadow Serializer.get_fields.
    fields = serializers.SerializerMethodField(method_name="field_names")  # type: ignore[assignment]

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_id",
            "actor_agency_id",
            "action",
            "object_type",
            "object_id",
            "owner_agency_id",
            "request_id",
            "fields",
            "outcome",
            "detail",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def field_names(self, event: AuditEvent) -> list[str]:
        return [f for f in event.fields.split(",") if f]


class AuditFilterSerializer(serializers.Serializer):
    action = serializers.CharField(required=False, allow_blank=True, max_length=64)
    actor = serializers.IntegerField(required=False, min_value=1, source="actor_id", help_text="A staff member's id.")
    object_type = serializers.CharField(required=False, allow_blank=True, max_length=64)
    object_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class PersonFilterSerializer(serializers.Serializer):
    document = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
