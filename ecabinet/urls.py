from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from accounts.views import sso_pages, sso_provider_pages
from core import views as core_views
from shell import closed
from shell import views as shell_views

urlpatterns = [
    path("", shell_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("privacy/", shell_views.privacy_notice, name="privacy"),
    path("personal-data/<int:user_id>/export/", core_views.export_personal_data, name="personal_data_export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("account/", include("accounts.urls")),
    # Before allauth's own reset views: resets are done by unit administrators.
    re_path(r"^auth/password/reset/", shell_views.password_reset_by_admin, name="account_reset_password"),
    # allauth's email management, email confirmation and re-authentication: not features here.
    re_path(r"^auth/(?:email|confirm-email|reauthenticate)/", closed.not_offered, name="allauth_not_offered"),
    # Single sign-on (accounts/sso.py): never a sign-up form or a page of linked identities; its other
    # pages only while it is configured.
    re_path(r"^auth/3rdparty/(?:signup/)?$", closed.not_offered, name="socialaccount_not_offered"),
    path("auth/3rdparty/", include(sso_pages)),
    path("auth/oidc/", include(sso_provider_pages)),
    path("auth/", include("allauth.urls")),
    path("admin-units/", include("accounts.admin_urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("meetings.urls")),
    path("documents/", include("documents.urls")),
    path("live/", include("live.urls")),
    path("opinions/", include("opinions.urls")),
    path("recordings/", include("recordings.urls")),
    path("transcripts/", include("transcripts.urls")),
    path("minutes/", include("minutes.urls")),
    path("followups/", include("followups.urls")),
    path("reports/", include("reports.urls")),
    path("feedback/", include("feedback.urls")),
    path("signing/", include("signing.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
