"""The REST API, mounted at /api/v1/ (see docs: /api/v1/docs/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from himaya.api import views
from himaya.assistance import api_urls as assistance_api
from himaya.cases import api_urls as cases_api
from himaya.consent import api_urls as consent_api
from himaya.intake import api_urls as intake_api
from himaya.notifications import api_urls as notifications_api
from himaya.prevention import api_urls as prevention_api
from himaya.referrals import api_urls as referrals_api
from himaya.screening import api_urls as screening_api
from himaya.shelters import api_urls as shelters_api
from himaya.training import api_urls as training_api

app_name = "api"

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("people", views.PersonViewSet, basename="person")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("audit/events/", views.AuditEventListView.as_view(), name="audit-event-list"),
    path("staff/", views.StaffListView.as_view(), name="staff-list"),
    # The schema and its docs need a signed-in caller too: the API's shape is not public information.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated]),
        name="docs",
    ),
    *router.urls,
    # Each NRM app declares its own endpoints; they share the `api` namespace.
    *cases_api.urlpatterns,
    *intake_api.urlpatterns,
    *screening_api.urlpatterns,
    *consent_api.urlpatterns,
    *referrals_api.urlpatterns,
    *notifications_api.urlpatterns,
    *assistance_api.urlpatterns,
    *prevention_api.urlpatterns,
    *shelters_api.urlpatterns,
    *training_api.urlpatterns,
]
