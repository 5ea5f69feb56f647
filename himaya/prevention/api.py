"""Prevention API: the latest ranking with its reasons (managers), inspections (the caller's queue),
and the aggregates of the dashboard (managers and analysts). Same policy as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from himaya.access import policy
from himaya.api.schema import ApiAutoSchema
from himaya.prevention import reasons, selectors
from himaya.prevention.models import Inspection


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class WorksiteScoreSerializer(serializers.Serializer):
    site_code = serializers.CharField()
    governorate = serializers.CharField()
    kind = serializers.CharField()
    rank = serializers.IntegerField()
    workers = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)


class ScoreSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    cr_number = serializers.CharField()
    isic_section = serializers.CharField()
    workers = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)
    worksites = WorksiteScoreSerializer(many=True)


class RankingSerializer(serializers.Serializer):
    run = serializers.IntegerField(allow_null=True)
    model_version = serializers.CharField(allow_blank=True)
    results = ScoreSerializer(many=True)


class InspectionSerializer(serializers.ModelSerializer):
    cr_number = serializers.CharField(source="employer.cr_number")
    # Blank until the visit is recorded; then one of Outcome's codes.
    outcome = serializers.CharField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "reference",
            "cr_number",
            "reason",
            "priority",
            "score",
            "status",
            "inspector",
            "visited_on",
            "indicators_observed",
            "violation_found",
            "outcome",
        ]
        read_only_fields = fields


class HitRateSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    budget = serializers.IntegerField()
    risk_done = serializers.IntegerField()
    risk_hits = serializers.IntegerField()
    risk_rate = serializers.FloatField(allow_null=True)
    random_done = serializers.IntegerField()
    random_hits = serializers.IntegerField()
    random_rate = serializers.FloatField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    latest_run = serializers.IntegerField(allow_null=True)
    model_version = serializers.CharField(allow_blank=True)
    employers_scored = serializers.IntegerField()
    hit_rates = HitRateSerializer(many=True)


class RankingView(APIView):
    """The top 100 employers of the latest scoring run, each with its reasons and its worksites' scores."""

    schema = ApiAutoSchema()

    @extend_schema(responses=RankingSerializer, operation_id="prevention_ranking_retrieve")
    def get(self, request: Request) -> Response:
        actor: Any = request.user
        selectors.require_manager(actor)
        run = selectors.latest_run()
        rows = []
        if run is not None:
            scores = list(selectors.ranking(actor=actor, run=run, limit=100))
            sites = selectors.worksite_scores_by_employer(
                actor=actor, run=run, employer_ids=[s.employer_id for s in scores]
            )
            for s in scores:
                rows.append(
                    {
                        "rank": s.rank,
                        "cr_number": s.employer.cr_number,
                        "isic_section": s.employer.isic_section,
                        "workers": s.workers,
                        "score": s.score,
                        "reasons": reasons.explain(s.reasons),
                        "worksites": [
                            {
                                "site_code": w.worksite.site_code,
                                "governorate": w.worksite.governorate,
                                "kind": w.worksite.kind,
                                "rank": w.rank,
                                "workers": w.workers,
                                "score": w.score,
                                "reasons": reasons.explain(w.reasons),
                            }
                            for w in sites.get(s.employer_id, [])
                        ],
                    }
                )
        return Response(
            RankingSerializer(
                {"run": run.pk if run else None, "model_version": run.model_version if run else "", "results": rows}
            ).data
        )


class InspectionListView(APIView):
    """Open inspections the caller may see: an inspector's own queue, or every one for a manager."""

    schema = ApiAutoSchema()

    @extend_schema(responses=InspectionSerializer(many=True), operation_id="prevention_inspections_list")
    def get(self, request: Request) -> Response:
        actor: Any = request.user
        selectors.require_queue(actor)
        items = list(selectors.queue(actor=actor)[:500])
        policy.audit_list(actor, Inspection, items)
        return Response(InspectionSerializer(items, many=True).data)


class DashboardView(APIView):
    """Aggregates only: the latest run and the model's hit rate at the budget per plan."""

    schema = ApiAutoSchema()

    @extend_schema(responses=DashboardSerializer, operation_id="prevention_dashboard_retrieve")
    def get(self, request: Request) -> Response:
        selectors.require_aggregates(request.user)
        run = selectors.latest_run()
        rows = [
            {**{k: v for k, v in r.items() if k != "plan"}, "plan": r["plan"].pk, "created_at": r["plan"].created_at}
            for r in selectors.hit_rates_over_time()
        ]
        return Response(
            DashboardSerializer(
                {
                    "latest_run": run.pk if run else None,
                    "model_version": run.model_version if run else "",
                    "employers_scored": run.employers_scored if run else 0,
                    "hit_rates": rows,
                }
            ).data
        )
