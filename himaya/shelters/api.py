"""Shelter API: facilities and their beds, national occupancy, stays, and the admission, transfer,
absence and discharge actions. A lost race for a bed answers 409 with the translated message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
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
    PRIORITY_CHOICES,
    Absence,
    AbsenceReason,
    Accessibility,
    Bed,
    Destination,
    DischargeReason,
    EndKind,
    Group,
    Room,
    Shelter,
    Stay,
    WaitingEntry,
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


# --- Facility management: shelters, rooms and beds (the operator's supervisors and admins) ----
class CapacitySerializer(serializers.Serializer):
    """Beds wanted (in service) per group; groups left out are not changed."""

    women = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False)
    men = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False)
    children_with_carer = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False)
    boys = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False)
    girls = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown group.")] for name in sorted(unknown)}  # type: ignore[misc]
                )
        return super().to_internal_value(data)


class ShelterWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name_ar = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200)
    address_ar = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    address_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=Accessibility.choices), required=False, default=list
    )
    capacity = CapacitySerializer(required=False, default=dict)


class ManagedShelterSerializer(ShelterSerializer):
    """A shelter with its capacity: beds in service per group."""

    capacity = serializers.SerializerMethodField()

    class Meta(ShelterSerializer.Meta):
        fields = [*ShelterSerializer.Meta.fields, "is_active", "capacity"]
        read_only_fields = fields

    @extend_schema_field(CapacitySerializer)
    def get_capacity(self, shelter: Shelter) -> dict[str, int]:
        return selectors.capacity_of(shelter)


class ManagedShelterListView(APIView):
    """The shelters the caller manages (GET), or create one operated by the caller's agency (POST)."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: ManagedShelterSerializer(many=True)}, operation_id="shelters_managed_list")
    def get(self, request: Request) -> Response:
        selectors.require_facility_manager(request.user)
        shelters = selectors.managed_shelters(actor=request.user)
        return Response(ManagedShelterSerializer(shelters, many=True).data)

    @extend_schema(
        request=ShelterWriteSerializer, responses={201: ManagedShelterSerializer}, operation_id="shelters_create"
    )
    def post(self, request: Request) -> Response:
        if not policy.can_create(request.user, Shelter):
            selectors.require_facility_manager(request.user)
            raise exceptions.NotFound()
        body = ShelterWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        shelter = services.shelter_create(actor=request.user, **body.validated_data)
        return Response(ManagedShelterSerializer(shelter).data, status=status.HTTP_201_CREATED)


class ManagedShelterView(APIView):
    """One shelter the caller manages (GET) or change it (PUT: names, address, accessibility, capacity)."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: ManagedShelterSerializer}, operation_id="shelters_managed_get")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ManagedShelterSerializer(selectors.shelter_to_manage(actor=request.user, pk=pk)).data)

    @extend_schema(
        request=ShelterWriteSerializer, responses={200: ManagedShelterSerializer}, operation_id="shelters_update"
    )
    def put(self, request: Request, pk: int) -> Response:
        shelter = selectors.shelter_to_manage(actor=request.user, pk=pk)
        body = ShelterWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.shelter_update(actor=request.user, shelter=shelter, **body.validated_data)
        return Response(ManagedShelterSerializer(updated).data)


class ShelterActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField(
        help_text="false closes the shelter (refused while it has residents); true reopens it."
    )


class ManagedShelterActiveView(APIView):
    """Close a shelter the caller manages, or open it again; nobody is admitted to a closed shelter."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=ShelterActiveSerializer, responses={200: ManagedShelterSerializer}, operation_id="shelters_set_active"
    )
    def post(self, request: Request, pk: int) -> Response:
        shelter = selectors.shelter_to_manage(actor=request.user, pk=pk)
        body = ShelterActiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.shelter_set_active(actor=request.user, shelter=shelter, active=body.validated_data["active"])
        return Response(ManagedShelterSerializer(updated).data)


class RoomSerializer(serializers.ModelSerializer):
    accessibility = serializers.ListField(child=serializers.CharField(), source="accessibility_codes", read_only=True)
    beds = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = ["id", "shelter", "name", "group", "accessibility", "beds"]
        read_only_fields = fields

    def get_beds(self, room: Room) -> int:
        return Bed.objects.in_service().filter(room=room).count()


class RoomWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=60)
    group = serializers.ChoiceField(choices=Group.choices)
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=Accessibility.choices), required=False, default=list
    )


class RoomCreateSerializer(RoomWriteSerializer):
    beds = serializers.IntegerField(min_value=0, max_value=services.MAX_BEDS_PER_GROUP, required=False, default=0)


