"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from django.urls import path, re_path

from himaya.referrals import api

urlpatterns: list = [
    path("referrals/", api.ReferralListView.as_view(), name="referral-list"),
    path("referrals/<int:pk>/", api.ReferralDetailView.as_view(), name="referral-detail"),
    path(
        "referrals/<int:pk>/reconsideration/",
        api.ReferralReconsiderationView.as_view(),
        name="referral-reconsideration",
    ),
    re_path(
        r"^referrals/(?P<pk>\d+)/(?P<action>accept|decline|start|complete|cancel)/$",
        api.ReferralActionView.as_view(),
        name="referral-action",
    ),
]
