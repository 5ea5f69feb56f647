"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.training import api

urlpatterns: list = [
    path("training/courses/", api.CourseListView.as_view(), name="training-course-list"),
    path("training/courses/<int:pk>/", api.CourseDetailView.as_view(), name="training-course-detail"),
    path("training/courses/<int:pk>/questions/", api.QuestionListView.as_view(), name="training-question-list"),
    path(
        "training/courses/<int:pk>/questions/<int:question>/",
        api.QuestionDetailView.as_view(),
        name="training-question-detail",
    ),
    path("training/sessions/<int:pk>/cancel/", api.SessionCancelView.as_view(), name="training-session-cancel"),
    path("training/sessions/", api.SessionListView.as_view(), name="training-session-list"),
    path("training/sessions/<int:pk>/", api.SessionDetailView.as_view(), name="training-session-detail"),
    path(
        "training/sessions/<int:pk>/nominations/",
        api.SessionNominationsView.as_view(),
        name="training-nomination-list",
    ),
    path(
        "training/sessions/<int:pk>/evaluations/",
        api.SessionEvaluationsView.as_view(),
        name="training-session-evaluations",
    ),
    path("training/verify/<str:token>/", api.VerificationView.as_view(), name="training-verify"),
]