class ShelterRoomsView(APIView):
    """The rooms of a shelter (facility data, every member of staff), or add one (its managers)."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: RoomSerializer(many=True)}, operation_id="shelters_rooms_list")
    def get(self, request: Request, pk: int) -> Response:
        shelter = selectors.shelter_get(actor=request.user, pk=pk)
        rooms = policy.visible(request.user, Room).filter(shelter=shelter).order_by("name", "pk")
        return Response(RoomSerializer(rooms, many=True).data)

    @extend_schema(request=RoomCreateSerializer, responses={201: RoomSerializer}, operation_id="shelters_room_create")
    def post(self, request: Request, pk: int) -> Response:
        shelter = selectors.shelter_to_manage(actor=request.user, pk=pk)
        body = RoomCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        room = services.room_create(actor=request.user, shelter=shelter, **body.validated_data)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomView(APIView):
    """One room (GET) or change its name, group or accessibility (PUT, its managers)."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: RoomSerializer}, operation_id="shelters_room_get")
    def get(self, request: Request, pk: int) -> Response:
        return Response(RoomSerializer(policy.get_for(request.user, Room, pk)).data)

    @extend_schema(request=RoomWriteSerializer, responses={200: RoomSerializer}, operation_id="shelters_room_update")
    def put(self, request: Request, pk: int) -> Response:
        room = selectors.room_to_manage(actor=request.user, pk=pk)
        body = RoomWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(RoomSerializer(services.room_update(actor=request.user, room=room, **body.validated_data)).data)


class AddBedsSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_BEDS_PER_GROUP)


class RoomBedsView(APIView):
    """Add beds to a room (labelled after the room)."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=AddBedsSerializer, responses={201: BedSerializer(many=True)}, operation_id="shelters_beds_add"
    )
    def post(self, request: Request, pk: int) -> Response:
        room = selectors.room_to_manage(actor=request.user, pk=pk)
        body = AddBedsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        beds = services.beds_add(actor=request.user, room=room, count=body.validated_data["count"])
        for bed in beds:
            bed.room = room
        return Response(BedSerializer(beds, many=True).data, status=status.HTTP_201_CREATED)


class BedLabelSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    # A declared field named like Field.label: DRF's metaclass takes it out of the class attributes.
    label = serializers.CharField(max_length=20)  # type: ignore[assignment]


class BedView(APIView):
    """Relabel a bed (its managers)."""

    schema = ApiAutoSchema()

    @extend_schema(request=BedLabelSerializer, responses={200: BedSerializer}, operation_id="shelters_bed_update")
    def put(self, request: Request, pk: int) -> Response:
        bed = selectors.bed_to_manage(actor=request.user, pk=pk)
        body = BedLabelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(BedSerializer(services.bed_update(actor=request.user, bed=bed, **body.validated_data)).data)


class BedRetireView(APIView):
    """Retire an empty bed for good (the capacity drops by one; its history stays)."""

    schema = ApiAutoSchema()

    @extend_schema(request=EmptySerializer, responses={200: BedSerializer}, operation_id="shelters_bed_retire")
    def post(self, request: Request, pk: int) -> Response:
        bed = selectors.bed_to_manage(actor=request.user, pk=pk)
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return Response(BedSerializer(services.bed_retire(actor=request.user, bed=bed)).data)


# --- The waiting list ------------------------------------------------------------------------
class WaitingEntrySerializer(serializers.ModelSerializer):
    referral_reference = serializers.CharField(source="referral.reference", read_only=True)

    class Meta:
        model = WaitingEntry
        fields = ["id", "referral", "referral_reference", "group", "priority", "added_at", "resolved_at", "resolution"]
        read_only_fields = fields


class WithdrawSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class PrioritySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=PRIORITY_CHOICES, help_text="0 child, 1 urgent safety, 2 high, 3 normal (lower goes first)."
    )


class WaitingListView(APIView):
    """The open waiting list of the caller's operator: children and urgent safety first."""

    schema = ApiAutoSchema()

    @extend_schema(responses={200: WaitingEntrySerializer(many=True)}, operation_id="shelters_waiting_list")
    def get(self, request: Request) -> Response:
        selectors.require_stay_role(request.user)
        return Response(WaitingEntrySerializer(selectors.waiting_list(actor=request.user), many=True).data)


class WaitingWithdrawView(APIView):
    """Take an entry off the waiting list, with the reason."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=WithdrawSerializer, responses={200: WaitingEntrySerializer}, operation_id="shelters_waiting_withdraw"
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.waiting_entry_get(actor=request.user, pk=pk)
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.waiting_withdraw(actor=request.user, entry=entry, reason=body.validated_data["reason"])
        return Response(WaitingEntrySerializer(entry).data)


class WaitingPriorityView(APIView):
    """Change an open entry's priority."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=PrioritySerializer, responses={200: WaitingEntrySerializer}, operation_id="shelters_waiting_priority"
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.waiting_entry_get(actor=request.user, pk=pk)
        body = PrioritySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.waiting_reprioritise(
            actor=request.user, entry=entry, priority=int(body.validated_data["priority"])
        )
        return Response(WaitingEntrySerializer(entry).data)
