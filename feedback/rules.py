"""Who handles a feedback item, and the page address a sender may give (docs/feedback.md).

Routing: an incident outside a meeting goes to the administrators of the sender's unit (those who
administer it: its own unit administrators and those of the units above it); every other category
goes to the system administrators. System administrators handle every item, whatever its category;
an incident whose unit has no active administrator is announced to them instead.

The page address is kept as a path of this site only ("/meetings/7/"): a sender may paste the
full address of a page of this site (http or https, a host of this site), which is stored without
its scheme and host; any other address is refused. The pages show it as a link only because it is
a path of this site, so a feedback item never links to, nor redirects to, another site.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Right, RightGrant, User
from accounts.permissions import administers, is_system_admin
from feedback.models import Feedback

PAGE_ADDRESS_MAX = 500


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal of one field of the form, with its code (kept on the field's error)."""
    return ValidationError({field: ValidationError(message, code=code)})


def site_hosts(extra: Iterable[str] = ()) -> set[str]:
    """The host names of this site: SITE_URL's, plus those the caller adds (the request's host)."""
    hosts = {urlsplit(settings.SITE_URL).netloc}
    hosts.update(h for h in extra if h)
    return {h for h in hosts if h}


def is_site_path(value: str) -> bool:
    """A path of this site, safe as a link: "/..." but not "//host" nor with a backslash or a
    control character (browsers read "/\\host" and "/\tx" as other hosts)."""
    return (
        value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(c) < 33 or ord(c) == 127 for c in value)
    )


def clean_page_address(value: str, *, hosts: Iterable[str] = ()) -> str:
    """The page address as a path of this site, "" when none is given; a ValidationError for an
    address of another site, a malformed one, or one that is too long."""
    raw = (value or "").strip()
    if not raw:
        return ""
    refusal = field_error(
        "page_address",
        _("Give the address of a page of eCabinet (for example /meetings/), or leave it empty."),
        "page_address",
    )
    if len(raw) > PAGE_ADDRESS_MAX:
        raise field_error(
            "page_address",
            _("The page address is too long (at most %(n)s characters).") % {"n": PAGE_ADDRESS_MAX},
            "too_long",
        )
    if is_site_path(raw):
        return raw
    if any(ord(c) < 33 or ord(c) == 127 for c in raw) or "\\" in raw:
        raise refusal
    allowed = site_hosts(hosts)
    if not url_has_allowed_host_and_scheme(raw, allowed_hosts=allowed, require_https=False):
        raise refusal
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or parts.netloc not in allowed or parts.username or parts.password:
        raise refusal
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if parts.fragment:
        path += f"#{parts.fragment}"
    if not is_site_path(path) or len(path) > PAGE_ADDRESS_MAX:
        raise refusal
    return path


def referer_path(referer: str, *, hosts: Iterable[str]) -> str:
    """The page the form was opened from (the Referer header) as a path of this site, or ""."""
    try:
        path = clean_page_address(referer, hosts=hosts)
    except ValidationError:
        return ""
    # Opened from a feedback page itself (the list, the form): nothing worth reporting.
    return "" if path.startswith("/feedback/") or path.startswith("/auth/") else path


def handles(user: User, item: Feedback) -> bool:
    """System administrators handle every item; the sender unit's administrators its incidents."""
    if is_system_admin(user):
        return True
    return item.for_unit and administers(user, item.sender_unit)


def system_admins() -> list[User]:
    holders = RightGrant.objects.filter(right=Right.SYSTEM_ADMIN).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True, is_external=False).order_by("pk"))


def unit_admins(unit: OrgUnit) -> list[User]:
    """The active administrators of `unit`: its own unit administrators and those of the units above."""
    holders = RightGrant.objects.filter(right=Right.UNIT_ADMIN).values("user_id")
    above = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return list(
        User.objects.filter(
            Q(unit_id__in=above) | Q(unit=unit), pk__in=holders, is_active=True, is_external=False
        ).order_by("pk")
    )


def handlers(item: Feedback) -> list[User]:
    """Who is told of a new item: the sender unit's administrators for an incident (the system
    administrators when the unit has none), the system administrators for every other category."""
    if item.for_unit and item.sender_unit is not None:
        people = [u for u in unit_admins(item.sender_unit) if u.pk != item.sender_id]
        if people:
            return people
    return [u for u in system_admins() if u.pk != item.sender_id]
