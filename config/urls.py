from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("himaya.dashboard.urls")),
    path("accounts/", include("himaya.accounts.urls")),
    path("agencies/", include("himaya.agencies.urls")),
    path("people/", include("himaya.people.urls")),
    path("access/", include("himaya.access.urls")),
    path("cases/", include("himaya.cases.urls")),
    path("intake/", include("himaya.intake.urls")),
    path("screening/", include("himaya.screening.urls")),
    path("consent/", include("himaya.consent.urls")),
    path("referrals/", include("himaya.referrals.urls")),
    path("assistance/", include("himaya.assistance.urls")),
    path("shelters/", include("himaya.shelters.urls")),
    path("notifications/", include("himaya.notifications.urls")),
    path("audit/", include("himaya.audit.urls")),
    path("prevention/", include("himaya.prevention.urls")),
    path("training/", include("himaya.training.urls")),
    path("api/v1/", include("himaya.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
