"""The user interface is Vietnamese (Điều 3 of the regulation: a Vietnamese system for Vietnamese
officials): every page, as every role sees it, shows no English word.

The test walks every URL pattern, fills the path parameters with the demo data of `make run`
(`manage.py seed_demo`, seeded once for this module), opens each page as a system administrator, a
unit administrator, an organiser, a leader, an official, an external guest and an anonymous
visitor, and looks in the visible text (plus the title, placeholder, aria-label and alt attributes,
the value of buttons and the confirmation questions) for words of the English catalogue that are
not also Vietnamese words, proper names or data. A failure names the page, the user, the word and
its context. Every pattern is filled except the few in UNFILLABLE (each with its reason); files
(PDF, XLSX, PNG, ICS, JSON) are not word-checked, but each in FILES must answer 200 to the roles
that may have it.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.demo import seed_demo
from accounts.models import User
from core.demo import seed_all

# Words that are the same in a Vietnamese interface: product, format and protocol names.
ALLOWED_WORDS = {
    "ecabinet",
    "pdf",
    "excel",
    "word",
    "powerpoint",
    "docx",
    "xlsx",
    "pptx",
    "csv",
    "ics",
    "ical",
    "qr",
    "ok",
    "email",
    "sms",
    "url",
    "id",
    "ip",
    "otp",
    "pin",
    "zalo",
    "html",
    "json",
    "csc",
    "pades",
    "ca",
    "usb",
    "wifi",
    "online",
    "website",
    "google",
    "outlook",
    "calendar",  # "Google Calendar", the product, on the calendar feed help
    "png",
    "jpg",
    "jpeg",
}

# Known offenders still to fix, per URL name, with the reason (the lead fixes these; an entry
# whose word no longer appears makes test_the_allowlist_has_no_stale_entries fail).
KNOWN_OFFENDERS: dict[str, dict[str, str]] = {}

# Common English interface words that may reach a page from Django or a library without being in
# our catalogue (form widgets, dates), besides every word of our English catalogue.
EXTRA_ENGLISH = """
the and or of to for with from this that your you please yes no none unknown required field
invalid enter valid error errors select choose file files browse currently change clear submit
save cancel delete edit remove add new back next previous page search filter all more close
open show hide view download upload send sign login logout password username name date time
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow am pm
""".split()

LOCALE = Path(settings.BASE_DIR) / "locale"
ROLES = {
    "system admin": "admin",
    "unit admin": "snv.quantri",
    "organiser": "snv.daumoi",
    "leader": "snv.giamdoc",
    "official": "snv.chuyenvien",
    "guest": "khach.minhphat",
    "anonymous": "",
}
# Pages that are not pages: the static files, the language switch, the health check.
SKIPPED_URL_NAMES = {"set_language", "javascript-catalog", "healthz"}
# Patterns the demo data cannot fill, by design.
UNFILLABLE = {
    # allauth's email confirmation is closed (shell/closed.py: unit administrators keep the
    # addresses); its URL answers 404 whatever the key.
    "account_confirm_email",
    # An upload exists only while a browser is sending a file (documents/upload.py), and both URLs
    # answer JSON to the upload script (documents/tests/test_upload.py covers them).
    "documents:upload",
    "documents:upload_finish",
    # The same protocol for an audio file (recordings/views_api.py; recordings/tests/test_upload.py).
    "recordings:upload",
    "recordings:upload_finish",
    # Single sign-on through the province's OpenID Connect server (accounts/sso.py): configured by
    # OIDC_* settings, which a demo machine has not; without a provider both answer 404.
    "openid_connect_login",
    "openid_connect_callback",
}
# Files and other answers that are not pages: not word-checked, but each must answer 200 (with a
# body that is not HTML) to these roles, with the demo data.
FILES: dict[str, set[str]] = {
    "audit:export": {"system admin", "unit admin"},
    "documents:page_image": {"organiser", "leader", "official"},
    "documents:pdf": {"organiser", "leader", "official"},
    "documents:download": {"organiser", "leader", "official"},
    "documents:thumbnail": {"organiser", "leader", "official"},
    "documents:processing_status": {"organiser"},
    "opinions:ballot": {"official"},
    "opinions:attachment": {"organiser", "official"},
    "opinions:export": {"organiser"},
    "live:display_qr": {"anonymous"},
    "live:display_snapshot": {"anonymous"},
    "live:snapshot": {"organiser", "leader", "official"},
    "live:comments_xlsx": {"organiser", "leader"},
    "live:votes_xlsx": {"organiser", "leader"},
    "minutes:docx": {"leader", "official"},
    "minutes:pdf": {"leader", "official"},
    "minutes:notice_docx": {"leader", "official"},
    "minutes:notice_pdf": {"leader", "official"},
    "meetings:ical_feed": {"anonymous"},
    "meetings:meeting_ics": {"organiser", "leader", "official"},
    "meetings:invitation_pdf": {"organiser", "leader", "official"},
    "feedback:file": {"official", "unit admin", "system admin"},
    "reports:statistics_export": {"system admin", "unit admin", "leader"},
    "reports:form_export": {"system admin", "unit admin", "leader"},
    "reports:submission_export": {"system admin", "unit admin", "leader"},
}
MAX_PAGES_PER_PATTERN_AND_USER = 3
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
NOT_WORDS = re.compile(
    r"\S+@\S+"  # email addresses
    r"|\b\w+://\S+"  # links
    r"|%\(\w+\)[sd]|\{\w*\}"  # placeholders of a msgid
    r"|\b[\w-]+\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|csv|png|jpe?g|txt|ics|p7s|svg)\b"  # file names
    r"|\b\w+(?:\.\w+)+\b",  # dotted codes and usernames (vp.daumoi, meeting.approved)
    re.IGNORECASE,
)


# --- Word lists --------------------------------------------------------------------------------


def po_texts(path: Path, field: str) -> Iterator[str]:
    """The msgid (with msgid_plural) or msgstr (with msgstr[n]) texts of a .po file."""
    if not path.exists():
        return
    wanted = ("msgid ", "msgid_plural ") if field == "msgid" else ("msgstr ", "msgstr[")
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith('"'):
            if current is not None:
                current.append(_unquote(line))
            continue
        if current is not None:
            yield "".join(current)
        current = [_unquote(line.split(" ", 1)[1])] if line.startswith(wanted) else None
    if current is not None:
        yield "".join(current)


def _unquote(text: str) -> str:
    return text.strip().strip('"').replace('\\"', '"').replace("\\n", " ")


def words_of(text: str) -> set[str]:
    text = NOT_WORDS.sub(" ", re.sub(r"<[^>]+>", " ", text))
    return {w.lower() for w in WORD.findall(text) if w.isascii() and len(w) > 1}


def data_words() -> set[str]:
    """Words of the demo data (names of people, units, rooms; titles): data, not interface."""
    found: set[str] = set()
    for label in ("accounts", "meetings", "opinions", "polls", "documents", "live", "signing"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            fields = [
                f.name
                for f in model._meta.fields
                if isinstance(f, (models.CharField, models.TextField)) and not f.choices
            ]
            for row in model._default_manager.values_list(*fields) if fields else []:
                for value in row:
                    if value:
                        found |= words_of(str(value))
    return found


def english_words() -> set[str]:
    english: set[str] = set(EXTRA_ENGLISH)
    vietnamese: set[str] = set()
    for domain in ("django", "djangojs"):
        for msgid in po_texts(LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po", "msgid"):
            english |= words_of(msgid)
        for msgstr in po_texts(LOCALE / "vi" / "LC_MESSAGES" / f"{domain}.po", "msgstr"):
            vietnamese |= words_of(msgstr)
    return english - vietnamese - ALLOWED_WORDS


# --- Visible text ------------------------------------------------------------------------------

SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "hx-confirm", "data-confirm"}
BUTTON_INPUTS = {"submit", "button", "reset"}


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside <script>/<style>, and the attributes shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
            return
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(f" {values[name]} ")
        if tag == "input" and (values.get("type") or "") in BUTTON_INPUTS and values.get("value"):
            self.parts.append(f" {values['value']} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts)).strip()


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    parser.close()
    return html.unescape(parser.text())


@dataclass
class Offence:
    url_name: str
    path: str
    role: str
    word: str
    context: str

    def __str__(self) -> str:
        return f"{self.path} ({self.url_name}) as {self.role}: {self.word!r} in “…{self.context}…”"


def english_in(text: str, english: set[str]) -> Iterator[tuple[str, str]]:
    cleaned = NOT_WORDS.sub(" ", text)
    for match in WORD.finditer(cleaned):
        word = match.group().lower()
        if word in english:
            start, end = max(match.start() - 40, 0), match.end() + 40
            yield word, cleaned[start:end]


# --- URL patterns and their parameters -----------------------------------------------------------


def url_patterns(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _pks(app_label: str, model_name: str, **filters: Any) -> Callable[[], list[Any]]:
    def lookup() -> list[Any]:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return []
        return list(model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True)[:6])

    return lookup


def _values(app_label: str, model_name: str, field: str) -> Callable[[], list[Any]]:
    def lookup() -> list[Any]:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return []
        return list(model._default_manager.order_by("pk").values_list(field, flat=True)[:3])

    return lookup


PARAMETERS: dict[str, Callable[[], list[Any]]] = {
    "user_id": _pks("accounts", "User", username__in=list(ROLES.values())),
    "unit_id": _pks("accounts", "OrgUnit", code__in=["UBND37", "VPUBND", "SNV", "STC"]),
    "transfer_id": _pks("accounts", "TransferRequest"),
    "notification_id": _pks("notifications", "Notification"),
    "meeting_id": _pks("meetings", "Meeting"),
    "invitation_id": _pks("meetings", "Invitation"),
    "room_id": _pks("meetings", "Room"),
    "document_id": _pks("documents", "Document"),
    "version_id": _pks("documents", "DocumentVersion"),
    "note_id": _pks("documents", "PrivateNote"),
    "number": lambda: [1],
    "collection_id": _pks("opinions", "Collection"),
    "binding_id": _pks("signing", "CertificateBinding"),
    "incident_id": _pks("live", "Incident"),
    "poll_id": _pks("polls", "Poll"),
    "recording_id": _pks("recordings", "Recording"),
    "task_id": _pks("followups", "Task"),
    "report_file_id": _pks("followups", "ProgressFile"),
    "feedback_id": _pks("feedback", "Feedback"),
    "feedback_file_id": _pks("feedback", "FeedbackFile"),
    "report_id": _pks("reports", "QuarterlyReport"),
}
# Parameters whose meaning depends on the page.
PAGE_PARAMETERS: dict[str, dict[str, Callable[[], list[Any]]]] = {
    "live:display": {"token": _values("live", "LiveState", "display_token")},
    "recordings:chunk": {"seq": lambda: [0]},  # POST only (the console's recorder)
    "live:display_qr": {"token": _values("live", "LiveState", "display_token")},
    "live:display_snapshot": {"token": _values("live", "LiveState", "display_token")},
    "meetings:support_resolve": {"request_id": _pks("meetings", "SupportRequest")},
    "meetings:ical_feed": {"token": _values("meetings", "CalendarFeed", "token")},
    "audit:export": {"fmt": lambda: ["csv", "xlsx"]},
    "reports:form_export": {"form": lambda: ["mau01", "mau02"], "fmt": lambda: ["xlsx", "docx"]},
    "reports:submission_export": {"form": lambda: ["mau01", "mau02"], "fmt": lambda: ["xlsx", "docx"]},
    "unitadmin:transfer_decide": {"decision": lambda: ["accept"]},
}


def _revisions() -> list[dict[str, Any]]:
    rows = apps.get_model("opinions", "AnswerRevision").objects.exclude(ballot="").order_by("-pk")
    return [{"collection_id": r.collection_id, "revision_id": r.pk} for r in rows[:3]]


def _attachments() -> list[dict[str, Any]]:
    rows = apps.get_model("opinions", "QuestionAttachment").objects.select_related("question").order_by("pk")
    return [{"collection_id": a.question.poll_id, "attachment_id": a.pk} for a in rows[:3]]


def _floor_requests() -> list[dict[str, Any]]:
    rows = apps.get_model("live", "SpeakRequest").objects.order_by("pk")
    return [{"meeting_id": r.meeting_id, "request_id": r.pk, "step": "grant"} for r in rows[:3]]


def _incidents() -> list[dict[str, Any]]:
    rows = apps.get_model("live", "Incident").objects.order_by("pk")
    return [{"meeting_id": i.meeting_id, "incident_id": i.pk} for i in rows[:3]]


def _room_codes() -> list[dict[str, Any]]:
    from live.rules import qr_code

    rows = apps.get_model("live", "LiveState").objects.filter(started_at__isnull=False).order_by("pk")
    return [{"meeting_id": live.meeting_id, "code": qr_code(live, timezone.now())} for live in rows[:3]]


def _failed_deliveries() -> list[dict[str, Any]]:
    rows = apps.get_model("notifications", "Delivery").objects.filter(status="failed", target_type="meetings.meeting")
    return [{"meeting_id": int(d.target_id), "delivery_id": d.pk} for d in rows.order_by("pk")[:3]]


def _password_reset_keys() -> list[dict[str, Any]]:
    """A valid link (allauth sends it on to the form) and a stale one (its "invalid link" page)."""
    user = User.objects.get(username="snv.chuyenvien")
    uid = user_pk_to_url_str(user)
    return [{"uidb36": uid, "key": default_token_generator.make_token(user)}, {"uidb36": uid, "key": "het-han-1a2b"}]


def _minutes_meetings() -> list[dict[str, Any]]:
    """The demo's ended meeting with approved minutes and an issued notice (minutes/demo.py) first."""
    rows = apps.get_model("minutes", "ConclusionNotice").objects.filter(status="issued").order_by("pk")
    return [{"meeting_id": n.meeting_id} for n in rows[:1]]


