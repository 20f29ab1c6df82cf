from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The user-interface shell, on top of every app (docs/architecture.md, "Dependencies").

    The shell composes the apps through the registries of core that each app fills from its own
    `AppConfig.ready()`: home panels (`core.home`), demo-data seeders (`core.demo`) and approval
    menu entries (`core.menu`). It may import any app, but it does not need to: an app brings its
    own panel, seeder and menu entry, and the shell only renders or runs what is registered.
    """

    name = "shell"
    verbose_name = _("User interface shell")
