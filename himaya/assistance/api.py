"""Care API under /api/v1/assistance/: needs, the care plan and services, the legal file, the way
out, closure criteria, the immigration non-removal check, embassy return requests and reports.

Same policy as the pages: outside the caller's scope is 404; refusals are 400 with a translated
message in the one error shape (himaya/api/errors.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.agencies.models import Agency
from himaya.api.schema import ApiAutoSchema
from himaya.api.serializers import RejectUnknownFieldsMixin
from himaya.assistance import selectors, services
from himaya.assistance.models import (
    DOMAIN_CHOICES,
    ActionStatus,
    ActionType,
    CareAction,
    CareGoal,
    ClaimKind,
    ClaimStatus,
    Compensation,
    CourtAppointment,
    ExitPlan,
    FollowUp,
    FollowUpOutcome,
    HearingStatus,
    LabourClaim,
    LegalCounselling,
    NeedLevel,
    Occasion,
    Pathway,
    ServiceDelivery,
)
from himaya.cases.models import InvolvedParty
from himaya.referrals.models import Urgency


# --- Shapes -----------------------------------------------------------------------------------
class RatingSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=DOMAIN_CHOICES)
    level = serializers.ChoiceField(choices=NeedLevel.choices)
    note = serializers.CharField(allow_blank=True, max_length=2000, required=False, default="")


class RatingOutSerializer(RatingSerializer):
    before = serializers.IntegerField(allow_null=True)
    direction = serializers.ChoiceField(choices=[(d, d) for d in ("new", "improved", "worse", "same")])


class NeedsAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    occasion = serializers.ChoiceField(choices=Occasion.choices)
    assessed_on = serializers.DateField()
    assessed_by = serializers.IntegerField(source="assessed_by_id")
    ratings = RatingOutSerializer(many=True)


class NeedsAssessmentListSerializer(serializers.Serializer):
    results = NeedsAssessmentSerializer(many=True)


class NeedsAssessmentInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    occasion = serializers.ChoiceField(choices=Occasion.choices)
    assessed_on = serializers.DateField()
    ratings = RatingSerializer(many=True)


class ServiceDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceDelivery
        fields = [
            "id",
            "case",
            "action",
            "type",
            "agency",
            "delivered_by",
            "delivered_at",
            "duration_minutes",
            "language",
            "interpreter_used",
            "outcome",
        ]
        read_only_fields = fields


class CareActionSerializer(serializers.ModelSerializer):
    referral_reference = serializers.CharField(source="referral.reference", allow_null=True, default=None)

    class Meta:
        model = CareAction
        fields = [
            "id",
            "case",
            "goal",
            "type",
            "description",
            "responsible_agency",
            "referral",
            "referral_reference",
            "due_on",
            "status",
            "completed_at",
        ]
        read_only_fields = fields


class CareActionRowSerializer(serializers.Serializer):
    action = CareActionSerializer()
    overdue = serializers.BooleanField()
    services = ServiceDeliverySerializer(many=True)


class CareGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareGoal
        fields = ["id", "case", "description", "created_by", "created_at"]
        read_only_fields = fields


class CarePlanGoalSerializer(serializers.Serializer):
    goal = CareGoalSerializer()
    actions = CareActionRowSerializer(many=True)


class CarePlanSerializer(serializers.Serializer):
    goals = CarePlanGoalSerializer(many=True)


class GoalInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    description = serializers.CharField(max_length=1000)


class ActionInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    goal = serializers.IntegerField()
    type = serializers.ChoiceField(choices=ActionType.choices)
    responsible_agency = serializers.IntegerField()
    due_on = serializers.DateField()
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    service_type = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)


class StatusInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class ServiceInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    delivered_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440)
    language = serializers.CharField(max_length=3)
    interpreter_used = serializers.BooleanField(required=False, default=False)
    outcome = serializers.CharField(max_length=3000)


class ServiceListSerializer(serializers.Serializer):
    results = ServiceDeliverySerializer(many=True)


class CounsellingSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalCounselling
        fields = ["id", "case", "held_on", "counsellor", "agency", "language", "interpreter_used", "summary"]
        read_only_fields = fields


class LabourClaimSerializer(serializers.ModelSerializer):
    documents = serializers.SerializerMethodField()

    class Meta:
        model = LabourClaim
        fields = [
            "id",
            "case",
            "party",
            "kind",
            "amount",
            "currency",
            "period_from",
            "period_to",
            "status",
            "filed_on",
            "notes",
            "documents",
        ]
        read_only_fields = fields

    def get_documents(self, claim: LabourClaim) -> list[int]:
        return [d.attachment_id for d in claim.documents.all()]


class CourtAppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourtAppointment
        fields = [
            "id",
            "case",
            "claim",
            "at",
            "court",
            "purpose",
            "escort",
            "interpreter_language",
            "status",
            "outcome",
        ]
        read_only_fields = fields


class CompensationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compensation
        fields = ["id", "case", "claim", "awarded_amount", "currency", "awarded_on", "paid_amount", "paid_on"]
        read_only_fields = fields


class LegalFileSerializer(serializers.Serializer):
    counselling = CounsellingSerializer(many=True)
    claims = LabourClaimSerializer(many=True)
    hearings = CourtAppointmentSerializer(many=True)
    awards = CompensationSerializer(many=True)


class CounsellingInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    held_on = serializers.DateField()
    language = serializers.CharField(max_length=3)
    interpreter_used = serializers.BooleanField(required=False, default=False)
    summary = serializers.CharField(max_length=3000)


class ClaimInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    party = serializers.IntegerField(help_text="An employer or recruiter party recorded on the case at intake.")
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=3)
    currency = serializers.CharField(max_length=3, help_text="ISO 4217 code.")
    period_from = serializers.DateField(required=False, allow_null=True, default=None)
    period_to = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class ClaimStatusInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class CourtInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    at = serializers.DateTimeField()
    court = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    claim = serializers.IntegerField(required=False, allow_null=True, default=None)
    escort = serializers.BooleanField(required=False, default=False)
    interpreter_language = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")


class CompensationInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    awarded_amount = serializers.DecimalField(max_digits=12, decimal_places=3)
    currency = serializers.CharField(max_length=3)
    awarded_on = serializers.DateField()
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, default=Decimal("0"))
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    claim = serializers.IntegerField(required=False, allow_null=True, default=None)


class CourtOutcomeInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=HearingStatus.choices)
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="The new date and time when postponed."
    )


class CompensationPaymentInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    paid_amount = serializers.DecimalField(
        max_digits=12, decimal_places=3, help_text="Paid so far in total, in the award's currency."
    )
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "case", "months_after_exit", "due_on", "done_on", "outcome", "note", "contacted_by"]
        read_only_fields = fields


class ExitPlanSerializer(serializers.ModelSerializer):
    travel_document_state = serializers.CharField(
        source="travel_document_referral.state", allow_null=True, default=None
    )

    class Meta:
        model = ExitPlan
        fields = [
            "id",
            "case",
            "pathway",
            "travel_document_referral",
            "travel_document_state",
            "exit_clearance_on",
            "ticket_booked_on",
            "escort_arranged",
            "reception_organisation",
            "reintegration_plan",
            "work_permit_transferred_on",
            "new_employer",
            "integration_plan",
            "exited_on",
        ]
        read_only_fields = fields


class ExitPlanOutSerializer(serializers.Serializer):
    plan = ExitPlanSerializer(allow_null=True)
    follow_ups = FollowUpSerializer(many=True)


class ExitPlanInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    exit_clearance_on = serializers.DateField(required=False, allow_null=True)
    ticket_booked_on = serializers.DateField(required=False, allow_null=True)
    escort_arranged = serializers.BooleanField(required=False)
    reception_organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reintegration_plan = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    work_permit_transferred_on = serializers.DateField(required=False, allow_null=True)
    new_employer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    integration_plan = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    exited_on = serializers.DateField(required=False, allow_null=True)


class TravelDocumentInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.HIGH)
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class FollowUpInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    done_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ClosureSerializer(serializers.Serializer):
    may_close = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class NonRemovalSerializer(serializers.Serializer):
    person_reference = serializers.CharField()
    protected = serializers.BooleanField()
    until = serializers.DateField(allow_null=True)


class NonRemovalListSerializer(serializers.Serializer):
    results = NonRemovalSerializer(many=True)


class NonRemovalQuerySerializer(serializers.Serializer):
    document = serializers.CharField(max_length=40)


class ReturnRequestSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    person = serializers.IntegerField(source="case.person_id")
    person_reference = serializers.CharField(source="case.person.reference")
    travel_document_referral = serializers.IntegerField(source="travel_document_referral_id", allow_null=True)
    travel_document_state = serializers.CharField(
        source="travel_document_referral.state", allow_null=True, default=None
    )
    exit_clearance_on = serializers.DateField(allow_null=True)
    ticket_booked_on = serializers.DateField(allow_null=True)
    escort_arranged = serializers.BooleanField()
    reception_organisation = serializers.CharField()
    exited_on = serializers.DateField(allow_null=True)


class ReturnRequestListSerializer(serializers.Serializer):
    results = ReturnRequestSerializer(many=True)


class CountRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(help_text="Translated label of the key.")
    count = serializers.IntegerField()
    minutes = serializers.IntegerField(allow_null=True, required=False)


class ReportsSerializer(serializers.Serializer):
    services_by_type = CountRowSerializer(many=True)
    services_by_agency = CountRowSerializer(many=True)
    exits_by_pathway = CountRowSerializer(many=True)


# --- Views ------------------------------------------------------------------------------------
def _ratings_out(row: Any) -> list[dict[str, Any]]:
    return [
        {
            "domain": r["domain"],
            "level": r["level"],
            "note": r["note"],
            "before": r["before"],
            "direction": r["direction"],
        }
        for r in row.rows
    ]


class CaseNeedsView(APIView):
    """The case's needs assessments with the change from the one before (GET), or a new one (POST)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=NeedsAssessmentListSerializer, operation_id="assistance_needs_list")
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.care_case_get(actor=request.user, pk=case_id)
        rows = selectors.needs_history(actor=request.user, case=case)
        data = [
            {
                "id": r.assessment.pk,
                "case_id": case.pk,
                "occasion": r.assessment.occasion,
                "assessed_on": r.assessment.assessed_on,
                "assessed_by_id": r.assessment.assessed_by_id,
                "ratings": _ratings_out(r),
            }
            for r in rows
        ]
        return Response({"results": NeedsAssessmentSerializer(data, many=True).data})

    @extend_schema(
        request=NeedsAssessmentInputSerializer,
        responses={201: NeedsAssessmentSerializer},
        operation_id="assistance_needs_create",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.care_case_get(actor=request.user, pk=case_id)
        body = NeedsAssessmentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ratings = {r["domain"]: (int(r["level"]), r["note"]) for r in data["ratings"]}
        a = services.needs_assessment_record(
            actor=request.user, case=case, occasion=data["occasion"], assessed_on=data["assessed_on"], ratings=ratings
        )
        row = next(r for r in selectors.needs_history(actor=request.user, case=case) if r.assessment.pk == a.pk)
        out = {
            "id": a.pk,
            "case_id": case.pk,
            "occasion": a.occasion,
            "assessed_on": a.assessed_on,
            "assessed_by_id": a.assessed_by_id,
            "ratings": _ratings_out(row),
        }
        return Response(NeedsAssessmentSerializer(out).data, status=status.HTTP_201_CREATED)


class CaseCarePlanView(APIView):
    """The case's care plan: goals, their actions (with the referral when another agency delivers
    them) and the services delivered."""

    schema = ApiAutoSchema()

    @extend_schema(responses=CarePlanSerializer, operation_id="assistance_care_plan")
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.care_case_get(actor=request.user, pk=case_id)
        return Response(CarePlanSerializer({"goals": selectors.care_plan(actor=request.user, case=case)}).data)


class CaseGoalsView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(request=GoalInputSerializer, responses={201: CareGoalSerializer}, operation_id="assistance_goal_add")
    def post(self, request: Request, case_id: int) -> Response:
        """Add a goal to the care plan."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = GoalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        goal = services.care_goal_add(actor=request.user, case=case, **body.validated_data)
        return Response(CareGoalSerializer(goal).data, status=status.HTTP_201_CREATED)


def _unknown(field: str) -> serializers.ValidationError:
    from django.utils.translation import gettext as _

    return serializers.ValidationError({field: [_("Unknown or not available.")]})


class CaseActionsView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=ActionInputSerializer, responses={201: CareActionSerializer}, operation_id="assistance_action_add"
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Add an action to a goal; another agency's action is sent to it as a referral."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = ActionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        goal = policy.visible(request.user, CareGoal).filter(case=case, pk=data.pop("goal")).first()
        if goal is None:
            raise _unknown("goal")
        agency = policy.visible(request.user, Agency).filter(is_active=True, pk=data.pop("responsible_agency")).first()
        if agency is None:
            raise _unknown("responsible_agency")
        action = services.care_action_add(actor=request.user, goal=goal, responsible_agency=agency, **data)
        return Response(CareActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ActionStatusView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=StatusInputSerializer, responses={200: CareActionSerializer}, operation_id="assistance_action_status"
    )
    def post(self, request: Request, pk: int) -> Response:
        """Move a care action on (owning or responsible agency)."""
        action = policy.get_for(request.user, CareAction, pk, policy.CHANGE, audit=False)
        body = StatusInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action = services.care_action_set_status(actor=request.user, action=action, **body.validated_data)
        return Response(CareActionSerializer(action).data)


class ActionServicesView(APIView):
    """Services delivered under a care action (GET), or log one (POST)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=ServiceListSerializer, operation_id="assistance_services_list")
    def get(self, request: Request, pk: int) -> Response:
        action = policy.get_for(request.user, CareAction, pk)
        rows = list(policy.visible(request.user, ServiceDelivery).filter(action=action))
        policy.audit_list(request.user, ServiceDelivery, rows)
        return Response({"results": ServiceDeliverySerializer(rows, many=True).data})

    @extend_schema(
        request=ServiceInputSerializer,
        responses={201: ServiceDeliverySerializer},
        operation_id="assistance_service_log",
    )
    def post(self, request: Request, pk: int) -> Response:
        action = policy.get_for(request.user, CareAction, pk, policy.CHANGE, audit=False)
        body = ServiceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        delivery = services.service_log(actor=request.user, action=action, **body.validated_data)
        return Response(ServiceDeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)


