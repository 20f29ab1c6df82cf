"""Organisation units, users and the rights granted to them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "ubnd", _("People's Committee")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department, board or agency")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")


class OrgUnit(models.Model):
    """A unit of the province: the PPC, its Office, departments, communes and wards.

    `path` is the materialised path of unit ids ("/1/5/"), so a unit admin's reach
    (their unit and every unit below it) is one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    document_receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("document receiver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Receives invitations and ballots addressed to the whole unit."),
    )
    meeting_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("meeting approver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Approves this unit's meeting registrations. Empty: any leader of the unit."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Contact data the unit's administrators keep current (Điều 9.2d).
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: OrgUnit) -> bool:
        """True when self is `other` or below it."""
        return self.path.startswith(other.path)

    def descendants_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}path__startswith": self.path})


class Right(models.TextChoices):
    """The one vocabulary of rights; accounts.permissions decides what each allows."""

    SYSTEM_ADMIN = "system_admin", _("System administrator")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    ORGANISER = "organiser", _("Meeting organiser")
    LEADER = "leader", _("Unit leader (approver)")
    OPINION_COLLECTOR = "opinion_collector", _("Opinion collector")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"),
        max_length=64,
        unique=True,
        help_text=_("Letters, digits and . _ - only."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    receive_email = models.BooleanField(_("receive notifications by email"), default=True)
    receive_sms = models.BooleanField(_("receive notifications by SMS"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    is_external = models.BooleanField(_("external guest"), default=False)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    # Password policy state (Điều 4.5).
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                # External guests belong to the unit that hosts them; only a bootstrap
                # superuser made with `createsuperuser` may have no unit.
                condition=Q(unit__isnull=False) | Q(is_superuser=True),
                name="official_has_unit",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def rights(self) -> frozenset[str]:
        """The user's rights, cached on the instance for the request."""
        cached: frozenset[str] | None = getattr(self, "_rights_cache", None)
        if cached is None:
            cached = frozenset(self.grants.values_list("right", flat=True))
            self._rights_cache = cached
        return cached

    def forget_rights(self) -> None:
        self.__dict__.pop("_rights_cache", None)


class RightGrant(models.Model):
    """A right held by a user in their unit. Granted and revoked only through accounts.actions.rights."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    right = models.CharField(_("right"), max_length=32, choices=Right.choices)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "right"], name="one_grant_per_right")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_right_display()}"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so the last N cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """One signed-in browser: lets users and admins list and end sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user_id} from {self.ip}"


class LoginFailure(models.Model):
    """Failed sign-ins by address, for the per-IP limit (usernames may not exist)."""

    ip = models.GenericIPAddressField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving unit")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class TransferRequest(models.Model):
    """A move of a user between units (Điều 4.3a) that needs both units' admins.

    The sending unit's admin proposes; an admin of the receiving unit accepts or declines.
    A system admin, or an admin whose reach covers both units, transfers directly.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    new_position = models.CharField(_("new position"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_transfer_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.from_unit_id} -> {self.to_unit_id} ({self.status})"
