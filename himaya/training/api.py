"""Training centre API: the catalogue, sessions, nominations and certificate verification; for the
centre's staff (training officers) also course and question-bank management and session changes.

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
from himaya.training.models import Course, CourseModule, Level, Nomination, Question, Session, SessionLanguage


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


class ScoreCountSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    count = serializers.IntegerField(min_value=0)


class EvaluationQuestionSerializer(serializers.Serializer):
    question = serializers.CharField(source="label", help_text="The question, in the caller's language.")
    average = serializers.FloatField(allow_null=True, help_text="Mean score (1–5); null without responses.")
    distribution = ScoreCountSerializer(many=True, help_text="How many answered each score, 1 to 5.")


class SessionEvaluationsSerializer(serializers.Serializer):
    responses = serializers.IntegerField(min_value=0, help_text="Evaluations submitted by enrolled participants.")
    questions = EvaluationQuestionSerializer(many=True)
    comments = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Free-text comments, newest first, without names: for the centre's staff only (absent otherwise).",
    )


CERTIFICATE_STATUSES = [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")]


class VerificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CERTIFICATE_STATUSES)
    holder = serializers.CharField()
    course_ar = serializers.CharField()
    course_en = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class ModuleInputSerializer(serializers.Serializer):
    title_ar = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200)
    outcomes_ar = serializers.CharField(required=False, allow_blank=True, default="")
    outcomes_en = serializers.CharField(required=False, allow_blank=True, default="")


class QuestionSerializer(serializers.ModelSerializer):
    options = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        help_text='Each option as ["Arabic", "English"].',
    )

    class Meta:
        model = Question
        fields = ["id", "position", "text_ar", "text_en", "options", "correct", "points"]
        read_only_fields = fields


class QuestionListSerializer(serializers.Serializer):
    results = QuestionSerializer(many=True)


class QuestionInputSerializer(serializers.Serializer):
    text_ar = serializers.CharField(max_length=500)
    text_en = serializers.CharField(max_length=500)
    options = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=300), min_length=2, max_length=2),
        min_length=2,
        max_length=8,
        help_text='Each option as ["Arabic", "English"].',
    )
    correct = serializers.IntegerField(min_value=0, help_text="The correct option's index (from 0).")
    points = serializers.IntegerField(min_value=1, max_value=10, default=1)


class CourseInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Letters, digits and dashes; cannot change later.")
    title_ar = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200)
    summary_ar = serializers.CharField(required=False, allow_blank=True)
    summary_en = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Level.choices)
    validity_months = serializers.IntegerField(required=False, min_value=1, max_value=120)
    attendance_threshold = serializers.IntegerField(required=False, min_value=0, max_value=100)
    pass_mark = serializers.IntegerField(required=False, min_value=0, max_value=100)
    requires_supervised_delivery = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Defaults to true for training of trainers."
    )
    qualifies_first_responder = serializers.BooleanField(required=False)
    prerequisites = serializers.ListField(child=serializers.CharField(), required=False, help_text="Course codes.")
    modules = ModuleInputSerializer(many=True, required=False)
    questions = QuestionInputSerializer(many=True, required=False)


class CourseChangeSerializer(serializers.Serializer):
    title_ar = serializers.CharField(max_length=200, required=False)
    title_en = serializers.CharField(max_length=200, required=False)
    summary_ar = serializers.CharField(required=False, allow_blank=True)
    summary_en = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    validity_months = serializers.IntegerField(required=False, min_value=1, max_value=120)
    attendance_threshold = serializers.IntegerField(required=False, min_value=0, max_value=100)
    pass_mark = serializers.IntegerField(required=False, min_value=0, max_value=100)
    requires_supervised_delivery = serializers.BooleanField(required=False)
    qualifies_first_responder = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False, help_text="False: no new sessions can be scheduled.")
    prerequisites = serializers.ListField(child=serializers.CharField(), required=False, help_text="Course codes.")
    modules = ModuleInputSerializer(many=True, required=False, help_text="Replaces the modules, in this order.")


class SessionInputSerializer(serializers.Serializer):
    course = serializers.CharField(help_text="The course's code.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online = serializers.BooleanField(required=False, default=False)
    language = serializers.ChoiceField(choices=SessionLanguage.choices)
    capacity = serializers.IntegerField(min_value=1, max_value=500)
    trainers = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    partners = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published = serializers.BooleanField(required=False, default=True)


class SessionChangeSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(choices=SessionLanguage.choices, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=500, required=False)
    trainers = serializers.ListField(child=serializers.IntegerField(), required=False)
    partners = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published = serializers.BooleanField(required=False)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Sent to every nominee by e-mail.")


def _courses_by_code(codes: list[str]) -> list[Course]:
    from django.utils.translation import gettext as _

    found = {c.code: c for c in Course.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise serializers.ValidationError(
            {"prerequisites": [_("No course has the code %(code)s.") % {"code": missing[0]}]}
        )
    return [found[code] for code in codes]


def _trainers(ids: list[int]) -> list[User]:
    from django.utils.translation import gettext as _

    found = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"trainers": [_("Every trainer must be an active trainer's account.")]})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _session_row(actor: Any, pk: int) -> Session:
    return selectors.session_list(actor=actor).get(pk=pk)


class CourseListView(APIView):
    """The catalogue of active courses, with modules, levels, prerequisites and certification rules
    (GET); add a course with its modules and question bank (POST, training officers)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=CourseListSerializer, operation_id="training_courses_list")
    def get(self, request: Request) -> Response:
        rows = selectors.course_list(actor=request.user)
        return Response({"results": CourseSerializer(rows, many=True).data})

    @extend_schema(
        request=CourseInputSerializer, responses={201: CourseSerializer}, operation_id="training_courses_create"
    )
    def post(self, request: Request) -> Response:
        if not policy.can_create(request.user, Course):
            policy.require_permission(request.user, "training.manage")
        body = CourseInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["prerequisites"] = _courses_by_code(data.get("prerequisites", []))
        data["modules"] = [dict(m) for m in data.get("modules", [])]
        data["questions"] = [dict(q) for q in data.get("questions", [])]
        course = services.course_create(actor=request.user, **data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)