class CaseLegalView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=LegalFileSerializer, operation_id="assistance_legal_file")
    def get(self, request: Request, case_id: int) -> Response:
        """The case's legal file: counselling, labour claims, court support, compensation."""
        case = selectors.care_case_get(actor=request.user, pk=case_id)
        return Response(LegalFileSerializer(selectors.legal_file(actor=request.user, case=case)).data)


class CaseCounsellingView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=CounsellingInputSerializer,
        responses={201: CounsellingSerializer},
        operation_id="assistance_counselling_add",
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Record a legal counselling session."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = CounsellingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.legal_counselling_record(actor=request.user, case=case, **body.validated_data)
        return Response(CounsellingSerializer(row).data, status=status.HTTP_201_CREATED)


class CaseClaimsView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=ClaimInputSerializer, responses={201: LabourClaimSerializer}, operation_id="assistance_claim_add"
    )
    def post(self, request: Request, case_id: int) -> Response:
        """A labour claim (amount as a decimal string, ISO 4217 currency) against a party from intake."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = ClaimInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        party = InvolvedParty.objects.filter(case=case, pk=data.pop("party")).first()
        if party is None:
            raise _unknown("party")
        claim = services.labour_claim_add(actor=request.user, case=case, party=party, **data)
        return Response(LabourClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimStatusView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=ClaimStatusInputSerializer,
        responses={200: LabourClaimSerializer},
        operation_id="assistance_claim_status",
    )
    def post(self, request: Request, pk: int) -> Response:
        """File a claim, or record how it ended."""
        claim = policy.get_for(request.user, LabourClaim, pk, policy.CHANGE, audit=False)
        body = ClaimStatusInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = services.labour_claim_set_status(actor=request.user, claim=claim, **body.validated_data)
        return Response(LabourClaimSerializer(claim).data)


def _claim_of(request: Request, case: Any, claim_id: int | None) -> LabourClaim | None:
    if claim_id is None:
        return None
    claim = policy.visible(request.user, LabourClaim).filter(case=case, pk=claim_id).first()
    if claim is None:
        raise _unknown("claim")
    return claim


class CaseCourtView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=CourtInputSerializer, responses={201: CourtAppointmentSerializer}, operation_id="assistance_court_add"
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Schedule court support for a hearing."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = CourtInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        claim = _claim_of(request, case, data.pop("claim"))
        row = services.court_appointment_add(actor=request.user, case=case, claim=claim, **data)
        return Response(CourtAppointmentSerializer(row).data, status=status.HTTP_201_CREATED)


class CaseCompensationView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=CompensationInputSerializer,
        responses={201: CompensationSerializer},
        operation_id="assistance_compensation_add",
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Record compensation awarded and paid."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = CompensationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        claim = _claim_of(request, case, data.pop("claim"))
        row = services.compensation_record(actor=request.user, case=case, claim=claim, **data)
        return Response(CompensationSerializer(row).data, status=status.HTTP_201_CREATED)


class CourtAppointmentView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=CourtOutcomeInputSerializer,
        responses={200: CourtAppointmentSerializer},
        operation_id="assistance_court_update",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record what became of a court support appointment: held (with its outcome), postponed, cancelled."""
        appointment = policy.get_for(request.user, CourtAppointment, pk, policy.CHANGE, audit=False)
        body = CourtOutcomeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.court_appointment_update(actor=request.user, appointment=appointment, **body.validated_data)
        return Response(CourtAppointmentSerializer(row).data)


