"""Quarters and the deadline of the quarterly report (Chương III: the PPC Office receives the
units' report "trước ngày 25 của tháng cuối quý", before the 25th of the quarter's last month).

- A quarter covers its calendar months (Q1: 1 January to 31 March, …).
- On time: submitted before the 25th of the quarter's last month began (local time), so the
  24th is the last day on time; at or after 00:00 on the 25th it is late.
- The reminder goes out `REPORTS_REMINDER_DAYS` days (default 7) before that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

DEADLINE_DAY = 25


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4 or not 2000 <= self.year <= 2100:
            raise ValueError(f"no such quarter: {self.year} Q{self.quarter}")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next()
        return following.start - dt.timedelta(days=1)

    @property
    def deadline(self) -> dt.date:
        """The day from which a submission is late (the 25th of the last month)."""
        return dt.date(self.year, 3 * self.quarter, DEADLINE_DAY)

    @property
    def deadline_at(self) -> dt.datetime:
        return dt.datetime.combine(self.deadline, dt.time(0), tzinfo=timezone.get_current_timezone())

    @property
    def last_day_on_time(self) -> dt.date:
        return self.deadline - dt.timedelta(days=1)

    def reminder_day(self) -> dt.date:
        return self.deadline - dt.timedelta(days=reminder_days())

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def is_late(self, moment: dt.datetime) -> bool:
        return moment >= self.deadline_at

    def __str__(self) -> str:
        return f"Quý {_roman(self.quarter)}/{self.year}"


def _roman(n: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}[n]


def today() -> dt.date:
    return timezone.localdate()


def current() -> Quarter:
    return Quarter.of(today())


def reminder_days() -> int:
    return max(int(settings.REPORTS_REMINDER_DAYS), 0)


def parse(year: object, quarter: object) -> Quarter | None:
    """A quarter from query parameters, or None when they are missing or wrong."""
    try:
        return Quarter(int(str(year)), int(str(quarter)))
    except (TypeError, ValueError):
        return None
