"""Every write of the minutes and conclusion notices: atomic, audited, notifications on commit.

Minutes: generated as version 1 when the meeting ends (`on_meeting_ended`, from live's hook), or
by hand (`do_generate_minutes`); edited by the secretary or organiser as new versions while a
draft; approved by the chair (the number is taken then). Approved minutes are read-only: only a
new version with a reason corrects them, audited as a correction, and the corrected minutes go
back to the chair for approval (the chair is notified).

Notices: drafted from the approved minutes' conclusions, edited the same way, approved by the
chair, issued by the secretary or organiser (number, date, notifications to the attendees and the
people of the concerned units).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import require
from accounts.models import OrgUnit, Right, User
from accounts.permissions import Perm
from audit.log import log_action
from live.models import Attendance, AttendanceStatus
from meetings.models import Answer, Invitation, InvitationKind, Meeting, MeetingStatus
from minutes import generate
from minutes.models import (
    MINUTES_TYPE_CODE,
    NOTICE_TYPE_CODE,
    ConclusionNotice,
    Minutes,
    MinutesStatus,
    MinutesVersion,
    NoticeStatus,
    NoticeVersion,
    SignedCopy,
)
from minutes.sanitize import clean_body, sanitize_html
from notifications.actions import do_notify

logger = logging.getLogger(__name__)

MAX_REASON = 2000


def _ended(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.ENDED:
        raise ValidationError(_("Minutes are written once the meeting has ended."), code="not_ended")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(_("The reason is too long."), code="too_long")
    return reason


# --- minutes -------------------------------------------------------------------------------------


def _new_version(
    target: Minutes | ConclusionNotice, body: str, author: User | None, *, reason: str, generated: bool
) -> MinutesVersion | NoticeVersion:
    last = target.versions.aggregate(n=Max("number"))["n"] or 0
    version: MinutesVersion | NoticeVersion = target.versions.create(
        number=last + 1, body=body, author=author, reason=reason, generated=generated
    )
    return version


_STALE_SAVE = {
    "minutes": gettext_lazy("Someone saved a newer version meanwhile. Open the minutes again and redo your change."),
    "notice": gettext_lazy("Someone saved a newer version meanwhile. Open the notice again and redo your change."),
}
_REASON_REQUIRED = {
    "minutes": gettext_lazy("Approved minutes are corrected only with a reason: write why they are corrected."),
    "notice": gettext_lazy("An approved notice is corrected only with a reason: write why it is corrected."),
}


def _kind(target: Minutes | ConclusionNotice) -> str:
    return "minutes" if isinstance(target, Minutes) else "notice"


def _check_edit(locked: Minutes | ConclusionNotice, base_version: int | None, reason: str) -> bool:
    """Refuse a save started from an older version, or a correction without a reason; say whether
    the save corrects an approved document."""
    current = locked.current_version
    if base_version is not None and current is not None and current.number != base_version:
        raise ValidationError(str(_STALE_SAVE[_kind(locked)]), code="stale")
    correction = locked.status == MinutesStatus.APPROVED  # the same value in NoticeStatus
    if correction and not reason:
        raise ValidationError(str(_REASON_REQUIRED[_kind(locked)]), code="reason_required")
    return correction


def _check_approval(locked: Minutes | ConclusionNotice, version_number: int | None) -> MinutesVersion | NoticeVersion:
    """The version the chair approves: the current one, the one they read."""
    current = locked.current_version
    if current is None:
        raise ValidationError(_("There is no text to approve yet."), code="empty")
    if version_number is not None and current.number != version_number:
        raise ValidationError(_("A newer version was saved meanwhile. Read it before approving."), code="stale")
    return current


def _log_generated(
    minutes: Minutes, meeting: Meeting, actor: User | None, version: MinutesVersion | NoticeVersion
) -> None:
    log_action(
        "minutes.generated",
        actor=actor,
        target=minutes,
        unit=meeting.unit,
        data={"meeting": meeting.pk, "version": version.number},
    )


def _create_minutes(meeting: Meeting, actor: User | None) -> Minutes:
    secretary = generate.pick_secretary(meeting)
    minutes = Minutes.objects.create(
        meeting=meeting,
        issuing_unit=meeting.unit,
        secretary=secretary,
        symbol=f"{MINUTES_TYPE_CODE}-{generate.unit_symbol(meeting.unit)}",
    )
    body = sanitize_html(generate.minutes_body(meeting, secretary))
    _log_generated(minutes, meeting, actor, _new_version(minutes, body, actor, reason="", generated=True))
    return minutes


def on_meeting_ended(meeting: Meeting, actor: User) -> None:
    """live's hook: the draft written when the meeting ends (nothing if minutes exist already)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if Minutes.objects.filter(meeting=locked).exists() or locked.status != MeetingStatus.ENDED:
            return
        _create_minutes(locked, actor)


