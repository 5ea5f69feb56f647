from django.urls import path

from himaya.access import views

app_name = "access"

urlpatterns = [
    path("break-glass/", views.break_glass_view, name="break_glass"),
    path("break-glass/mine/", views.my_grants_view, name="my_grants"),
]
