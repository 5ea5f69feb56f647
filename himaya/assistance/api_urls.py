"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.assistance import api

P = "assistance/"

urlpatterns: list = [
    path(f"{P}cases/<int:case_id>/needs-assessments/", api.CaseNeedsView.as_view(), name="assistance-needs"),
    path(f"{P}cases/<int:case_id>/care-plan/", api.CaseCarePlanView.as_view(), name="assistance-care-plan"),
    path(f"{P}cases/<int:case_id>/goals/", api.CaseGoalsView.as_view(), name="assistance-goals"),
    path(f"{P}cases/<int:case_id>/actions/", api.CaseActionsView.as_view(), name="assistance-actions"),
    path(f"{P}actions/<int:pk>/status/", api.ActionStatusView.as_view(), name="assistance-action-status"),
    path(f"{P}actions/<int:pk>/services/", api.ActionServicesView.as_view(), name="assistance-action-services"),
    path(f"{P}cases/<int:case_id>/legal/", api.CaseLegalView.as_view(), name="assistance-legal"),
    path(f"{P}cases/<int:case_id>/counselling/", api.CaseCounsellingView.as_view(), name="assistance-counselling"),
    path(f"{P}cases/<int:case_id>/labour-claims/", api.CaseClaimsView.as_view(), name="assistance-claims"),
    path(f"{P}labour-claims/<int:pk>/status/", api.ClaimStatusView.as_view(), name="assistance-claim-status"),
    path(f"{P}cases/<int:case_id>/court-appointments/", api.CaseCourtView.as_view(), name="assistance-court"),
    path(f"{P}cases/<int:case_id>/compensation/", api.CaseCompensationView.as_view(), name="assistance-compensation"),
    path(f"{P}cases/<int:case_id>/exit-plan/", api.CaseExitView.as_view(), name="assistance-exit"),
    path(f"{P}cases/<int:case_id>/travel-document/", api.TravelDocumentView.as_view(), name="assistance-travel"),
    path(f"{P}cases/<int:case_id>/closure-criteria/", api.ClosureView.as_view(), name="assistance-closure"),
    path(f"{P}follow-ups/<int:pk>/", api.FollowUpView.as_view(), name="assistance-follow-up"),
    path(f"{P}court-appointments/<int:pk>/", api.CourtAppointmentView.as_view(), name="assistance-court-update"),
    path(f"{P}compensation/<int:pk>/", api.CompensationView.as_view(), name="assistance-compensation-update"),
    path(f"{P}non-removal/", api.NonRemovalView.as_view(), name="assistance-non-removal"),
    path(f"{P}return-requests/", api.ReturnRequestsView.as_view(), name="assistance-returns"),
    path(f"{P}reports/", api.ReportsView.as_view(), name="assistance-reports"),
]
