from django.urls import path

from himaya.screening import views

app_name = "screening"

urlpatterns: list = [
    path("case/<int:case_id>/", views.case_screening_view, name="case"),
    path("evaluate/", views.evaluate_partial_view, name="evaluate_partial"),
    path("<int:pk>/", views.screening_detail_view, name="detail"),
]
