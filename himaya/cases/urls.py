from django.urls import path

from himaya.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("overview/", views.case_overview_view, name="overview"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/transition/", views.case_transition_view, name="transition"),
    path("<int:pk>/decision/", views.case_decision_view, name="decision"),
    path("<int:pk>/note/", views.case_note_view, name="note"),
    path("<int:pk>/assign/", views.case_assign_view, name="assign"),
    path("<int:pk>/reconsideration/", views.case_reconsideration_view, name="reconsideration"),
]
