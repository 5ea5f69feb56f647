"""API routes of this app, mounted under /api/v1/ in the `api` namespace."""

from rest_framework.routers import SimpleRouter

from himaya.intake.api import IntakeDraftViewSet

router = SimpleRouter()
router.register("intake/drafts", IntakeDraftViewSet, basename="intake-draft")

urlpatterns = list(router.urls)
