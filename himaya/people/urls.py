from django.urls import path

from himaya.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("new/", views.person_create_view, name="create"),
    path("<int:pk>/", views.person_detail_view, name="detail"),
    path("<int:pk>/edit/", views.person_edit_view, name="edit"),
    path("<int:pk>/aliases/", views.alias_add_view, name="alias_add"),
    path("<int:pk>/documents/", views.document_add_view, name="document_add"),
]
