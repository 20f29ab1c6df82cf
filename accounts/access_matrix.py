"""The RBAC matrix (issue 11): what a GET of every URL answers to every role.

Kept next to the permission vocabulary (accounts/permissions.py) and checked by
shell/tests/test_access_matrix.py, which walks every URL pattern with the demo data of `make run`
and fails on a URL missing here. The page is opened with objects of Sở Nội vụ (SNV): its monthly
meeting (organised by snv.daumoi, chaired by snv.giamdoc, attended by snv.chuyenvien and
snv.quantri), its documents, the meeting in progress, the demo opinion collection; a user page is
snv.chuyenvien's, a unit page is SNV's. The roles:

- anonymous: not signed in (302 to the sign-in page);
- official, organiser, leader, unit_admin: people of SNV (no right, `organiser`, `leader`,
  `unit_admin`); system_admin: the system administrator;
- guest: an external guest (of VP UBND);
- other_official, other_admin: an official and a unit administrator of Sở Y tế, a unit with no
  part in any demo meeting, collection or document.

Statuses: 200 page (or file); 302 redirect (to sign-in for anonymous); 403 a page of one's reach the
role may not use; 404 outside one's reach (a user never learns that the object exists, Điều 4 and
docs/conventions.md §4); 405 a form's target (POST only).
"""

from __future__ import annotations

ROLES = (
    "anonymous",
    "official",
    "organiser",
    "leader",
    "unit_admin",
    "system_admin",
    "guest",
    "other_official",
    "other_admin",
)
OUTSIDERS = {"guest": 404, "other_official": 404, "other_admin": 404}


