"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from himaya.cases.api import CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")

urlpatterns = list(router.urls)
