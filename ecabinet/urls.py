from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("account/", include("accounts.urls")),
    # Before allauth's own reset views: resets are done by unit administrators.
    re_path(r"^auth/password/reset/", core_views.password_reset_by_admin, name="account_reset_password"),
    path("auth/", include("allauth.urls")),
    path("admin-units/", include("accounts.admin_urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("meetings.urls")),
    path("documents/", include("documents.urls")),
    path("live/", include("live.urls")),
    path("opinions/", include("opinions.urls")),
    path("signing/", include("signing.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
