from django.urls import path

from himaya.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read/", views.notification_mark_read_view, name="mark_read"),
]
