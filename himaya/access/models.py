"""Break-glass grants: time-limited, reasoned access to one out-of-scope record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BreakGlassGrant(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["actor", "object_type", "expires_at"], name="breakglass_actor_idx")]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.object_type}:{self.object_id}"
