from django.urls import path

from himaya.assistance import views

app_name = "assistance"

urlpatterns = [
    path("case/<int:case_id>/", views.care_view, name="care"),
    path("case/<int:case_id>/summary.pdf", views.summary_pdf_view, name="summary_pdf"),
    path("case/<int:case_id>/needs/", views.needs_new_view, name="needs_new"),
    path("case/<int:case_id>/goals/", views.goal_add_view, name="goal_add"),
    path("case/<int:case_id>/actions/", views.action_add_view, name="action_add"),
    path("case/<int:case_id>/exit/", views.exit_view, name="exit"),
    path("case/<int:case_id>/travel-document/", views.travel_document_view, name="travel_document"),
    path("case/<int:case_id>/legal/", views.legal_view, name="legal"),
    path("case/<int:case_id>/legal/<str:what>/", views.legal_add_view, name="legal_add"),
    path("actions/<int:pk>/status/", views.action_status_view, name="action_status"),
    path("actions/<int:pk>/services/", views.service_log_view, name="service_log"),
    path("claims/<int:pk>/documents/", views.claim_document_view, name="claim_document"),
    path("claims/<int:pk>/status/", views.claim_status_view, name="claim_status"),
    path("follow-ups/<int:pk>/", views.follow_up_view, name="follow_up"),
    path("court/<int:pk>/", views.court_update_view, name="court_update"),
    path("compensation/<int:pk>/", views.compensation_update_view, name="compensation_update"),
    path("referral/<int:referral_id>/needs/", views.referral_needs_view, name="referral_needs"),
    path("deliveries/", views.deliveries_view, name="deliveries"),
    path("non-removal/", views.non_removal_view, name="non_removal"),
    path("returns/", views.returns_view, name="returns"),
    path("reports/", views.reports_view, name="reports"),
]
