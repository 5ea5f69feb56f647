"""Shelter API: facilities and their beds, national occupancy, stays, and the admission, transfer,
absence and discharge actions. A lost race for a bed answers 409 with the translated message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.api.schema import ApiAutoSchema
from himaya.api.serializers import RejectUnknownFieldsMixin
from himaya.cases.models import Case
from himaya.shelters import selectors, services
from himaya.shelters.models import (
    Absence,
    AbsenceReason,
    Bed,
    Destination,
    DischargeReason,
    EndKind,
    Group,
    Shelter,
    Stay,
)


class BedTakenConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "bed_taken"
    default_detail = _("This bed has just been taken by another admission. Nothing was saved: choose another bed.")


def _conflict_on_bed_taken(call: Any) -> Any:
    try:
        return call()
    except services.BedTaken as error:
        raise BedTakenConflict(detail=error.messages[0]) from None


class GroupCountSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=Group.choices)
    beds = serializers.IntegerField()
    closed = serializers.IntegerField()
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()


class ShelterSerializer(serializers.ModelSerializer):
    accessibility = serializers.ListField(child=serializers.CharField(), source="accessibility_codes", read_only=True)

    class Meta:
        model = Shelter
        fields = ["id", "code", "operator", "name_ar", "name_en", "address_ar", "address_en", "accessibility"]
        read_only_fields = fields


class OccupancySerializer(serializers.Serializer):
    shelter = ShelterSerializer()
    beds = serializers.IntegerField()
    closed = serializers.IntegerField()
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()
    percent = serializers.IntegerField()
    groups = serializers.SerializerMethodField()

    def get_groups(self, occupancy: Any) -> list[dict[str, Any]]:
        return GroupCountSerializer(list(occupancy.groups.values()), many=True).data  # type: ignore[return-value]

    get_groups = extend_schema(responses=GroupCountSerializer(many=True))(get_groups)  # type: ignore[assignment]


class BedSerializer(serializers.ModelSerializer):
    room = serializers.CharField(source="room.name", read_only=True)
    group = serializers.CharField(source="room.group", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Bed
        fields = ["id", "shelter", "room", "group", "label", "is_closed", "state"]
        read_only_fields = fields

    def get_state(self, bed: Bed) -> str:
        if bed.is_closed:
            return "closed"
        return "occupied" if bed.pk in self.context.get("occupied", set()) else "free"


class AbsenceSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "stay", "reason", "left_at", "expected_back", "returned_at", "note", "is_overdue"]
        read_only_fields = fields


class StaySerializer(serializers.ModelSerializer):
    """A stay. The referring agency gets the status; bed, absences and the note are the shelter's."""

    case_reference = serializers.CharField(source="case.reference", read_only=True)
    # Blank while the stay is open.
    end_kind = serializers.ChoiceField(choices=EndKind.choices, allow_blank=True, read_only=True)
    discharge_reason = serializers.ChoiceField(choices=DischargeReason.choices, allow_blank=True, read_only=True)
    destination = serializers.ChoiceField(choices=Destination.choices, allow_blank=True, read_only=True)
    bed = serializers.SerializerMethodField()
    discharge_note = serializers.SerializerMethodField()
    absences = serializers.SerializerMethodField()

    class Meta:
        model = Stay
        fields = [
            "id",
            "reference",
            "shelter",
            "bed",
            "case",
            "case_reference",
            "referral",
            "group",
            "admitted_at",
            "is_emergency",
            "needs_review",
            "transferred_from",
            "ended_at",
            "end_kind",
            "discharge_reason",
            "destination",
            "discharge_note",
            "absences",
        ]
        read_only_fields = fields

    def _staff(self, stay: Stay) -> bool:
        request = self.context.get("request")
        return request is not None and selectors.is_shelter_staff_for(request.user, stay)

    def get_bed(self, stay: Stay) -> int | None:
        return stay.bed_id if self._staff(stay) else None

    def get_discharge_note(self, stay: Stay) -> str | None:
        return stay.discharge_note if self._staff(stay) else None

    @extend_schema(responses=AbsenceSerializer(many=True))  # type: ignore[misc]
    def get_absences(self, stay: Stay) -> list[dict[str, Any]]:
        if not self._staff(stay):
            return []
        return AbsenceSerializer(stay.absences.all(), many=True).data  # type: ignore[return-value]


class AdmissionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    referral = serializers.IntegerField(min_value=1, help_text="An accepted shelter referral to your agency.")
    bed = serializers.IntegerField(min_value=1)


class EmergencySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    bed = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=3000)


class TransferSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    bed = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class AbsenceStartSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    expected_back = serializers.DateTimeField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class DischargeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.ChoiceField(choices=DischargeReason.choices)
    destination = serializers.ChoiceField(choices=Destination.choices)
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class CloseBedSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class EmptySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A body with no fields (any field sent is refused)."""


class ShelterListView(generics.ListAPIView):
    """Every active shelter (facility data; no personal data)."""

    schema = ApiAutoSchema()
    serializer_class = ShelterSerializer
    queryset = Shelter.objects.none()

    def get_queryset(self) -> Any:
        policy.require_permission(self.request.user, "shelters.national")
        return policy.visible(self.request.user, Shelter).order_by("name_en", "pk")


class ShelterDetailView(generics.RetrieveAPIView):
    schema = ApiAutoSchema()
    serializer_class = ShelterSerializer
    queryset = Shelter.objects.none()

    def get_object(self) -> Shelter:
        return selectors.shelter_get(actor=self.request.user, pk=self.kwargs["pk"])


class ShelterBedsView(generics.ListAPIView):
    """The beds of one shelter and whether each is free, occupied or closed (no residents named)."""

    schema = ApiAutoSchema()
    serializer_class = BedSerializer
    queryset = Bed.objects.none()
    pagination_class = None

    def get_queryset(self) -> Any:
        shelter = selectors.shelter_get(actor=self.request.user, pk=self.kwargs["pk"])
        return policy.visible(self.request.user, Bed).filter(shelter=shelter).select_related("room")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["occupied"] = set(
                selectors.open_stays().filter(shelter_id=self.kwargs["pk"]).values_list("bed_id", flat=True)
            )
        return context


class OccupancyView(APIView):
    """National occupancy: beds, closed, occupied and free per shelter and group."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: OccupancySerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = selectors.national_occupancy(actor=request.user)
        return Response(OccupancySerializer(rows, many=True).data)


