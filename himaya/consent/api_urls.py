"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.consent import api

urlpatterns: list = [
    path("people/<int:person_id>/consents/", api.PersonConsentsView.as_view(), name="person-consent-list"),
    path("consents/<int:pk>/withdraw/", api.ConsentWithdrawView.as_view(), name="consent-withdraw"),
]
