"""Settings, all from the environment with safe defaults for local use.

DATABASE_URL   postgis://user:pass@host:port/name (default: the local cluster that
               scripts/bootstrap.sh provisions)
SECRET_KEY     set it in any deployment (required with SECURE_DEPLOYMENT); without it, a
               random key made for this installation on its first start and kept in
               SECRET_KEY_FILE (default var/secret_key, mode 0600)
DEBUG          "1"/"true" to turn on
ALLOWED_HOSTS  comma-separated
STORAGE_SRID   the one metric CRS geometries are stored in (default EPSG:4548,
               CGCS2000 / 3-degree Gauss-Kruger CM 117E, right for Beijing)
MAP_TILE_URL   optional XYZ tile URL template for the maps (e.g. 天地图 with a key);
MAP_TILE_ATTRIBUTION  its attribution. Without a URL the maps draw on a blank background,
               so nothing leaves the machine.
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# A deployment sets SECRET_KEY; local use (`make run`) gets a random key of its own, made once
# (config/secret_key.py). `check --deploy` warns about the latter and refuses a published key.
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
if SECRET_KEY_FROM_ENVIRONMENT or env_bool("SECURE_DEPLOYMENT", False):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")  # SECURE_DEPLOYMENT below refuses an empty one
else:
    from config.secret_key import installation_secret_key

    SECRET_KEY = installation_secret_key(Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / "var" / "secret_key"))
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

STORAGE_SRID = int(os.environ.get("STORAGE_SRID", "4548"))
WGS84_SRID = 4326

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    # before django_tasks_db: its `db_worker` command is core's (core/management/commands/db_worker.py)
    "core",
    "django_tasks",
    "core.tasks_app.TasksDatabaseConfig",  # django_tasks_db, named in Chinese in the admin
    "org",
    "geodata",
    "patrol",
    "shifts",
    "maps",
    "publishing",
    "hotline",
    "web",
    "api",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # A database that went away mid-request (a restart, a failover) is a 503 with Retry-After,
    # not a 500: clients retry, and their Idempotency-Key makes the retry safe.
    "core.db_unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Gives a browser that signed in (/login/, /admin/login/) its device cookie (org.login).
    "org.login.DeviceCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.navigation.extra_nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgis://patrol:patrol@127.0.0.1:5432/patrol"),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=60,
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles big queries for ~100 ms before running them: a loss for the short
# map and list queries this app makes (measured in bench/api.py).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (django-tasks, README "Background jobs"): queued in this database's
# django_tasks_database_dbtaskresult table and run by `manage.py db_worker` (make run starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job that fails, or whose worker dies, runs again (core.jobs; all jobs are idempotent) after
# BACKOFF, 2×, 4× … seconds (at most BACKOFF_MAX), until it has run JOBS_MAX_ATTEMPTS times in
# all; then it stays FAILED with the reason. Default: 5 attempts, 60 s first wait, 1 h at most.
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "5"))
JOBS_RETRY_BACKOFF_SECONDS = int(os.environ.get("JOBS_RETRY_BACKOFF_SECONDS", "60"))
JOBS_RETRY_BACKOFF_MAX_SECONDS = int(os.environ.get("JOBS_RETRY_BACKOFF_MAX_SECONDS", "3600"))

# Passwords (officer logins set in the admin or the officer sheet, the admin's own): at least
# 8 characters, not like the username or name, not a common password, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (org/login.py, /login/ and /admin/login/): after this many failed attempts
# for one username, or from one client IP, within LOGIN_LOCKOUT_MINUTES, further attempts are
# refused until the window has passed. Counted in the database, so every worker sees them.
# A browser where the account signed in before holds a device cookie (LOGIN_DEVICE_COOKIE_DAYS)
# and is exempt from those two locks: it is locked only by LOGIN_FAILURES_PER_USERNAME failures
# of its own, so strangers' wrong passwords cannot lock an officer out of their own tablet.
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "5"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_DEVICE_COOKIE_DAYS = int(os.environ.get("LOGIN_DEVICE_COOKIE_DAYS", "180"))

LANGUAGE_CODE = "zh-hans"
# The pages are written in Chinese only: LocaleMiddleware must not switch Django's own words
# and date formats to a browser's English (a page said "Nov. 30, 2026" amid Chinese text)
LANGUAGES = [("zh-hans", "简体中文")]
# Before Django's and the packages' own catalogues: the strings they leave untranslated (newer
# admin and password-validator wording, django-tasks-db's labels) in Chinese (locale/*.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"

# The pages (web/): sign in at /login/, land on the dashboard.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/login/"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")  # uploaded photos

# Uploads (problem photos) are size-checked by the service; keep Django's own limits close.
# DATA_UPLOAD_MAX_MEMORY_SIZE also bounds JSON and form bodies (api/limits.py: 413 beyond
# it): the largest legitimate one is a locate batch, 5000 texts.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Fields: Django's default, kept for the admin (a long road's segment inline posts a few
# hundred); the API's forms have a dozen. Files: a photo upload carries one.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The token first: a request without credentials is then a 401 with
    # "WWW-Authenticate: Token" (a 403 when the session came first), and so is a revoked token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.HashedTokenAuthentication",
        "api.auth.FieldSessionAuthentication",  # the session, and the field app's X-Field-Officer
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # /api/v1/ speaks JSON; the photo uploads take multipart (their views say so), Open311
    # takes forms (its own views): one media type per operation keeps the schema exact.
    # (DRF's JSONParser, its errors in Chinese: api/limits.py)
    "DEFAULT_PARSER_CLASSES": ["api.limits.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.limits.ContentNegotiation",
    "EXCEPTION_HANDLER": "api.v1.errors.handle",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Requests per client (api/limits.py says who counts as one), counted in PostgreSQL
    # (api/rate_counts.py), so every gunicorn worker counts a client's requests together.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        "open311_read": os.environ.get("THROTTLE_OPEN311_READ", "120/min"),
        "open311_write": os.environ.get("THROTTLE_OPEN311_WRITE", "30/min"),
    },
    # How many reverse proxies stand in front (nginx: 1): the client IP is then the one the
    # last of them appended to X-Forwarded-For; with 0, REMOTE_ADDR and the header is ignored.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "街面巡查平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.v1.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.v1.schema.error_responses"],
    "OAS_VERSION": "3.1.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ProblemStatusEnum": "patrol.domain.workflow.STATUS_CHOICES",
                            "PublicationStatusEnum": "publishing.models.PublicationStatus.choices",
                            "ShiftStatusEnum": "shifts.models.ShiftStatus.choices",
                            "TrueFalseEnum": "api.v1.hotline.YES_NO"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Debian 12 ships GDAL 3.6; the platform never hands user-supplied spatial reference
# strings to GDAL (SRIDs come from settings), so the hardening in GDAL >= 3.9 is not needed.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# -- deployment over HTTPS -----------------------------------------------------------------
# SECURE_DEPLOYMENT=1 is production behind HTTPS: redirect to HTTPS, cookies only over it,
# HSTS, and a SECRET_KEY of its own required; `manage.py check --deploy` is then clean
# (tests/test_deploy_check.py). Off by default, so that `make run` serves plain HTTP on
# 127.0.0.1. Behind a reverse proxy that terminates TLS, set NUM_PROXIES (above) too: the
# proxy's X-Forwarded-Proto then tells Django the request came over HTTPS (the proxy must
# set that header itself, replacing any the client sent).
SECURE_DEPLOYMENT = env_bool("SECURE_DEPLOYMENT", False)
if SECURE_DEPLOYMENT:
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("SECURE_DEPLOYMENT=1 requires DEBUG off")
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("SECURE_DEPLOYMENT=1 requires SECRET_KEY (50 or more random characters)")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if REST_FRAMEWORK["NUM_PROXIES"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins (scheme://host[:port]) allowed to POST forms (admin login) from other than the
# request's own host, e.g. when the proxy changes the host name; comma-separated.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# -- 12345 hotline (接诉即办, hotline/) ---------------------------------------------------
# Composite score = weighted mean of 响应率, 解决率, 满意率. Default 10 : 45 : 45, the weights of
# Beijing's 接诉即办 "三率" assessment (README, "12345 hotline", says where that comes from).
HOTLINE_SCORE_WEIGHTS = {"response": 10, "resolution": 45, "satisfaction": 45}
HOTLINE_FLAG_BOTTOM = int(os.environ.get("HOTLINE_FLAG_BOTTOM", "2"))  # the last N ranks: 重点治理
HOTLINE_FLAG_BELOW = float(os.environ.get("HOTLINE_FLAG_BELOW", "85"))  # and every score below this
HOTLINE_MAX_UPLOAD_MB = int(os.environ.get("HOTLINE_MAX_UPLOAD_MB", "10"))
# A multipart body (one photo, at most 10 MB, or one 12345 export) declared longer than this is a
# 413 before a byte of it is read (api/limits.py). Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not
# count files, so without it any size was streamed to disk and, under an Idempotency-Key, hashed.
# The largest file an endpoint takes, plus 1 MB for the form's other fields and boundaries.
API_UPLOAD_MAX_BYTES = (max(10, HOTLINE_MAX_UPLOAD_MB) + 1) * 1024 * 1024
# A file of more data rows than this is imported by the background worker (hotline.tasks), not in the request.
HOTLINE_INLINE_MAX_ROWS = int(os.environ.get("HOTLINE_INLINE_MAX_ROWS", "5000"))
HOTLINE_LOCATED_MAX_UNCERTAINTY_M = 300  # a point less precise than this does not count as located
HOTLINE_PROBLEM_MATCH_M = 50  # a patrol problem of the same category this near …
HOTLINE_PROBLEM_MATCH_DAYS = 7  # … and this many days either side of the complaint is its match

# -- the location language's network index (geodata/geocoding.py) ------------------------
# How long a process answers with its index before asking the database again whether the
# network changed (one statement; at most this many seconds until an edit is noticed).
# 0: ask on every call (the test suite, where an edit is followed by a locate at once).
NETWORK_INDEX_CHECK_S = float(os.environ.get("NETWORK_INDEX_CHECK_S", "0.5"))
