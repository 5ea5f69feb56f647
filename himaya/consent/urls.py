from django.urls import path

from himaya.consent import views

app_name = "consent"

urlpatterns: list = [
    path("person/<int:person_id>/", views.person_consents_view, name="person"),
    path("<int:pk>/withdraw/", views.consent_withdraw_view, name="withdraw"),
]