class StayListView(generics.ListAPIView):
    """Stays the caller may see: residents of their shelters, or stays on their agency's referrals."""

    schema = ApiAutoSchema()
    serializer_class = StaySerializer
    queryset = Stay.objects.none()

    def get_queryset(self) -> Any:
        selectors.require_stay_role(self.request.user)
        return (
            policy.visible(self.request.user, Stay)
            .select_related("case", "shelter")
            .prefetch_related("absences")
            .order_by("-admitted_at", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        policy.audit_list(request.user, Stay, rows)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class StayDetailView(generics.RetrieveAPIView):
    schema = ApiAutoSchema()
    serializer_class = StaySerializer
    queryset = Stay.objects.none()

    def get_object(self) -> Stay:
        return selectors.stay_get(actor=self.request.user, pk=self.kwargs["pk"])


def _stay_response(request: Request, stay: Stay, code: int = status.HTTP_200_OK) -> Response:
    return Response(StaySerializer(stay, context={"request": request}).data, status=code)


class AdmissionView(APIView):
    """Admit the person of an accepted shelter referral into a free bed (409: the bed is gone)."""

    schema = ApiAutoSchema()

    @extend_schema(request=AdmissionSerializer, responses={201: StaySerializer}, operation_id="shelters_admit")
    def post(self, request: Request) -> Response:
        data = AdmissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = selectors.referral_for_admission(actor=request.user, pk=data.validated_data["referral"])
        bed = selectors.bed_for_staff(actor=request.user, pk=data.validated_data["bed"])
        stay = _conflict_on_bed_taken(lambda: services.stay_admit(actor=request.user, referral=referral, bed=bed))
        return _stay_response(request, stay, status.HTTP_201_CREATED)


class EmergencyAdmissionView(APIView):
    """Place a person of the caller's case in a free bed now; the shelter referral is created with
    it and the stay is flagged for the shelter's review."""

    schema = ApiAutoSchema()

    @extend_schema(request=EmergencySerializer, responses={201: StaySerializer}, operation_id="shelters_emergency")
    def post(self, request: Request) -> Response:
        data = EmergencySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = policy.get_for(request.user, Case, values["case"], policy.CHANGE)
        bed = selectors.bed_get(actor=request.user, pk=values["bed"])
        stay = _conflict_on_bed_taken(
            lambda: services.stay_admit_emergency(actor=request.user, case=case, bed=bed, reason=values["reason"])
        )
        return _stay_response(request, stay, status.HTTP_201_CREATED)


class TransferView(APIView):
    """Move a resident to a free bed in another of the operator's shelters; returns the new stay."""

    schema = ApiAutoSchema()

    @extend_schema(request=TransferSerializer, responses={201: StaySerializer}, operation_id="shelters_transfer")
    def post(self, request: Request, pk: int) -> Response:
        stay = selectors.stay_get(actor=request.user, pk=pk, action=policy.CHANGE)
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bed = selectors.bed_for_staff(actor=request.user, pk=data.validated_data["bed"])
        new = _conflict_on_bed_taken(
            lambda: services.stay_transfer(actor=request.user, stay=stay, bed=bed, note=data.validated_data["note"])
        )
        return _stay_response(request, new, status.HTTP_201_CREATED)


class AbsenceStartView(APIView):
    """Record a temporary absence (the resident keeps the bed)."""

    schema = ApiAutoSchema()

    @extend_schema(request=AbsenceStartSerializer, responses={201: AbsenceSerializer}, operation_id="shelters_absence")
    def post(self, request: Request, pk: int) -> Response:
        stay = selectors.stay_get(actor=request.user, pk=pk, action=policy.CHANGE)
        data = AbsenceStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        absence = services.absence_start(actor=request.user, stay=stay, **data.validated_data)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceReturnView(APIView):
    """The resident is back from a temporary absence."""

    schema = ApiAutoSchema()

    @extend_schema(request=EmptySerializer, responses={200: AbsenceSerializer}, operation_id="shelters_absence_return")
    def post(self, request: Request, pk: int) -> Response:
        absence = selectors.absence_get(actor=request.user, pk=pk)
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return Response(AbsenceSerializer(services.absence_return(actor=request.user, absence=absence)).data)


class DischargeView(APIView):
    """Discharge a resident with reason and destination: frees the bed, completes the referral."""

    schema = ApiAutoSchema()

    @extend_schema(request=DischargeSerializer, responses={200: StaySerializer}, operation_id="shelters_discharge")
    def post(self, request: Request, pk: int) -> Response:
        stay = selectors.stay_get(actor=request.user, pk=pk, action=policy.CHANGE)
        data = DischargeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _stay_response(request, services.stay_discharge(actor=request.user, stay=stay, **data.validated_data))


class BedCloseView(APIView):
    """Close an empty bed for maintenance (the operator's supervisors and administrators)."""

    schema = ApiAutoSchema()

    @extend_schema(request=CloseBedSerializer, responses={200: BedSerializer}, operation_id="shelters_bed_close")
    def post(self, request: Request, pk: int) -> Response:
        bed = policy.get_for(request.user, Bed, pk, policy.CHANGE)
        data = CloseBedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.bed_close(actor=request.user, bed=bed, reason=data.validated_data["reason"])
        bed.refresh_from_db()
        return Response(BedSerializer(bed).data)


class BedReopenView(APIView):
    """Reopen a bed closed for maintenance."""

    schema = ApiAutoSchema()

    @extend_schema(request=EmptySerializer, responses={200: BedSerializer}, operation_id="shelters_bed_reopen")
    def post(self, request: Request, pk: int) -> Response:
        bed = policy.get_for(request.user, Bed, pk, policy.CHANGE)
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return Response(BedSerializer(services.bed_reopen(actor=request.user, bed=bed)).data)