class CourseDetailView(APIView):
    """One course (GET); change its titles, level, rules, validity, modules or prerequisites
    (PATCH, training officers). The code cannot change: it is printed in signed certificates."""

    schema = ApiAutoSchema()

    @extend_schema(responses=CourseSerializer, operation_id="training_courses_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(CourseSerializer(policy.get_for(request.user, Course, pk)).data)

    @extend_schema(
        request=CourseChangeSerializer, responses=CourseSerializer, operation_id="training_courses_partial_update"
    )
    def patch(self, request: Request, pk: int) -> Response:
        course = policy.get_for(request.user, Course, pk, policy.CHANGE)
        body = CourseChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "prerequisites" in data:
            data["prerequisites"] = _courses_by_code(data["prerequisites"])
        if "modules" in data:
            data["modules"] = [dict(m) for m in data["modules"]]
        course = services.course_update(actor=request.user, course=course, **data)
        return Response(CourseSerializer(Course.objects.get(pk=course.pk)).data)


class QuestionListView(APIView):
    """A course's question bank with the correct answers (training officers only)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=QuestionListSerializer, operation_id="training_questions_list")
    def get(self, request: Request, pk: int) -> Response:
        course = policy.get_for(request.user, Course, pk, policy.CHANGE)
        return Response({"results": QuestionSerializer(course.questions.order_by("position"), many=True).data})

    @extend_schema(
        request=QuestionInputSerializer, responses={201: QuestionSerializer}, operation_id="training_questions_create"
    )
    def post(self, request: Request, pk: int) -> Response:
        course = policy.get_for(request.user, Course, pk, policy.CHANGE)
        body = QuestionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.question_create(actor=request.user, course=course, **body.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailView(APIView):
    """Correct (PATCH) or remove (DELETE) a question of a course's bank (training officers)."""

    schema = ApiAutoSchema()

    def _question(self, request: Request, pk: int, question: int) -> Question:
        from django.http import Http404
        from django.utils.translation import gettext as _

        course = policy.get_for(request.user, Course, pk, policy.CHANGE)
        found = course.questions.filter(pk=question).first()
        if found is None:
            raise Http404(_("Not found."))
        return found

    @extend_schema(
        request=QuestionInputSerializer(partial=True),
        responses=QuestionSerializer,
        operation_id="training_questions_partial_update",
    )
    def patch(self, request: Request, pk: int, question: int) -> Response:
        found = self._question(request, pk, question)
        body = QuestionInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = {
            "text_ar": found.text_ar,
            "text_en": found.text_en,
            "options": found.options,
            "correct": found.correct,
            "points": found.points,
        } | dict(body.validated_data)
        updated = services.question_update(actor=request.user, question=found, **values)
        return Response(QuestionSerializer(updated).data)

    @extend_schema(request=None, responses={204: None}, operation_id="training_questions_destroy")
    def delete(self, request: Request, pk: int, question: int) -> Response:
        services.question_delete(actor=request.user, question=self._question(request, pk, question))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionListView(APIView):
    """Sessions, newest first (GET); schedule a session of a course (POST, training officers)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=SessionListSerializer, operation_id="training_sessions_list")
    def get(self, request: Request) -> Response:
        rows = selectors.session_list(actor=request.user)[:500]
        return Response({"results": SessionSerializer(rows, many=True).data})

    @extend_schema(
        request=SessionInputSerializer, responses={201: SessionSerializer}, operation_id="training_sessions_create"
    )
    def post(self, request: Request) -> Response:
        from django.utils.translation import gettext as _

        if not policy.can_create(request.user, Session):
            policy.require_permission(request.user, "training.manage")
        body = SessionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        course = selectors.course_list(actor=request.user).filter(code=data.pop("course")).first()
        if course is None:
            raise serializers.ValidationError({"course": [_("No offered course has this code.")]})
        data["trainers"] = _trainers(data.get("trainers", []))
        session = services.session_create(actor=request.user, course=course, **data)
        return Response(SessionSerializer(_session_row(request.user, session.pk)).data, status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    """One session (GET); change its dates, place, language, places, trainers or partners (PATCH,
    training officers; nominees are e-mailed when the dates, place or language change)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=SessionSerializer, operation_id="training_sessions_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        policy.get_for(request.user, Session, pk)
        return Response(SessionSerializer(_session_row(request.user, pk)).data)

    @extend_schema(
        request=SessionChangeSerializer, responses=SessionSerializer, operation_id="training_sessions_partial_update"
    )
    def patch(self, request: Request, pk: int) -> Response:
        session = policy.get_for(request.user, Session, pk, policy.CHANGE)
        body = SessionChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "trainers" in data:
            data["trainers"] = _trainers(data["trainers"])
        services.session_update(actor=request.user, session=session, **data)
        return Response(SessionSerializer(_session_row(request.user, pk)).data)


class SessionCancelView(APIView):
    """Cancel a session with a reason; every nominee is told by e-mail (training officers)."""

    schema = ApiAutoSchema()

    @extend_schema(request=CancelInputSerializer, responses=SessionSerializer, operation_id="training_sessions_cancel")
    def post(self, request: Request, pk: int) -> Response:
        session = policy.get_for(request.user, Session, pk, policy.CHANGE)
        body = CancelInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.session_cancel(actor=request.user, session=session, reason=body.validated_data["reason"])
        return Response(SessionSerializer(_session_row(request.user, pk)).data)


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


class SessionEvaluationsView(APIView):
    """What the session's participants said (no names): responses, average and spread per question;
    for the session's trainers and the centre's staff (who also read the comments)."""

    schema = ApiAutoSchema()

    @extend_schema(responses=SessionEvaluationsSerializer, operation_id="training_session_evaluations")
    def get(self, request: Request, pk: int) -> Response:
        session = policy.get_for(request.user, Session, pk)
        figures = selectors.session_evaluations(actor=request.user, session=session)
        if figures is None:
            policy.refuse(request.user, "evaluations", session)
        body = {
            **figures,
            "questions": [
                {**q, "distribution": [{"score": s, "count": n} for s, n in q["distribution"]]}
                for q in figures["questions"]
            ],
        }
        return Response(SessionEvaluationsSerializer(body).data)


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