def do_generate_minutes(actor: User, meeting: Meeting) -> Minutes:
    """Write the draft from the meeting's data: the minutes if there are none yet, or a new draft
    version (the transcript may have arrived since). Not once approved."""
    require(actor, Perm.EDIT_MINUTES, meeting)
    _ended(meeting)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        minutes = Minutes.objects.filter(meeting=locked).first()
        if minutes is None:
            return _create_minutes(locked, actor)
        if minutes.status == MinutesStatus.APPROVED:
            raise ValidationError(
                _("Approved minutes are not regenerated; correct them with a reason."), code="approved"
            )
        body = sanitize_html(generate.minutes_body(locked, minutes.secretary))
        _log_generated(minutes, locked, actor, _new_version(minutes, body, actor, reason="", generated=True))
    return minutes


def _locked_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


def do_save_minutes(
    actor: User, minutes: Minutes, body: str, *, reason: str = "", base_version: int | None = None
) -> MinutesVersion | NoticeVersion:
    """A new version of the body (sanitised). After approval only as a correction with a reason;
    the minutes then go back to the chair for approval. `base_version`: the version the editor
    started from; a newer one stored meanwhile refuses the save (nobody overwrites unseen work)."""
    require(actor, Perm.EDIT_MINUTES, minutes.meeting)
    clean = clean_body(body)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        correction = _check_edit(locked, base_version, reason)
        current = locked.current_version
        if current is not None and current.body == clean:
            raise ValidationError(_("Nothing was changed."), code="unchanged")
        version = _new_version(locked, clean, actor, reason=reason, generated=False)
        if correction:
            locked.status = MinutesStatus.DRAFT
            locked.save(update_fields=["status", "updated_at"])
        log_action(
            "minutes.corrected" if correction else "minutes.edited",
            actor=actor,
            target=locked,
            unit=locked.meeting.unit,
            data={"meeting": locked.meeting_id, "version": version.number, "reason": reason},
        )
        if correction:
            _notify_chair(locked.meeting, version.number, _("The approved minutes were corrected"), reason)
    return version


def _notify_chair(meeting: Meeting, version: int, title: str, reason: str) -> None:
    do_notify(
        [meeting.chair],
        event="minutes.corrected",
        title=f"{title}: {meeting.title}",
        body=_("Version %(n)s. Reason: %(reason)s") % {"n": version, "reason": reason},
        url=reverse("minutes:detail", args=[meeting.pk]),
        target=meeting,
    )


def _next_number(model: type[Minutes] | type[ConclusionNotice], unit: OrgUnit | None, year: int, field: str) -> int:
    rows = model.objects.filter(issuing_unit=unit, **{f"{field}__year": year}, number__isnull=False)
    return (rows.aggregate(n=Max("number"))["n"] or 0) + 1


def do_approve_minutes(actor: User, minutes: Minutes, *, version_number: int | None = None) -> Minutes:
    """The chair approves the current version; the minutes get their number (once)."""
    require(actor, Perm.APPROVE_MINUTES, minutes.meeting)
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        if locked.status == MinutesStatus.APPROVED:
            raise ValidationError(_("These minutes are already approved."), code="already_approved")
        current = _check_approval(locked, version_number)
        now = timezone.now()
        if locked.number is None:
            locked.number = _next_number(Minutes, locked.issuing_unit, now.year, "approved_at")
        locked.status = MinutesStatus.APPROVED
        locked.approved_by, locked.approved_at = actor, now
        locked.save()
        log_action(
            "minutes.approved",
            actor=actor,
            target=locked,
            unit=locked.meeting.unit,
            data={"meeting": locked.meeting_id, "version": current.number, "number": locked.number_and_symbol},
        )
    return locked


