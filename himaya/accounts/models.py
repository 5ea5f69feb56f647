"""Staff accounts. Every account belongs to exactly one agency and holds roles there."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.accounts.roles import MFA_REQUIRED_ROLES, Role

ROLE_LABELS = {
    Role.FIRST_RESPONDER: _("First responder"),
    Role.CASE_WORKER: _("Case worker"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.NRM_COORDINATOR: _("NRM coordinator"),
    Role.SERVICE_PROVIDER: _("Service provider"),
    Role.ANALYST: _("Analyst"),
    Role.AUDITOR: _("Auditor"),
    Role.AGENCY_ADMIN: _("Agency administrator"),
    Role.SYSTEM_ADMIN: _("System administrator"),
}
ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())


class CalendarPreference(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    GREGORIAN_HIJRI = "gregorian_hijri", _("Gregorian with Hijri")


class User(AbstractBaseUser):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff"
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=[("ar", "العربية"), ("en", "English")], default="ar"
    )
    calendar = models.CharField(
        _("calendar"), max_length=20, choices=CalendarPreference.choices, default=CalendarPreference.GREGORIAN_HIJRI
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Integration accounts (other systems) use API tokens only and cannot sign in to pages.
    is_integration = models.BooleanField(_("integration account"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def role_set(self) -> frozenset[Role]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(Role(r) for r in self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def mfa_required(self) -> bool:
        return bool(self.role_set & MFA_REQUIRED_ROLES) and not self.is_integration

    # Django admin is not used; these keep contrib.auth helpers happy.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def get_role_labels(self) -> list[str]:
        return [str(ROLE_LABELS[r]) for r in Role if r in self.role_set]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"
