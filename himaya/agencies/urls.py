from django.urls import path

from himaya.agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list_view, name="list"),
    path("<int:pk>/", views.agency_detail_view, name="detail"),
    path("<int:pk>/edit/", views.agency_edit_view, name="edit"),
    path("<int:pk>/services/add/", views.service_add_view, name="service_add"),
    path("<int:pk>/services/<int:service_pk>/edit/", views.service_edit_view, name="service_edit"),
    path("<int:pk>/services/<int:service_pk>/remove/", views.service_remove_view, name="service_remove"),
]
