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
    path("shelters/managed/", api.ManagedShelterListView.as_view(), name="shelter-managed-list"),
    path("shelters/managed/<int:pk>/", api.ManagedShelterView.as_view(), name="shelter-managed-detail"),
    path("shelters/managed/<int:pk>/active/", api.ManagedShelterActiveView.as_view(), name="shelter-managed-active"),
    path("shelters/facilities/<int:pk>/rooms/", api.ShelterRoomsView.as_view(), name="shelter-rooms"),
    path("shelters/rooms/<int:pk>/", api.RoomView.as_view(), name="shelter-room"),
    path("shelters/rooms/<int:pk>/beds/", api.RoomBedsView.as_view(), name="shelter-room-beds"),
    path("shelters/beds/<int:pk>/", api.BedView.as_view(), name="shelter-bed"),
    path("shelters/beds/<int:pk>/retire/", api.BedRetireView.as_view(), name="shelter-bed-retire"),
    path("shelters/waiting-list/", api.WaitingListView.as_view(), name="shelter-waiting-list"),
    path(
        "shelters/waiting-list/<int:pk>/withdraw/", api.WaitingWithdrawView.as_view(), name="shelter-waiting-withdraw"
    ),
    path(
        "shelters/waiting-list/<int:pk>/priority/", api.WaitingPriorityView.as_view(), name="shelter-waiting-priority"
    ),
]
