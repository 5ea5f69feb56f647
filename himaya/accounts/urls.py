from django.urls import path

from himaya.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/", views.mfa_verify_view, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup_view, name="mfa_setup"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/password/", views.password_change_view, name="password_change"),
    path("profile/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("profile/mfa/reset/", views.mfa_reset_view, name="mfa_reset"),
    path("staff/", views.staff_list_view, name="staff"),
    path("staff/invite/", views.staff_invite_view, name="staff_invite"),
    path("staff/<int:pk>/", views.staff_detail_view, name="staff_detail"),
    path("staff/<int:pk>/roles/", views.staff_roles_view, name="staff_roles"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate_view, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views.staff_reactivate_view, name="staff_reactivate"),
    path("staff/<int:pk>/mfa-reset/", views.staff_mfa_reset_view, name="staff_mfa_reset"),
    path("staff/invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("invite/<str:token>/", views.invite_accept_view, name="invite_accept"),
]