# Pages whose parameters belong together (a revision of that collection, ...): whole keyword sets.
PAGE_KWARGS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "opinions:ballot": _revisions,
    "opinions:sign_upload": _revisions,
    "opinions:sign_remote": _revisions,
    "opinions:attachment": _attachments,
    "live:floor_decide": _floor_requests,
    "live:incident_update": _incidents,
    "live:qr_checkin": _room_codes,
    "meetings:delivery_retry": _failed_deliveries,
    "account_reset_password_from_key": _password_reset_keys,
    "minutes:detail": _minutes_meetings,
    "minutes:generate": _minutes_meetings,
    "minutes:edit": _minutes_meetings,
    "minutes:approve": _minutes_meetings,
    "minutes:diff": _minutes_meetings,
    "minutes:docx": _minutes_meetings,
    "minutes:pdf": _minutes_meetings,
    "minutes:notice": _minutes_meetings,
    "minutes:notice_draft": _minutes_meetings,
    "minutes:notice_edit": _minutes_meetings,
    "minutes:notice_approve": _minutes_meetings,
    "minutes:notice_issue": _minutes_meetings,
    "minutes:notice_diff": _minutes_meetings,
    "minutes:notice_docx": _minutes_meetings,
    "minutes:notice_pdf": _minutes_meetings,
    "minutes:sign_pdf": _minutes_meetings,
    "minutes:sign_upload": _minutes_meetings,
    "minutes:sign_remote": _minutes_meetings,
    "minutes:signed_pdf": _minutes_meetings,
    "minutes:notice_sign_pdf": _minutes_meetings,
    "minutes:notice_sign_upload": _minutes_meetings,
    "minutes:notice_sign_remote": _minutes_meetings,
    "minutes:notice_signed_pdf": _minutes_meetings,
}


