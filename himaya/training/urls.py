from django.urls import path

from himaya.training import views

app_name = "training"

urlpatterns: list = [
    path("", views.catalogue_view, name="catalogue"),
    path("verify/<str:token>/", views.verify_view, name="verify"),
    path("mine/", views.mine_view, name="mine"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/new/", views.session_create_view, name="session-create"),
    path("sessions/<int:pk>/", views.session_view, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit_view, name="session-edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel_view, name="session-cancel"),
    path("courses/", views.courses_view, name="courses"),
    path("courses/new/", views.course_create_view, name="course-create"),
    path("courses/<int:pk>/edit/", views.course_edit_view, name="course-edit"),
    path("courses/<int:pk>/questions/", views.questions_view, name="questions"),
    path("questions/<int:pk>/edit/", views.question_edit_view, name="question-edit"),
    path("questions/<int:pk>/delete/", views.question_delete_view, name="question-delete"),
    path("sessions/<int:pk>/nominate/", views.nominate_view, name="nominate"),
    path("nominations/", views.nominations_view, name="nominations"),
    path("nominations/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("nominations/<int:pk>/attendance/", views.attendance_view, name="attendance"),
    path("nominations/<int:pk>/delivery/", views.delivery_view, name="delivery"),
    path("nominations/<int:pk>/certify/", views.certify_view, name="certify"),
    path("nominations/<int:pk>/test/<str:kind>/", views.test_view, name="test"),
    path("nominations/<int:pk>/evaluate/", views.evaluate_view, name="evaluate"),
    path("certificates/<int:pk>/", views.certificate_view, name="certificate"),
    path("certificates/<int:pk>/pdf/<str:language>/", views.certificate_pdf_view, name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke_view, name="certificate-revoke"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("coverage/summary.pdf", views.coverage_pdf_view, name="coverage-pdf"),
]
