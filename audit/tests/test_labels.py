import re
from pathlib import Path

from audit.labels import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "audit",
    "backups",
    "core",
    "meetings",
    "notifications",
    "documents",
    "polls",
    "live",
    "opinions",
    "signing",
    "followups",
    "minutes",
)


def test_every_audit_code_in_the_code_has_a_label() -> None:
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for call in re.finditer(r"log_action\(\s*(.+?),", text, re.S):
                codes.update(re.findall(r'"([a-z_]+\.[a-z_.]+)"', call.group(1)))
    assert codes, "no log_action calls found"
    assert codes - set(ACTION_LABELS) == set()