# --- conclusion notices --------------------------------------------------------------------------


def default_concerned_units(meeting: Meeting) -> list[OrgUnit]:
    """Units invited as such, and the units of the officials invited (the attendees' units)."""
    ids = set(
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.UNIT).values_list("unit_id", flat=True)
    ) | set(
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER, user__unit__isnull=False).values_list(
            "user__unit_id", flat=True
        )
    )
    ids.discard(None)
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "name"))


def do_draft_notice(actor: User, meeting: Meeting) -> ConclusionNotice:
    """The notice's draft from the approved minutes' conclusions (or a new draft version)."""
    require(actor, Perm.EDIT_NOTICE, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(
            _("The conclusion notice is drafted from approved minutes: have the chair approve the minutes first."),
            code="minutes_not_approved",
        )
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        notice = ConclusionNotice.objects.filter(meeting=meeting).first()
        if notice is not None and notice.status != NoticeStatus.DRAFT:
            raise ValidationError(_("This notice is approved already; it is no longer redrafted."), code="approved")
        if notice is None:
            unit = generate.notice_issuing_unit(meeting)
            notice = ConclusionNotice.objects.create(
                meeting=meeting,
                issuing_unit=unit,
                symbol=f"{NOTICE_TYPE_CODE}-{generate.unit_symbol(unit)}",
                created_by=actor,
            )
            notice.concerned_units.set(default_concerned_units(meeting))
        concerned = list(notice.concerned_units.all())
        body = sanitize_html(generate.notice_body(meeting, concerned, notice.issuing_unit))
        version = _new_version(notice, body, actor, reason="", generated=True)
        log_action(
            "notice.drafted",
            actor=actor,
            target=notice,
            unit=notice.issuing_unit,
            data={"meeting": meeting.pk, "version": version.number},
        )
    return notice


def _locked_notice(notice: ConclusionNotice) -> ConclusionNotice:
    return ConclusionNotice.objects.select_for_update().select_related("meeting").get(pk=notice.pk)


def do_save_notice(
    actor: User,
    notice: ConclusionNotice,
    body: str,
    *,
    concerned_units: Iterable[OrgUnit] | None = None,
    reason: str = "",
    base_version: int | None = None,
) -> MinutesVersion | NoticeVersion | None:
    """A new version of the notice (and its concerned units). Once issued, never; once approved,
    only with a reason, and it goes back to the chair."""
    require(actor, Perm.EDIT_NOTICE, notice.meeting)
    clean = clean_body(body)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _locked_notice(notice)
        if locked.status == NoticeStatus.ISSUED:
            raise ValidationError(_("An issued notice is not changed."), code="issued")
        correction = _check_edit(locked, base_version, reason)
        current = locked.current_version
        units_changed = False
        if concerned_units is not None:
            new_ids = {u.pk for u in concerned_units}
            if new_ids != set(locked.concerned_units.values_list("pk", flat=True)):
                locked.concerned_units.set(list(concerned_units))
                units_changed = True
        version: MinutesVersion | NoticeVersion | None = None
        if current is None or current.body != clean:
            version = _new_version(locked, clean, actor, reason=reason, generated=False)
        elif not units_changed:
            raise ValidationError(_("Nothing was changed."), code="unchanged")
        if correction:
            locked.status = NoticeStatus.DRAFT
        locked.save()
        log_action(
            "notice.corrected" if correction else "notice.edited",
            actor=actor,
            target=locked,
            unit=locked.issuing_unit,
            data={
                "meeting": locked.meeting_id,
                "version": version.number if version else None,
                "reason": reason,
                "concerned_units": sorted(locked.concerned_units.values_list("pk", flat=True)),
            },
        )
    return version


def do_approve_notice(actor: User, notice: ConclusionNotice, *, version_number: int | None = None) -> ConclusionNotice:
    require(actor, Perm.APPROVE_NOTICE, notice.meeting)
    with transaction.atomic():
        locked = _locked_notice(notice)
        if locked.status != NoticeStatus.DRAFT:
            raise ValidationError(_("This notice is already approved."), code="already_approved")
        current = _check_approval(locked, version_number)
        locked.status = NoticeStatus.APPROVED
        locked.approved_by, locked.approved_at = actor, timezone.now()
        locked.save()
        log_action(
            "notice.approved",
            actor=actor,
            target=locked,
            unit=locked.issuing_unit,
            data={"meeting": locked.meeting_id, "version": current.number},
        )
    return locked


def notice_recipients(notice: ConclusionNotice) -> list[User]:
    """The attendees who were present (and every official invited), and the people who receive
    documents for each concerned unit: its document receiver, else its leaders."""
    meeting = notice.meeting
    people: dict[int, User] = {}
    invited = (
        Invitation.objects.filter(meeting=meeting, kind=InvitationKind.USER, user__isnull=False)
        .exclude(answer=Answer.DELEGATED)
        .select_related("user")
    )
    for invitation in invited:
        assert invitation.user is not None  # noqa: S101 - filtered above
        people[invitation.user.pk] = invitation.user
    for attendance in Attendance.objects.filter(
        meeting=meeting, status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE], user__isnull=False
    ).select_related("user"):
        assert attendance.user is not None  # noqa: S101 - filtered above
        people[attendance.user.pk] = attendance.user
    for unit in notice.concerned_units.select_related("document_receiver"):
        if unit.document_receiver is not None:
            people[unit.document_receiver.pk] = unit.document_receiver
            continue
        for leader in User.objects.filter(unit=unit, is_active=True, grants__right=Right.LEADER).distinct():
            people[leader.pk] = leader
    people[meeting.chair_id] = meeting.chair
    return [user for user in people.values() if user.is_active and not user.is_external]


