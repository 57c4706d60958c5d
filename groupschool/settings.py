"""Settings for the group-school portal.

Every value comes from the environment, with a default that is safe for the embedded set-up
(`make run`, the tests): SQLite and Celery tasks run in-process. Production sets DATABASE_URL,
CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and leaves DEBUG off.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "guardian",
    "import_export",
    "simple_history",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The kernel first, then the domain apps in their order of imports (tests/test_layers.py),
    # then the top: settings, URLs, dashboard, demo data.
    "kernel",
    "campuses",
    "staff",
    "supervision",
    "sharing",
    "planning",
    "evaluation",
    "notices",
    "api",
    "groupschool",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: every response gets the policy, error pages made by inner layers too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # kernel/middleware.py: a body above REQUEST_MAX_BYTES is refused before it is read;
    # a database that cannot be reached gets the 503 page (see also handler500 in urls.py).
    "kernel.middleware.RequestSizeLimitMiddleware",
    "kernel.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # kernel/middleware.py: a NUL character in a parameter is a 400 (PostgreSQL refuses it).
    "kernel.middleware.NullCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "groupschool.urls"
WSGI_APPLICATION = "groupschool.wsgi.application"

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
                "groupschool.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A persistent connection is checked before a request uses it: after a PostgreSQL
        # restart the web process reconnects by itself (kernel/middleware.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Fail fast while the database is unreachable rather than hold the worker (libpq's default
    # is to wait forever); the request gets the 503 page.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env("DB_CONNECT_TIMEOUT", "3"))
    )
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded set-up (`make run`, the tests): a write-ahead log, so that readers never wait
    # for the writer and a commit waits for the disk only at checkpoints (the last commits may
    # be lost in a power cut, never the file's consistency); transactions take the write lock
    # when they begin, so two writers queue (up to 20 s) instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
#: Seconds a client is told to wait (Retry-After) while the database is unavailable.
DB_OUTAGE_RETRY_AFTER = int(env("DB_OUTAGE_RETRY_AFTER", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username from that address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# guardian: no anonymous user row; anonymous visitors are sent to the login page.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env("STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = int(env("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Faults (issue 6, kernel/jobs.py): a broker that is down or hung never holds a request for
# long. Connecting gives up after 2 s, a publish is retried once; `jobs.enqueue` then reports
# "unavailable" and the job's row waits for `requeue_jobs`.
CELERY_BROKER_CONNECTION_TIMEOUT = float(env("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that dies unacknowledged (kill -9, power loss) goes back to the
    # queue after this many seconds. Longer than the longest task (compute: 1800 s time limit),
    # so a running task is not handed to a second worker; lost computation runs are found sooner
    # by `requeue_jobs` (JOBS_REQUEUE_AFTER), which knows from PostgreSQL that nobody runs them.
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": float(env("CELERY_BROKER_CONNECTION_TIMEOUT", "2")),
    # Blocking reads give up on a hung broker (the worker's BRPOP waits 1 s at a time).
    "socket_timeout": float(env("CELERY_BROKER_SOCKET_TIMEOUT", "10")),
}
#: A web request's publish waits at most this long for a hung broker (per attempt).
JOBS_PUBLISH_SOCKET_TIMEOUT = float(env("JOBS_PUBLISH_SOCKET_TIMEOUT", "1.5"))
#: A computation run still QUEUED, or RUNNING with no worker holding it, this many seconds after
#: it was requested or started is sent again by `requeue_jobs` (every JOBS_REQUEUE_EVERY s).
JOBS_REQUEUE_AFTER = int(env("JOBS_REQUEUE_AFTER", "120"))
JOBS_REQUEUE_EVERY = int(env("JOBS_REQUEUE_EVERY", "60"))
#: A run whose worker keeps dying is marked failed this many seconds after it was requested.
JOBS_GIVE_UP_AFTER = int(env("JOBS_GIVE_UP_AFTER", str(6 * 3600)))
CELERY_TIMEZONE = TIME_ZONE
# The beat schedule lives in the database (django-celery-beat), editable in the admin; the
# entries of CELERY_BEAT_SCHEDULE below are copied there when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# import-export: every import runs in one transaction; a sheet with any bad row writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_PAGE_RANGE = 8
PAGE_SIZE = int(env("PAGE_SIZE", "25"))

# Hardened defaults whenever DEBUG is off (behind the bureau's TLS proxy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if (DEBUG or TESTING) else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024 * 1024)))

# Uploads (kernel/uploads.py): every file field of the portal's forms and the admin's
# imports is limited in size and type, its content checked, zip-based documents opened only to
# read their table of contents before anything parses them.
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))  # evidence, attachments
RESOURCE_MAX_BYTES = int(env("RESOURCE_MAX_BYTES", str(200 * 1024 * 1024)))  # lesson recordings
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))  # xlsx/csv imports
UPLOAD_MAX_UNPACKED_BYTES = int(env("UPLOAD_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
UPLOAD_MAX_ZIP_RATIO = int(env("UPLOAD_MAX_ZIP_RATIO", "100"))
UPLOAD_MAX_ZIP_MEMBERS = int(env("UPLOAD_MAX_ZIP_MEMBERS", "10000"))
#: A request body above this is refused (413) before it is read: the largest file plus the form.
_LARGEST_UPLOAD = max(UPLOAD_MAX_BYTES, RESOURCE_MAX_BYTES, IMPORT_MAX_BYTES)
REQUEST_MAX_BYTES = int(env("REQUEST_MAX_BYTES", str(_LARGEST_UPLOAD + 10 * 1024 * 1024)))
# Files above 2.5 MB are streamed to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(env("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2621440)))
DATA_UPLOAD_MAX_NUMBER_FILES = int(env("DATA_UPLOAD_MAX_NUMBER_FILES", "20"))
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)

# Notices (notices/): the portal's address for the links in WeCom, DingTalk and e-mail notices;
# the hosts a robot webhook may point to (no other host is ever called); retries of a failed
# delivery (exponential back-off from NOTICES_RETRY_BACKOFF seconds); an outbound proxy if any.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")
NOTICES_WEBHOOK_HOSTS = env_list("NOTICES_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
NOTICES_MAX_RETRIES = int(env("NOTICES_MAX_RETRIES", "5"))
NOTICES_RETRY_BACKOFF = int(env("NOTICES_RETRY_BACKOFF", "30"))
NOTICES_HTTP_TIMEOUT = float(env("NOTICES_HTTP_TIMEOUT", "5"))
NOTICES_HTTP_PROXY = env("NOTICES_HTTP_PROXY")
NOTICES_EMAIL_PEOPLE = env_bool("NOTICES_EMAIL_PEOPLE", True)

# Demo accounts are created by `make run` only; production refuses unless asked explicitly.
DEMO_ACCOUNTS_ALLOWED = env_bool("DEMO_ACCOUNTS_ALLOWED", DEBUG or TESTING)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

WHITENOISE_USE_FINDERS = DEBUG or TESTING

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "rotations-advance-daily": {
        "task": "staff.tasks.rotations_advance_task",
        "schedule": crontab(hour=1, minute=0),
    },
    # Jobs whose broker message was never sent or whose worker died (kernel/jobs.py).
    "jobs-requeue": {
        "task": "kernel.tasks.requeue_jobs_task",
        "schedule": JOBS_REQUEUE_EVERY,
        "options": {"expires": JOBS_REQUEUE_EVERY},
    },
}

# Login throttling (django-axes): repeated failures lock that username from that address for a
# while (axes' own default never unlocks). The same user from another address still gets in.
# Optimistic concurrency (kernel.concurrency): a revision field, no database triggers.
CONCURRENCY_AUTO_CREATE_TRIGGERS = False

AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "kernel.net.client_ip"
#: How many reverse proxies in front of the portal append to X-Forwarded-For (0: none, use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy on every page: scripts only from the portal itself, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Health checks from the container or the load balancer speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- planning (issue 5): reminders of due and overdue measures, sub-tasks and documents ---
# Days before a due date on which the people responsible are reminded, and days after it on
# which an overdue item is recalled (the first day an item is found overdue always notifies).
PLANNING_REMIND_DAYS_BEFORE = [int(d) for d in env_list("PLANNING_REMIND_DAYS_BEFORE", "7,1")]
PLANNING_REMIND_DAYS_AFTER = [int(d) for d in env_list("PLANNING_REMIND_DAYS_AFTER", "1,7,30")]
CELERY_BEAT_SCHEDULE["planning-reminders-daily"] = {
    "task": "planning.tasks.planning_reminders_task",
    "schedule": crontab(hour=7, minute=0),
}

# --- The REST API (issue 15, api/): /api/v1/, /api/schema/, /api/docs/, /api/redoc/ ---
#: Requests per token (or per signed-in browser user) before a 429.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "1200/minute" if TESTING else "600/minute")
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        # The browser's session; writes need the CSRF token, as every form of the portal.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.paging.PageNumberPagination",
    "PAGE_SIZE": PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": [
        "api.paging.ScopedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "ORDERING_PARAM": "sort",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_THROTTLE_RATE, "anon": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
#: Paths whose refusals made before any view (kernel/middleware.py) are JSON, not a page.
JSON_ERROR_PREFIXES = ["/api/v1/", "/api/schema/"]
SPECTACULAR_SETTINGS = {
    "TITLE": "集团化办学管理平台 API · Group-school portal API",
    "DESCRIPTION": (
        "市教育局集团化办学管理平台的 REST 接口。认证：请求头 `Authorization: Token <key>`"
        "（在“API 令牌”页面或由管理员在后台创建），或浏览器的登录会话。"
        "中文为默认语言；`Accept-Language: en` 或 `?lang=en` 得到英文。\n\n"
        "The REST API of the city education bureau's group-school portal. Authenticate with the header "
        "`Authorization: Token <key>` (made on the “API tokens” page, or by an administrator in the admin) "
        "or the browser's session. Chinese by default; `Accept-Language: en` or `?lang=en` for English."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # Swagger UI and ReDoc from the portal's own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RotationCategoryEnum": "staff.models.RotationCategory",
        "AssetCategoryEnum": "sharing.models.AssetCategory",
        "RotationStatusEnum": "staff.models.Rotation.Status",
        "SchemeStatusEnum": "evaluation.models.Scheme.Status",
        "RunStatusEnum": "evaluation.models.ComputationRun.Status",
        "MentorshipStatusEnum": "staff.models.Mentorship.Status",
        "PlanStatusEnum": "planning.models.Status",
        "DocumentStatusEnum": "planning.models.Document.DocStatus",
    },
}

if TESTING:
    # Demo accounts are created in many tests: a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