def row(default: int, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """Every role answers `default`, anonymous 302 (to sign-in), except the roles named."""
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return {role: overrides.get(role, anonymous if role == "anonymous" else default) for role in ROLES}


PUBLIC = row(200, anonymous=200)  # the sign-in pages, the privacy notice, token links
CLOSED = row(404, anonymous=404)  # allauth pages we do not offer (shell/closed.py)
SIGNED_IN = row(200)  # pages of one's own (account, notifications, lists filtered to the user)
POST_ONLY = row(405)  # a form's target: GET is 405 once signed in
# Admin screens listing what the administrator reaches (404 without an admin right, Điều 4).
ADMIN_LIST = row(404, unit_admin=200, system_admin=200, other_admin=200)
# An SNV user or unit on the admin screens: its administrators only.
ADMIN_OBJECT = row(404, unit_admin=200, system_admin=200)
# Meeting pages: the meeting's people, its unit's administrators, system admins; 404 to outsiders.
MEETING_PAGE = row(200, **OUTSIDERS)
# Organiser pages of a meeting (Perm.MANAGE_ATTENDANCE, MANAGE_DOCUMENTS): the organiser and the
# administrators of the organising unit (meetings.permissions.is_organiser).
ORGANISER_PAGE = row(403, organiser=200, unit_admin=200, system_admin=200, **OUTSIDERS)
# Running the room (Perm.RUN_MEETING, VIEW_CONTRIBUTIONS): the organiser's people and the chair.
RUN_PAGE = row(200, official=403, **OUTSIDERS)

EXPECTED: dict[str, dict[str, int]] = {
    # core, own account
    "home": SIGNED_IN,
    "privacy": PUBLIC,
    "personal_data_export": POST_ONLY,
    "my_account": SIGNED_IN,
    "end_other_sessions": POST_ONLY,
    # allauth: sign-in, password reset (public), closed features (404), two-factor
    "account_login": row(302, anonymous=200),
    "account_signup": row(302, anonymous=200),  # sign-up is closed: the page says so
    "account_logout": SIGNED_IN,
    "account_inactive": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": row(302),  # every account has a password: sent to change it
    "account_confirm_login_code": row(302),  # no login-code flow in progress
    "account_reauthenticate": CLOSED,
    "account_email": CLOSED,  # unit administrators keep the addresses
    "account_email_verification_sent": CLOSED,
    "socialaccount_not_offered": CLOSED,
    "socialaccount_login_cancelled": CLOSED,
    "socialaccount_login_error": CLOSED,
    "socialaccount_signup": CLOSED,
    "socialaccount_connections": CLOSED,
    "allauth_not_offered": CLOSED,
    "account_confirm_email": CLOSED,  # closed whatever the key (shell/closed.py)
    "openid_connect_login": CLOSED,  # no OIDC_* settings: no provider (accounts/sso.py)
    "openid_connect_callback": CLOSED,
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": row(302),  # no two-factor sign-in in progress
    "mfa_reauthenticate": row(302),
    # Set up an app: 200, but the official is sent to the 2FA page (302). An artefact of the walk:
    # the password-reset link it opens is theirs, and allauth's reset token records their address
    # as an unverified EmailAddress, which allauth requires to be verified before adding an app.
    # Self-service reset is off (accounts/tests/test_lockout.py), so no real user meets this.
    "mfa_activate_totp": row(200, official=302),
    "mfa_deactivate_totp": row(404),  # nobody has an app in the demo
    "mfa_view_recovery_codes": row(404),
    "mfa_download_recovery_codes": row(404),
    "mfa_generate_recovery_codes": SIGNED_IN,
    # unit administration (Điều 4)
    "unitadmin:user_list": ADMIN_LIST,
    "unitadmin:user_create": ADMIN_LIST,
    "unitadmin:force_password_change_all": ADMIN_LIST,
    "unitadmin:transfer_list": ADMIN_LIST,
    "unitadmin:unit_list": ADMIN_LIST,
    "unitadmin:user_detail": ADMIN_OBJECT,
    "unitadmin:unit_detail": ADMIN_OBJECT,
    "unitadmin:unit_create": row(403, system_admin=200),  # the unit tree is the system admin's
    "unitadmin:unit_edit": row(403, system_admin=200),
    "unitadmin:unit_details": POST_ONLY,
    "unitadmin:user_right": POST_ONLY,
    "unitadmin:user_set_active": POST_ONLY,
    "unitadmin:user_reset_password": POST_ONLY,
    "unitadmin:user_unlock": POST_ONLY,
    "unitadmin:user_force_password_change": POST_ONLY,
    "unitadmin:user_reset_two_factor": POST_ONLY,
    "unitadmin:user_transfer": POST_ONLY,
    "unitadmin:transfer_decide": POST_ONLY,
    "audit:list": ADMIN_LIST,
    "audit:export": ADMIN_LIST,
    # notifications
    "notifications:list": SIGNED_IN,
    "notifications:read": POST_ONLY,
    "notifications:read_all": POST_ONLY,
    # meetings (room 1 belongs to VP UBND: out of SNV's administrator's reach)
    "meetings:list": SIGNED_IN,
    "meetings:calendar": SIGNED_IN,
    "meetings:calendar_feed": SIGNED_IN,  # one's own feed link
    "meetings:ical_feed": PUBLIC,  # the feed's secret token is the key
    "meetings:approvals": SIGNED_IN,  # the user's own queue: empty for non-approvers
    "meetings:create": row(403, organiser=200),  # Perm.REGISTER_MEETINGS: the organiser right
    "meetings:detail": MEETING_PAGE,
    "meetings:invitation_pdf": MEETING_PAGE,
    "meetings:meeting_ics": MEETING_PAGE,
    "meetings:edit": row(403, **OUTSIDERS),  # the demo meeting is approved: no longer editable
    "meetings:invitation_upload": row(404),  # the demo meeting has no uploaded invitation
    # Perm.RESCHEDULE_MEETING on an approved meeting: organiser (and unit admins) or the approver.
    "meetings:postpone": row(200, official=403, **OUTSIDERS),
    "meetings:dashboard": ORGANISER_PAGE,
    "meetings:rooms": ADMIN_LIST,
    "meetings:room_create": ADMIN_LIST,
    "meetings:room_edit": ADMIN_OBJECT,  # SNV's room
    "meetings:submit": POST_ONLY,
    "meetings:decide": POST_ONLY,
    "meetings:cancel": POST_ONLY,
    "meetings:recommendation": POST_ONLY,
    "meetings:support": POST_ONLY,
    "meetings:delivery_retry": POST_ONLY,
    "meetings:answer": POST_ONLY,
    "meetings:name_attendees": POST_ONLY,
    "meetings:support_resolve": POST_ONLY,
    # documents of the SNV meeting
    "documents:search": SIGNED_IN,  # results filtered to what the user may see
    "documents:approvals": SIGNED_IN,  # the user's own queue
    "documents:view": MEETING_PAGE,
    "documents:thumbnail": MEETING_PAGE,
    "documents:page_image": MEETING_PAGE,
    "documents:pdf": MEETING_PAGE,
    "documents:download": MEETING_PAGE,
    "documents:meeting_panel": MEETING_PAGE,
    "documents:add": ORGANISER_PAGE,
    "documents:restriction": ORGANISER_PAGE,
    # Managers only, 404 to everyone else: attendees never learn of other versions or who read
    # (version 1 is the replaced first version of the demo report).
    "documents:processing_status": row(404, organiser=200, unit_admin=200, system_admin=200),
    "documents:receipts": row(404, organiser=200, unit_admin=200, system_admin=200),
    "documents:versions": row(404, organiser=200, unit_admin=200, system_admin=200),
    "documents:note": row(404, official=200),  # a private note: its writer only
    "documents:retry_processing": POST_ONLY,
    "documents:page_seen": POST_ONLY,
    "documents:notes": POST_ONLY,
    "documents:upload_start": POST_ONLY,
    "documents:approve_many": POST_ONLY,
    "documents:approve": POST_ONLY,
    "documents:return": POST_ONLY,
    "documents:delete": POST_ONLY,
    "documents:upload": row(404),  # an upload exists only while a browser sends it
    "documents:upload_finish": POST_ONLY,
    # the meeting room (the demo meeting in progress for live:qr_checkin, live:floor_decide,
    # live:incident_update; the monthly meeting otherwise)
    "live:room": MEETING_PAGE,
    "live:snapshot": MEETING_PAGE,
    "live:floor_timeline": MEETING_PAGE,
    "live:console": RUN_PAGE,
    "live:comments": RUN_PAGE,
    "live:comments_xlsx": RUN_PAGE,
    "live:votes_xlsx": RUN_PAGE,  # the chair (leader), organiser, unit and system admins; PPC leaders too
    "live:incidents": RUN_PAGE,
    # Check in by the room's QR code: attendees are checked in and sent to the room (302);
    # the organiser, chair and system admin are not attendees (403).
    "live:qr_checkin": row(403, official=302, unit_admin=302, **OUTSIDERS),
    "live:display": PUBLIC,  # the room screen: its secret token is the key
    "live:display_qr": PUBLIC,
    "live:display_snapshot": PUBLIC,
    "live:poll_named": row(404),  # the demo vote is secret: no named list for anyone
    "live:start": POST_ONLY,
    "live:end": POST_ONLY,
    "live:set_current_item": POST_ONLY,
    "live:set_discussion": POST_ONLY,
    "live:conclude_item": POST_ONLY,
    "live:room_settings": POST_ONLY,
    "live:checkin": POST_ONLY,
    "live:mark_attendance": POST_ONLY,
    "live:floor_request": POST_ONLY,
    "live:floor_withdraw": POST_ONLY,
    "live:floor_end": POST_ONLY,
    "live:floor_give": POST_ONLY,
    "live:floor_decide": POST_ONLY,
    "live:comment_add": POST_ONLY,
    "live:incident_report": POST_ONLY,
    "live:incident_update": POST_ONLY,
    "live:poll_create": POST_ONLY,
    "live:poll_open": POST_ONLY,
    "live:poll_close": POST_ONLY,
    "live:poll_vote": POST_ONLY,
    # opinion collection (Perm.VIEW_COLLECTION: creators, followers, the consulted; administrators
    # have no part in it)
    "opinions:list": SIGNED_IN,
    "opinions:create": row(403, organiser=200),
    "opinions:detail": row(404, official=200, organiser=200, leader=200),
    "opinions:attachment": row(404, official=200, organiser=200, leader=200),
    "opinions:receipt": row(404, official=200, organiser=200, leader=200),
    "opinions:results": row(404, official=403, organiser=200, leader=200),
    "opinions:export": row(404, official=403, organiser=200, leader=200),
    "opinions:edit": row(404, official=403, organiser=302, leader=403),  # open: sent to its page
    "opinions:ballot": row(404, official=200),  # the official's signed-ballot PDF: theirs alone
    "opinions:answer": POST_ONLY,
    "opinions:sign_upload": POST_ONLY,
    "opinions:sign_remote": POST_ONLY,
    "opinions:extend": POST_ONLY,
    "opinions:recommendation": POST_ONLY,
    # meeting recordings (Perm.LISTEN_RECORDING: the chair, PPC leaders, people the chair names;
    # RUN_RECORDING: whoever runs the room; GRANT_RECORDING_ACCESS: the chair). Pages of the monthly
    # meeting and of the demo's ended meeting (transcripts/demo.py), both chaired by snv.giamdoc:
    # the official attends and neither runs nor hears the recording.
    "recordings:meeting": row(200, official=404, **OUTSIDERS),
    "recordings:detail": row(200, official=404, **OUTSIDERS),
    "recordings:status": row(200, official=404, **OUTSIDERS),
    "recordings:audio": row(404, leader=200),
    "recordings:download": row(404, leader=200),
    "recordings:upload": row(404),  # a made-up upload id: nobody's
    "recordings:grant": POST_ONLY,
    "recordings:revoke": POST_ONLY,
    "recordings:notice_ack": POST_ONLY,
    "recordings:start": POST_ONLY,
    "recordings:upload_start": POST_ONLY,
    "recordings:upload_finish": POST_ONLY,
    "recordings:chunk": POST_ONLY,
    "recordings:pause": POST_ONLY,
    "recordings:resume": POST_ONLY,
    "recordings:stop": POST_ONLY,
    "recordings:close": POST_ONLY,
    # transcripts of the recordings (transcripts/): read with Perm.LISTEN_RECORDING (the chair here);
    # a segment is named by ?segment=<id>, so without one the correction form and the row are 404.
    "transcripts:page": row(404, leader=200),
    "transcripts:body": row(404, leader=200),
    "transcripts:export_docx": row(404, leader=200),
    "transcripts:export_srt": row(404, leader=200),
    "transcripts:segment": row(404),
    "transcripts:correct": row(404),
    "transcripts:retry": POST_ONLY,
    # minutes and conclusion notices (minutes/): the demo's ended PPC meeting (minutes/demo.py),
    # organised by VP UBND and chaired by ubnd.chutich; snv.giamdoc and snv.chuyenvien attended
    # (readers: Perm.VIEW_MINUTES), the system administrator counts as its organiser (edits). Its
    # notice is issued to Sở Nội vụ among others, so everyone of SNV reads the notice; an issued
    # notice is no longer edited (302 back to it). The versions and their differences are for the
    # editors, the chair and who may hear the recording (minutes.permissions.sees_drafts): 403.
    "minutes:unit_notices": SIGNED_IN,
    "minutes:detail": row(404, official=200, leader=200, system_admin=200),
    "minutes:edit": row(404, official=403, leader=403, system_admin=200),
    "minutes:diff": row(404, official=403, leader=403, system_admin=200),
    "minutes:docx": row(404, official=200, leader=200, system_admin=200),
    "minutes:pdf": row(404, official=200, leader=200, system_admin=200),
    "minutes:notice": row(200, **OUTSIDERS),
    "minutes:notice_edit": row(403, system_admin=302, **OUTSIDERS),
    "minutes:notice_diff": row(403, system_admin=200, **OUTSIDERS),
    "minutes:notice_docx": row(200, **OUTSIDERS),
    "minutes:notice_pdf": row(200, **OUTSIDERS),
    # The chair (ubnd.chutich, none of the roles) signs; the demo minutes are not signed yet.
    "minutes:sign_pdf": row(404, official=403, leader=403, system_admin=403),
    "minutes:signed_pdf": row(404),
    "minutes:sign_upload": POST_ONLY,
    "minutes:sign_remote": POST_ONLY,
    # The notice is signed by the official who issued it (vp.daumoi, none of the roles): the
    # system administrator may edit it but is not its issuer (302 back with the reason).
    "minutes:notice_sign_pdf": row(403, system_admin=302, **OUTSIDERS),
    "minutes:notice_signed_pdf": row(404),
    "minutes:notice_sign_upload": POST_ONLY,
    "minutes:notice_sign_remote": POST_ONLY,
    "minutes:generate": POST_ONLY,
    "minutes:approve": POST_ONLY,
    "minutes:notice_draft": POST_ONLY,
    "minutes:notice_approve": POST_ONLY,
    "minutes:notice_issue": POST_ONLY,
    # signing certificates (Perm.CONFIRM_CERTIFICATE: the user's unit administrator)
    "signing:mine": SIGNED_IN,
    "signing:pending": ADMIN_LIST,
    "signing:confirm": POST_ONLY,
    "signing:revoke": POST_ONLY,
    # assigned work (followups/): the demo's first task is Sở Nội vụ's, snv.chuyenvien in charge (so
    # every SNV role sees it: in charge, document receiver, leader, unit administrator); the PPC
    # Office's every-unit page is the system administrator's here (no VP UBND role in the table).
    # The new-task form of the first meeting, not started: 403 to who sees the meeting.
    "followups:mine": SIGNED_IN,
    "followups:all": row(404, system_admin=200),
    "followups:unit": row(404, organiser=200, leader=200, unit_admin=200, system_admin=200),
    "followups:export": SIGNED_IN,
    "followups:create": row(403, **OUTSIDERS),
    "followups:detail": row(200, **OUTSIDERS),
    "followups:file": row(200, **OUTSIDERS),
    "followups:accept": POST_ONLY,
    "followups:assign": POST_ONLY,
    "followups:progress": POST_ONLY,
    "followups:complete": POST_ONLY,
    "followups:confirm": POST_ONLY,
    "followups:send_back": POST_ONLY,
    "followups:cancel": POST_ONLY,
    "followups:extension": POST_ONLY,
    "followups:decide_extension": POST_ONLY,
    # feedback (feedback/): the form and one's own list for every signed-in user; the handlers'
    # inbox for administrators (a unit administrator's holds only their units' incidents). The
    # demo's first item is snv.chuyenvien's incident outside a meeting, with a file: its sender,
    # Sở Nội vụ's administrator and the system administrator see it; everyone else gets 404.
    "feedback:mine": SIGNED_IN,
    "feedback:create": SIGNED_IN,
    "feedback:inbox": ADMIN_LIST,
    "feedback:detail": row(404, official=200, unit_admin=200, system_admin=200),
    "feedback:file": row(404, official=200, unit_admin=200, system_admin=200),
    "feedback:answer": POST_ONLY,
    "feedback:status": POST_ONLY,
    # statistics (reports/views_stats.py): a unit's administrators and leaders see their unit (SNV's,
    # or Sở Y tế's for its administrator); province viewers every unit; everyone else 403 (no unit
    # named: nothing to hide). Another unit named in ?unit= answers 404 (reports/tests).
    "reports:statistics": row(403, leader=200, unit_admin=200, system_admin=200, other_admin=200),
    "reports:statistics_export": row(403, leader=200, unit_admin=200, system_admin=200, other_admin=200),
    # appendix forms (reports/views_forms.py): who sees a unit's statistics sees its forms Mẫu 01/02
    # and its quarterly reports (the user's own unit when none is named; 404 to whoever sees none);
    # the demo's submitted report is Sở Nội vụ's; every unit's overview: the PPC Office, system admins.
    "reports:forms": row(403, leader=200, unit_admin=200, system_admin=200, other_admin=200),
    "reports:form_export": row(403, leader=200, unit_admin=200, system_admin=200, other_admin=200),
    "reports:submissions": row(403, guest=404, leader=200, unit_admin=200, system_admin=200, other_admin=200),
    "reports:submit": POST_ONLY,
    "reports:submission": row(404, leader=200, unit_admin=200, system_admin=200),
    "reports:submission_export": row(404, leader=200, unit_admin=200, system_admin=200),
    "reports:overview": row(404, system_admin=200),
}


def expected_status(url_name: str, role: str) -> int:
    return EXPECTED[url_name][role]