def do_issue_notice(actor: User, notice: ConclusionNotice) -> ConclusionNotice:
    """Issue the approved notice: its number and date, then in-app and email notifications."""
    require(actor, Perm.EDIT_NOTICE, notice.meeting)
    with transaction.atomic():
        locked = _locked_notice(notice)
        if locked.status == NoticeStatus.ISSUED:
            raise ValidationError(_("This notice has been issued already."), code="issued")
        if locked.status != NoticeStatus.APPROVED:
            raise ValidationError(_("The chair approves the notice before it is issued."), code="not_approved")
        now = timezone.now()
        if locked.number is None:
            locked.number = _next_number(ConclusionNotice, locked.issuing_unit, now.year, "issued_at")
        locked.status = NoticeStatus.ISSUED
        locked.issued_by, locked.issued_at = actor, now
        try:
            locked.save()
        except IntegrityError:  # pragma: no cover - the row is locked
            raise ValidationError(_("The notice could not be issued; try again."), code="race") from None
        recipients = notice_recipients(locked)
        log_action(
            "notice.issued",
            actor=actor,
            target=locked,
            unit=locked.issuing_unit,
            data={"meeting": locked.meeting_id, "number": locked.number_and_symbol, "recipients": len(recipients)},
        )
        do_notify(
            recipients,
            event="notice.issued",
            title=_("Conclusion notice: %(title)s") % {"title": locked.meeting.title},
            body=_("The conclusion notice %(number)s of the meeting “%(title)s” was issued.")
            % {"number": locked.number_and_symbol, "title": locked.meeting.title},
            url=reverse("minutes:notice", args=[locked.meeting_id]),
            target=locked,
            sms=False,
        )
    return locked


def visible_notices_q(user: User) -> Q:
    """Issued notices of the user's unit: issued by it or sent to it."""
    if user.unit_id is None or user.is_external:
        return Q(pk__in=[])
    return Q(status=NoticeStatus.ISSUED) & (Q(issuing_unit_id=user.unit_id) | Q(concerned_units=user.unit_id))


def do_log_export(actor: User, target: Minutes | ConclusionNotice, *, what: str) -> None:
    """An export of the minutes or a notice (.docx, .pdf) is recorded in the audit trail."""
    meeting = target.meeting
    log_action(
        "minutes.exported" if isinstance(target, Minutes) else "notice.exported",
        actor=actor,
        target=target,
        unit=meeting.unit,
        data={"meeting": meeting.pk, "format": what},
    )


# --- PAdES signature of the approved minutes / the issued notice by the chair (signing app) -----


