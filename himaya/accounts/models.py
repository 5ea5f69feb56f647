"""Staff accounts. Every account belongs to exactly one agency and holds roles there."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himaya.accounts.roles import MFA_REQUIRED_ROLES, Role
from himaya.core.fields import EncryptedTextField

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
    Role.LABOUR_INSPECTOR: _("Labour inspector"),
    Role.TRAINING_OFFICER: _("Training officer"),
    Role.TRAINER: _("Trainer"),
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


# --- Second factor ------------------------------------------------------------------------------
class TotpDevice(models.Model):
    """A TOTP authenticator app (RFC 6238). One per user; unconfirmed until a first code matches."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField(_("secret"))
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second time step a code was accepted for: a code is never accepted twice.
    last_used_step = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app")

    def __str__(self) -> str:
        return f"totp:{self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use recovery code, stored as a keyed hash (the code itself is shown once)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_lookup")]

    def __str__(self) -> str:
        return f"recovery:{self.user_id}:{self.pk}"


class ThrottleKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    IP = "ip", _("Client address")
    MFA = "mfa", _("Second factor")


class LoginThrottle(models.Model):
    """Failed attempts per account (keyed hash of the e-mail, so unknown e-mails count too),
    per client address, and per user for second-factor codes."""

    kind = models.CharField(max_length=8, choices=ThrottleKind.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="login_throttle_unique")]
        indexes = [models.Index(fields=["window_started"], name="login_throttle_window")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key[:8]}"


class Invitation(models.Model):
    """An invitation to join an agency. The link's token is stored only as a hash."""

    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("full name"), max_length=200)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(_("roles"), default=list)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"invitation:{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    def get_role_labels(self) -> list[str]:
        return [str(ROLE_LABELS[r]) for r in Role if r.value in self.roles]