class CompensationView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=CompensationPaymentInputSerializer,
        responses={200: CompensationSerializer},
        operation_id="assistance_compensation_update",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record what has been paid of a compensation award so far."""
        award = policy.get_for(request.user, Compensation, pk, policy.CHANGE, audit=False)
        body = CompensationPaymentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.compensation_update(actor=request.user, award=award, **body.validated_data)
        return Response(CompensationSerializer(row).data)


class CaseExitView(APIView):
    """The case's exit plan and follow-up contacts (GET), or create/update the plan (PUT)."""

    schema = ApiAutoSchema()

    def _out(self, request: Request, case: Any) -> dict[str, Any]:
        plan = selectors.exit_plan_for(actor=request.user, case=case)
        follow_ups = selectors.follow_ups_for(actor=request.user, case=case)
        return ExitPlanOutSerializer({"plan": plan, "follow_ups": follow_ups}).data

    @extend_schema(responses=ExitPlanOutSerializer, operation_id="assistance_exit_get")
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.care_case_get(actor=request.user, pk=case_id)
        return Response(self._out(request, case))

    @extend_schema(request=ExitPlanInputSerializer, responses=ExitPlanOutSerializer, operation_id="assistance_exit_put")
    def put(self, request: Request, case_id: int) -> Response:
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = ExitPlanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        services.exit_plan_save(actor=request.user, case=case, pathway=data.pop("pathway"), **data)
        return Response(self._out(request, case))