def _require_signable(actor: User, target: Minutes | ConclusionNotice) -> MinutesVersion | NoticeVersion:
    """The chair signs the approved minutes (named under them with the secretary); the official who
    issued the notice, named under it, signs the issued notice (its number and date in the PDF)."""
    if isinstance(target, Minutes):
        require(actor, Perm.APPROVE_MINUTES, target.meeting)
        target.refresh_from_db(fields=["status"])
        signable = target.status == MinutesStatus.APPROVED
        refusal = _("Only approved minutes are signed.")
    else:
        require(actor, Perm.EDIT_NOTICE, target.meeting)
        target.refresh_from_db(fields=["status", "issued_by"])
        signable = target.status == NoticeStatus.ISSUED
        refusal = _("The conclusion notice is signed once it has been issued, with its number and date.")
        if signable and target.issued_by_id != actor.pk:
            raise ValidationError(
                _("The notice is signed by the official who issued it and is named under it: %(name)s.")
                % {"name": target.issued_by.display_name if target.issued_by else ""},
                code="wrong_signer",
            )
    current = target.current_version
    if not signable or current is None:
        raise ValidationError(refusal, code="not_approved")
    return current


def _copy_of(target: Minutes | ConclusionNotice) -> dict[str, Minutes | ConclusionNotice]:
    return {"minutes": target} if isinstance(target, Minutes) else {"notice": target}


def do_prepare_signing(actor: User, target: Minutes | ConclusionNotice) -> SignedCopy:
    """The PDF of the version to sign (made once per version and kept: a signing tool appends its
    signature to exactly these bytes, which the upload is checked against)."""
    from minutes.export import document_docx, to_pdf

    current = _require_signable(actor, target)
    existing = (
        SignedCopy.objects.filter(**_copy_of(target), version_number=current.number, signer=actor)
        .exclude(original="")
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    pdf = to_pdf(document_docx(target, current.body))
    with transaction.atomic():
        copy = SignedCopy(**_copy_of(target), version_number=current.number, signer=actor)
        copy.original.save(f"{target.file_stem}-v{current.number}.pdf", ContentFile(pdf), save=False)
        copy.save()
        log_action(
            f"{_kind(target)}.signing_prepared",
            actor=actor,
            target=target,
            unit=target.meeting.unit,
            data={"meeting": target.meeting_id, "version": current.number},
        )
    return copy


def do_submit_signed(actor: User, target: Minutes | ConclusionNotice, signed: bytes) -> SignedCopy:
    """The PDF came back signed (own tool or remote service): verified by signing.verify (the
    chair's confirmed certificate, a trusted root, the very file handed out), then kept."""
    from signing.verify import DOCUMENT, verify_signed_ballot

    current = _require_signable(actor, target)
    copy = do_prepare_signing(actor, target)
    with copy.original.open("rb") as handle:
        original = handle.read()
    verified = verify_signed_ballot(signed, original=original, user=actor, wording=DOCUMENT)
    with transaction.atomic():
        locked = SignedCopy.objects.select_for_update().get(pk=copy.pk)
        if locked.signed_at is not None:
            raise ValidationError(_("This version is signed already."), code="signed")
        locked.file.save(f"{target.file_stem}-v{current.number}-da-ky.pdf", ContentFile(signed), save=False)
        locked.signed_at = timezone.now()
        locked.sha256 = hashlib.sha256(signed).hexdigest()
        locked.certificate_sha256 = verified.cert_sha256
        locked.save()
        log_action(
            f"{_kind(target)}.signed",
            actor=actor,
            target=target,
            unit=target.meeting.unit,
            data={"meeting": target.meeting_id, "version": current.number, "certificate": verified.cert_sha256},
        )
    return locked


def do_sign_remotely(actor: User, target: Minutes | ConclusionNotice, *, pin: str = "", otp: str = "") -> SignedCopy:
    """Sign with the chair's remote-signing service (CSC), then keep it as an uploaded one."""
    from signing.csc import sign_remotely
    from signing.models import RemoteSigningAccount

    _require_signable(actor, target)
    account = RemoteSigningAccount.objects.filter(user=actor).first()
    if account is None:
        raise ValidationError(
            _("Set up your remote signing service first (My account → Digital signature)."), code="no_account"
        )
    copy = do_prepare_signing(actor, target)
    with copy.original.open("rb") as handle:
        original = handle.read()
    return do_submit_signed(actor, target, sign_remotely(original, account, pin=pin, otp=otp))
