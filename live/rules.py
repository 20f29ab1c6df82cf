"""Time and counting rules of the meeting room: the check-in window, lateness, the rotating
room code, and quorum. Decided from the clock at the moment of the request."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from live.models import LiveState, QuorumRule

LATE_AFTER = timedelta(minutes=15)  # checked in more than this after the start: late
QR_PERIOD_SECONDS = 60  # the projector's code changes every minute; the previous one still works


def checkin_window(live: LiveState) -> tuple[datetime, datetime]:
    start = live.meeting.start
    return (
        start - timedelta(minutes=live.checkin_opens_minutes),
        start + timedelta(minutes=live.checkin_closes_minutes),
    )


def checkin_open(live: LiveState, now: datetime) -> bool:
    """Self check-in: within the window, or any time while the meeting is in progress."""
    opens, closes = checkin_window(live)
    if live.started_at is not None and live.ended_at is None:
        return now >= opens
    return opens <= now <= closes


def is_late(live: LiveState, now: datetime) -> bool:
    return now > live.meeting.start + LATE_AFTER


def qr_code(live: LiveState, now: datetime, *, offset: int = 0) -> str:
    slot = int(now.timestamp()) // QR_PERIOD_SECONDS + offset
    mac = hmac.new(live.qr_secret.encode(), f"{live.meeting_id}:{slot}".encode(), hashlib.sha256)
    return mac.hexdigest()[:12]


def qr_code_valid(live: LiveState, code: str, now: datetime) -> bool:
    return any(hmac.compare_digest(qr_code(live, now, offset=o), code or "") for o in (0, -1))


@dataclass(frozen=True)
class Quorum:
    rule: str
    required: int
    reached: bool


def quorum(rule: str, invited: int, present: int) -> Quorum:
    """More than half: strictly more than invited/2. Two thirds: at least ceil(2*invited/3)."""
    if rule == QuorumRule.NONE or invited == 0:
        return Quorum(rule, 0, True)
    required = invited // 2 + 1 if rule == QuorumRule.HALF else -(-2 * invited // 3)
    return Quorum(rule, required, present >= required)
