"""Screening API: stateless evaluation against the indicator catalogue (no personal data, so the
evaluation itself is not audited; a signed-in caller or an integration token is still required).

Reasons and texts come in the caller's language: the Accept-Language header when sent, else the
caller's saved language. The engine's output is decision support: a person decides.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.api.schema import ApiAutoSchema
from himaya.indicators import engine
from himaya.screening import catalogue
from himaya.screening.models import Outcome

MAX_INDICATORS = 200


def caller_language(request: Request) -> str:
    """ "ar" or "en": Accept-Language if the caller sent it, else their saved language."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return catalogue.engine_language(translation.get_language())
    return catalogue.engine_language(getattr(request.user, "language", None))


def _bad_input(error: engine.ScreeningError, field: str | None = None) -> ValidationError:
    return ValidationError({field or catalogue.error_field(error): [catalogue.error_message(error)]})


class EvaluateInputSerializer(serializers.Serializer):
    profile = serializers.CharField(max_length=32)
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=16), max_length=MAX_INDICATORS, allow_empty=True
    )


class DimensionSerializer(serializers.Serializer):
    strong = serializers.IntegerField()
    medium = serializers.IntegerField()
    weak = serializers.IntegerField()
    positive = serializers.BooleanField()


class EvaluationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    dimensions = serializers.DictField(child=DimensionSerializer())
    reasons = serializers.ListField(child=serializers.CharField())
    catalogue_version = serializers.CharField()
    rule_set_version = serializers.CharField()


class CatalogueIndicatorSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    grade = serializers.ChoiceField(choices=["S", "M", "W"], help_text="S strong, M medium, W weak.")


class CatalogueDimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    indicators = CatalogueIndicatorSerializer(many=True)


class CatalogueProfileSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    child = serializers.BooleanField()
    provisional = serializers.BooleanField()


class CatalogueSerializer(serializers.Serializer):
    catalogue_version = serializers.CharField()
    rule_set_version = serializers.CharField()
    profile = CatalogueProfileSerializer()
    profiles = CatalogueProfileSerializer(many=True)
    dimensions = CatalogueDimensionSerializer(many=True)


class ForcedLabourInputSerializer(serializers.Serializer):
    indicators = serializers.ListField(child=serializers.CharField(max_length=16), max_length=20, allow_empty=True)


class ForcedLabourIndicatorSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class ForcedLabourSerializer(serializers.Serializer):
    version = serializers.CharField()
    any_flagged = serializers.BooleanField()
    flagged = ForcedLabourIndicatorSerializer(many=True)
    suggested_delphi_indicators = serializers.ListField(child=serializers.CharField())


def _profile_dict(profile: engine.Profile, language: str) -> dict[str, Any]:
    return {
        "name": profile.name,
        "label": profile.label(language),
        "child": profile.child,
        "provisional": profile.provisional,
    }


def catalogue_payload(profile: str, language: str) -> dict[str, Any]:
    """The indicators of one profile grouped by dimension, texts in `language` ("ar"/"en")."""
    cat = catalogue.catalogue()
    prof = cat.profile(profile)
    items = cat.indicators_for(profile)
    return {
        "catalogue_version": cat.version,
        "rule_set_version": catalogue.rule_set().version,
        "profile": _profile_dict(prof, language),
        "profiles": [_profile_dict(p, language) for p in cat.profiles.values()],
        "dimensions": [
            {
                "code": code,
                "label": cat.dimension_label(code, language),
                "indicators": [
                    {"id": i.id, "text": i.text(language), "grade": i.grades[profile]}
                    for i in items
                    if i.dimension == code
                ],
            }
            for code in cat.dimensions
        ],
    }


def evaluation_payload(evaluation: engine.Evaluation) -> dict[str, Any]:
    return {
        "outcome": evaluation.outcome,
        "dimensions": {code: t.as_dict() for code, t in evaluation.dimensions.items()},
        "reasons": list(evaluation.reasons),
        "catalogue_version": evaluation.catalogue_version,
        "rule_set_version": evaluation.rule_set_version,
    }


class ScreeningEvaluateView(APIView):
    """Evaluate a set of indicators for a profile: the outcome, per-dimension tallies and the
    reasons, in the caller's language. Stateless: nothing is stored. Decision support only."""

    schema = ApiAutoSchema()

    @extend_schema(request=EvaluateInputSerializer, responses=EvaluationSerializer, operation_id="screening_evaluate")
    def post(self, request: Request) -> Response:
        data = EvaluateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        language = caller_language(request)
        with translation.override(language):
            try:
                evaluation = catalogue.evaluate(
                    data.validated_data["profile"], data.validated_data["indicators"], language
                )
            except engine.ScreeningError as error:
                raise _bad_input(error) from None
        return Response(evaluation_payload(evaluation))


class ScreeningCatalogueView(APIView):
    """The indicators of a profile (default adult-labour), grouped by dimension, in the caller's language."""

    schema = ApiAutoSchema()

    @extend_schema(
        parameters=[OpenApiParameter("profile", str, description="adult-labour, adult-sexual, child-labour, …")],
        responses=CatalogueSerializer,
        operation_id="screening_catalogue",
    )
    def get(self, request: Request) -> Response:
        profile = request.query_params.get("profile") or "adult-labour"
        language = caller_language(request)
        with translation.override(language):
            try:
                payload = catalogue_payload(profile[:32], language)
            except engine.ScreeningError as error:
                raise _bad_input(error) from None
        return Response(payload)


class ForcedLabourCheckView(APIView):
    """The ILO forced-labour quick check (FL01…FL11): no score, any one indicator may suffice.
    Returns what was flagged and the Delphi indicators worth screening next."""

    schema = ApiAutoSchema()

    @extend_schema(
        request=ForcedLabourInputSerializer, responses=ForcedLabourSerializer, operation_id="screening_forced_labour"
    )
    def post(self, request: Request) -> Response:
        data = ForcedLabourInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        language = caller_language(request)
        version, items = catalogue.forced_labour()
        with translation.override(language):
            try:
                result = engine.forced_labour_quick_check(data.validated_data["indicators"], items)
            except engine.ScreeningError as error:
                raise _bad_input(error) from None
        return Response(
            {
                "version": version,
                "any_flagged": result["any_flagged"],
                "flagged": [{"id": i, "text": items[i].text(language)} for i in result["flagged"]],
                "suggested_delphi_indicators": result["suggested_delphi_indicators"],
            }
        )
