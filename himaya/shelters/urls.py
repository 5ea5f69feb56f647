from django.urls import path

from himaya.shelters import views

app_name = "shelters"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("national/", views.national_view, name="national"),
    path("<int:pk>/board/", views.board_view, name="board"),
    path("<int:pk>/board/live/", views.board_live_view, name="board_live"),
    path("admit/<int:referral_id>/", views.admit_view, name="admit"),
    path("admit/<int:referral_id>/wait/", views.waiting_add_view, name="waiting_add"),
    path("emergency/", views.emergency_find_view, name="emergency_find"),
    path("emergency/<int:case_id>/", views.emergency_view, name="emergency"),
    path("stays/<int:pk>/", views.stay_view, name="stay"),
    path("referred/", views.referred_view, name="referred"),
    path("reports/", views.report_view, name="report"),
    path("stays/<int:pk>/discharge.pdf", views.discharge_pdf_view, name="discharge_pdf"),
    path("stays/<int:pk>/discharge/", views.discharge_view, name="discharge"),
    path("stays/<int:pk>/absence/", views.absence_view, name="absence"),
    path("stays/<int:pk>/transfer/", views.transfer_view, name="transfer"),
    path("stays/<int:pk>/review/", views.review_view, name="review"),
    path("absences/<int:pk>/return/", views.absence_return_view, name="absence_return"),
    path("beds/<int:pk>/close/", views.bed_close_view, name="bed_close"),
    path("beds/<int:pk>/reopen/", views.bed_reopen_view, name="bed_reopen"),
    path("manage/", views.manage_view, name="manage"),
    path("manage/new/", views.shelter_new_view, name="shelter_new"),
    path("<int:pk>/edit/", views.shelter_edit_view, name="shelter_edit"),
    path("<int:pk>/active/", views.shelter_active_view, name="shelter_active"),
    path("<int:pk>/rooms/", views.rooms_view, name="rooms"),
    path("<int:pk>/rooms/new/", views.room_new_view, name="room_new"),
    path("rooms/<int:pk>/", views.room_edit_view, name="room"),
    path("rooms/<int:pk>/beds/", views.beds_add_view, name="beds_add"),
    path("beds/<int:pk>/edit/", views.bed_edit_view, name="bed_edit"),
    path("beds/<int:pk>/retire/", views.bed_retire_view, name="bed_retire"),
    path("waiting/<int:pk>/withdraw/", views.waiting_withdraw_view, name="waiting_withdraw"),
    path("waiting/<int:pk>/priority/", views.waiting_priority_view, name="waiting_priority"),
]
