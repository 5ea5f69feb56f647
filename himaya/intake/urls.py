from django.urls import path

from himaya.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("drafts/", views.drafts_view, name="drafts"),
    path("<int:pk>/step/<int:step>/", views.step_view, name="step"),
    path("<int:pk>/discard/", views.discard_view, name="discard"),
    path("<int:pk>/hand-over/", views.hand_over_view, name="hand_over"),
    path("attachments/<int:case_id>/upload/", views.attachment_upload_view, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment_download"),
]
