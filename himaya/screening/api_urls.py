"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.screening import api

urlpatterns: list = [
    path("screening/evaluate", api.ScreeningEvaluateView.as_view(), name="screening-evaluate"),
    path("screening/catalogue", api.ScreeningCatalogueView.as_view(), name="screening-catalogue"),
    path("screening/forced-labour", api.ForcedLabourCheckView.as_view(), name="screening-forced-labour"),
]
