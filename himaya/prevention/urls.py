from django.urls import path

from himaya.prevention import views

app_name = "prevention"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("fairness/", views.fairness_view, name="fairness"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/<int:pk>/", views.import_detail_view, name="import_detail"),
    path("scoring/", views.scoring_view, name="scoring"),
    path("scoring/<int:pk>/", views.run_view, name="run"),
    path("scoring/<int:pk>/plan/", views.plan_create_view, name="plan_create"),
    path("plans/<int:pk>/", views.plan_view, name="plan"),
    path("queue/", views.queue_view, name="queue"),
    path("inspections/<int:pk>/", views.inspection_view, name="inspection"),
    path("inspections/<int:pk>/findings/", views.finding_add_view, name="finding_add"),
    path("findings/<int:pk>/intake/", views.finding_intake_view, name="finding_intake"),
]