class TravelDocumentView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=TravelDocumentInputSerializer,
        responses={201: ExitPlanSerializer},
        operation_id="assistance_travel_document",
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Ask the person's embassy for a travel document (a referral of service travel_documents)."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        body = TravelDocumentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.travel_document_request(actor=request.user, case=case, **body.validated_data)
        return Response(ExitPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class FollowUpView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        request=FollowUpInputSerializer, responses={200: FollowUpSerializer}, operation_id="assistance_follow_up"
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record a follow-up contact after exit."""
        follow_up = policy.get_for(request.user, FollowUp, pk, policy.CHANGE, audit=False)
        body = FollowUpInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.follow_up_record(actor=request.user, follow_up=follow_up, **body.validated_data)
        return Response(FollowUpSerializer(row).data)


class ClosureView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=ClosureSerializer, operation_id="assistance_closure_criteria")
    def get(self, request: Request, case_id: int) -> Response:
        """Whether the case may close, and the criteria still unmet (translated)."""
        case = selectors.care_case_get(actor=request.user, pk=case_id, audit=False)
        unmet = selectors.closure_unmet(case)
        return Response({"may_close": not unmet, "unmet": unmet})


class NonRemovalView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(
        parameters=[NonRemovalQuerySerializer],
        responses=NonRemovalListSerializer,
        operation_id="assistance_non_removal",
    )
    def get(self, request: Request) -> Response:
        """Immigration: is the holder of this document protected from removal? (never the case)"""
        if not selectors.may_check_non_removal(request.user):
            selectors.non_removal_check(actor=request.user, document="")  # audited 404
        query = NonRemovalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.non_removal_check(actor=request.user, document=query.validated_data["document"])
        return Response({"results": NonRemovalSerializer(rows, many=True).data})


class ReturnRequestsView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=ReturnRequestListSerializer, operation_id="assistance_return_requests")
    def get(self, request: Request) -> Response:
        """Embassies: voluntary returns of their nationals who consented to sharing with the embassy."""
        if not selectors.may_see_return_requests(request.user):
            from django.http import Http404
            from django.utils.translation import gettext as _

            raise Http404(_("Not found."))
        rows = selectors.return_requests(actor=request.user)
        return Response({"results": ReturnRequestSerializer(rows, many=True).data})


class ReportsView(APIView):
    schema = ApiAutoSchema()

    @extend_schema(responses=ReportsSerializer, operation_id="assistance_reports")
    def get(self, request: Request) -> Response:
        """Aggregates: services delivered by type and by agency, exits by pathway."""
        data = selectors.reports(actor=request.user)
        return Response(
            {
                "services_by_type": [
                    {"key": r["type"], "name": r["label"], "count": r["count"], "minutes": r["minutes"]}
                    for r in data["by_type"]
                ],
                "services_by_agency": [
                    {"key": str(r["agency_id"]), "name": r["label"], "count": r["count"], "minutes": r["minutes"]}
                    for r in data["by_agency"]
                ],
                "exits_by_pathway": [
                    {"key": r["pathway"], "name": r["label"], "count": r["count"], "minutes": None}
                    for r in data["by_pathway"]
                ],
            }
        )
