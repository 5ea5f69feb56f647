from django.urls import path, re_path

from himaya.referrals import views

app_name = "referrals"

urlpatterns = [
    path("inbox/", views.inbox_view, name="inbox"),
    path("outbox/", views.outbox_view, name="outbox"),
    path("directory/", views.directory_view, name="directory"),
    path("directory/hsds.json", views.hsds_view, name="hsds"),
    path("new/<int:case_id>/", views.send_view, name="send"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/reconsideration/", views.reconsideration_view, name="reconsideration"),
    re_path(r"^(?P<pk>\d+)/(?P<action>accept|decline|start|complete|cancel)/$", views.act_view, name="act"),
]
