from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app imports (docs/architecture.md): request helpers, middleware, the health
    check, exports, and the registries the apps above fill from their `AppConfig.ready()` (home
    panels, demo seeders, approval menu entries, personal-data exporters)."""

    name = "core"
