from django.urls import path

from himaya.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list_view, name="events"),
    path("<int:seq>/", views.event_detail_view, name="event"),
    path("break-glass/", views.break_glass_view, name="break_glass"),
]
