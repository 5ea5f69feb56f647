"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.prevention import api

urlpatterns = [
    path("prevention/ranking/", api.RankingView.as_view(), name="prevention-ranking"),
    path("prevention/inspections/", api.InspectionListView.as_view(), name="prevention-inspections"),
    path("prevention/dashboard/", api.DashboardView.as_view(), name="prevention-dashboard"),
]
