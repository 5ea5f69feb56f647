"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path

from himaya.shelters import api

urlpatterns: list = [
    path("shelters/facilities/", api.ShelterListView.as_view(), name="shelter-list"),
    path("shelters/occupancy/", api.OccupancyView.as_view(), name="shelter-occupancy"),
    path("shelters/facilities/<int:pk>/", api.ShelterDetailView.as_view(), name="shelter-detail"),
    path("shelters/facilities/<int:pk>/beds/", api.ShelterBedsView.as_view(), name="shelter-beds"),
    path("shelters/beds/<int:pk>/close/", api.BedCloseView.as_view(), name="shelter-bed-close"),
    path("shelters/beds/<int:pk>/reopen/", api.BedReopenView.as_view(), name="shelter-bed-reopen"),
    path("shelters/admissions/", api.AdmissionView.as_view(), name="shelter-admission"),
    path("shelters/emergency-admissions/", api.EmergencyAdmissionView.as_view(), name="shelter-emergency"),
    path("shelters/stays/", api.StayListView.as_view(), name="shelter-stay-list"),
    path("shelters/stays/<int:pk>/", api.StayDetailView.as_view(), name="shelter-stay-detail"),
    path("shelters/stays/<int:pk>/transfer/", api.TransferView.as_view(), name="shelter-stay-transfer"),
    path("shelters/stays/<int:pk>/absences/", api.AbsenceStartView.as_view(), name="shelter-stay-absence"),
    path("shelters/stays/<int:pk>/discharge/", api.DischargeView.as_view(), name="shelter-stay-discharge"),
    path("shelters/absences/<int:pk>/return/", api.AbsenceReturnView.as_view(), name="shelter-absence-return"),
]
