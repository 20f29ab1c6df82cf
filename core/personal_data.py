"""The registry of personal-data exporters (Luật Bảo vệ dữ liệu cá nhân 91/2025: the data subject's
right to a copy of their data).

Every app that stores something about a person registers, from its `AppConfig.ready()`, one
function `fn(user) -> JSON-able` returning what it holds about that person
(`register_exporter("meetings", personal_data.export)`), so an app added later adds its own part
without this module knowing about it. An exporter never returns a secret choice: for a secret vote
it may say that the person voted, never what they chose.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

__all__ = ["FORMAT", "build_archive", "collect_personal_data", "exporter_names", "register_exporter"]

FORMAT = "ecabinet-personal-data/1"

Exporter = Callable[[Any], Any]
_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, fn: Exporter) -> None:
    if name in _EXPORTERS and _EXPORTERS[name] is not fn:
        raise RuntimeError(f"a personal-data exporter named {name!r} is already registered")
    _EXPORTERS[name] = fn


def exporter_names() -> list[str]:
    return sorted(_EXPORTERS)


def collect_personal_data(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything every registered app holds about `user`, by app, as plain JSON values."""
    now = now or timezone.now()
    sections = {name: _EXPORTERS[name](user) for name in exporter_names()}
    document = {
        "format": FORMAT,
        "generated_at": now,
        "person": {"id": user.pk, "username": user.username, "full_name": user.full_name},
        "sections": sections,
    }
    # A round trip through JSON: dates become ISO strings, and an exporter returning something
    # that is not JSON-able fails here, not in the archive.
    result: dict[str, Any] = json.loads(json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False))
    return result


def build_archive(data: dict[str, Any], readme: str) -> bytes:
    """A ZIP with the whole export in `personal-data.json`, each app's part in `sections/<app>.json`
    and a short explanation in `README.txt`."""
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]

    def add(name: str, text: str) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text.encode("utf-8"))

    with zipfile.ZipFile(buffer, "w") as archive:
        add("README.txt", readme)
        add("personal-data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, section in data["sections"].items():
            add(f"sections/{name}.json", json.dumps(section, ensure_ascii=False, indent=2))
    return buffer.getvalue()