def parameter_sets(url_name: str, pattern: URLPattern) -> list[dict[str, Any]] | None:
    """Keyword sets to reverse the page with (up to a few), or None when one cannot be filled."""
    names = list(pattern.pattern.regex.groupindex)
    if not names:
        return [{}]
    if url_name in PAGE_KWARGS:
        return PAGE_KWARGS[url_name]() or None
    choices = []
    for name in names:
        lookup = PAGE_PARAMETERS.get(url_name, {}).get(name) or PARAMETERS.get(name)
        values = lookup() if lookup else []
        if not values:
            return None
        choices.append(values)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.islice(itertools.product(*choices), 6)]


# --- The test ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The data of `make run` (`manage.py seed_demo`: units, accounts, rooms, meetings, documents,
    a meeting in progress, opinion collections...), seeded once for this module and rolled back
    after it. Files go to a temporary directory."""
    from documents.conversion import get_converter

    files = tmp_path_factory.mktemp("demo-files")
    with (
        override_settings(
            MEDIA_ROOT=files / "media",
            DOCUMENT_UPLOAD_TEMP_DIR=files / "uploads",
            PASSWORD_HASHERS=["accounts.hashers.TestArgon2PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        seed_demo()
        seed_all()
        yield
        transaction.set_rollback(True)
    get_converter().close()  # the LibreOffice that processed the demo documents


@dataclass
class Walk:
    offences: list[Offence]
    seen: set[str]  # pages rendered (200, HTML) for at least one role
    unfilled: set[str]  # patterns whose parameters the demo data cannot fill
    files: set[tuple[str, str]]  # (url name, role) answered 200 with something that is not HTML


def visit_every_page(english: set[str]) -> Walk:
    offences: list[Offence] = []
    seen: set[str] = set()
    unfilled: set[str] = set()
    files: set[tuple[str, str]] = set()
    clients: dict[str, Client] = {}
    for role, username in ROLES.items():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        clients[role] = client
    for url_name, pattern in url_patterns():
        if url_name in SKIPPED_URL_NAMES:
            continue
        kwarg_sets = parameter_sets(url_name, pattern)
        if kwarg_sets is None:
            unfilled.add(url_name)
            continue
        post_only = False
        for role, client in clients.items():
            if post_only:
                break
            checked = 0
            for kwargs in kwarg_sets:
                if checked >= MAX_PAGES_PER_PATTERN_AND_USER:
                    break
                try:
                    path = reverse(url_name, kwargs=kwargs)
                except NoReverseMatch:
                    continue
                response = client.get(path)
                if response.status_code == 405:  # a form's target (require_POST): no page to read
                    post_only = True
                    break
                if response.status_code != 200:
                    continue
                if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    if getattr(response, "streaming", False):
                        # Read to the end: the test client then closes the file and finishes the request.
                        response.getvalue()
                    files.add((url_name, role))
                    break  # one file per role is enough
                checked += 1
                seen.add(url_name)
                allowed = KNOWN_OFFENDERS.get(url_name, {})
                for word, context in english_in(visible_text(response.content.decode()), english):
                    if word not in allowed:
                        offences.append(Offence(url_name, path, role, word, context))
    return Walk(offences, seen, unfilled, files)


def test_every_page_is_in_vietnamese_for_every_role(demo: None, db: None) -> None:
    english = english_words() - data_words()
    walk = visit_every_page(english)
    offences, seen, unfilled = walk.offences, walk.seen, walk.unfilled
    # The demo data fills every pattern but those that cannot exist by design.
    assert unfilled <= UNFILLABLE, sorted(unfilled - UNFILLABLE)
    # Files answer the roles that may have them.
    missing = sorted((name, role) for name, roles in FILES.items() for role in roles if (name, role) not in walk.files)
    assert not missing, missing
    # The walk really reached the pages of every app, not only the sign-in page.
    for must in (
        "home",
        "account_login",
        "my_account",
        "unitadmin:user_list",
        "audit:list",
        "meetings:list",
        "meetings:detail",
        "meetings:calendar",
        "documents:search",
        "opinions:list",
        "opinions:detail",
        "notifications:list",
        "signing:mine",
        "documents:view",
        "documents:versions",
        "documents:receipts",
        "documents:note",
        "live:room",
        "live:console",
        "live:incidents",
        "unitadmin:transfer_list",
        "signing:pending",
    ):
        assert must in seen, (must, sorted(seen), sorted(unfilled))
    unique = {(o.url_name, o.word): o for o in offences}
    report = "\n".join(str(o) for o in sorted(unique.values(), key=lambda o: (o.url_name, o.word)))
    assert not unique, f"English words on Vietnamese pages ({len(unique)}):\n{report}"


def test_the_word_list_finds_english_and_spares_vietnamese() -> None:
    english = english_words()
    assert {"meeting", "approve", "documents", "cancel"} <= english
    text = visible_text(
        '<p title="Chi tiết">Cuộc họp <b>đã duyệt</b> lúc 08:00, gửi email cho vp.daumoi@ninhbinh.gov.vn</p>'
        "<script>const label = 'Meeting';</script><button aria-label=\"Close\">×</button>"
    )
    assert [word for word, _ in english_in(text, english)] == ["close"]
