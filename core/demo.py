"""The registry of demo-data seeders for the shell's `manage.py seed_demo` (and so `make run`).

The accounts come first (`accounts.demo.seed_demo`, on this floor). Every app above that adds demo
data registers, from its `AppConfig.ready()`, one function `fn() -> list[str]` with its floor
(`register_seeder(2, "meetings", demo.seed_meetings)`); `seed_all` runs them lowest floor first, so
an app's seeder finds the data of the apps it stands on. Each seeder is idempotent (it leaves what
exists alone) and writes only through the apps' `do_*` actions; it returns the lines to print.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["register_seeder", "seed_all", "seeder_names"]

Seeder = Callable[[], list[str]]
_SEEDERS: dict[str, tuple[int, Seeder]] = {}


def register_seeder(floor: int, name: str, fn: Seeder) -> None:
    if name in _SEEDERS and _SEEDERS[name][1] is not fn:
        raise RuntimeError(f"a demo seeder named {name!r} is already registered")
    _SEEDERS[name] = (floor, fn)


def seeder_names() -> list[str]:
    """In the order they run: by floor, then by name."""
    return [name for name, _ in sorted(_SEEDERS.items(), key=lambda item: (item[1][0], item[0]))]


def seed_all() -> list[str]:
    """Run every registered seeder (after the accounts); returns what they report."""
    lines: list[str] = []
    for name in seeder_names():
        lines += _SEEDERS[name][1]()
    return lines
