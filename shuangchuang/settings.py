"""Settings for the 双创周 portal.

Every knob comes from the environment through one helper (django-environ), with a
default that is safe for a developer's machine: SQLite, no Redis (Celery uses a
file-system broker), e-mail printed to the console. README lists every variable.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "core",
    "venues",
    "events",
    "submissions",
    "exhibits",
    "contests",
    "federation",
    "public",
]

MIDDLEWARE = [
    "shuangchuang.middleware.RequestIdMiddleware",
    # /healthz and /readyz before the host is validated: load balancers call them by IP.
    "shuangchuang.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The public site's language is named by its URL (/en/...), every other page's negotiated.
    "shuangchuang.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The cookie telling a public page's script to fetch the account menu (core.public_cache).
    "shuangchuang.middleware.SignedInMarkerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shuangchuang.urls"
WSGI_APPLICATION = "shuangchuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "events.context_processors.portal",
            ],
        },
    },
    # The few templates rendered a thousand times per page (public.cards: an event's card),
    # which only place strings made and translated beforehand. Asked for by name
    # (``engines["jinja2"]``); every other template is the Django template language's.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"keep_trailing_newline": True},
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Persistent connections, checked before reuse, so the web process survives a
    # database restart without being restarted itself.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation in PostgreSQL: the portal's queries each read a few thousand rows at
    # most, but a grouped one with a subquery per group is estimated above jit_above_cost and
    # then spent ~30 ms compiling to run in 1 ms (the archive's weeks with their counts; issue
    # 21). Empty for a pooler that refuses startup options (then set jit on the database).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    startup_options = env.str("DATABASE_STARTUP_OPTIONS", default="-c jit=off")
    if startup_options:
        options["options"] = startup_options
    # Seconds to wait for a connection: a database host that does not answer (a network
    # partition) fails a request, or a new web worker's warm-up, fast instead of holding it
    # for the operating system's minutes.
    options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
else:
    # `make run`: the web process, the worker and beat share one file. A writer waits for the
    # lock instead of failing at once ("database is locked" made a sent digest retry), and
    # every transaction takes the write lock at its start, so none fails half-way.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shuangchuang.redis_cache.PortalRedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            # A Redis that stalls must not hold a web worker: pages are served without it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# /readyz answers these addresses (client_ip) or a request with "Authorization: Bearer READYZ_TOKEN".
READYZ_ALLOWED_ADDRESSES = env.list("READYZ_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])
READYZ_TOKEN = env.str("READYZ_TOKEN", default="")
READYZ_CACHE_SECONDS = env.float("READYZ_CACHE_SECONDS", default=5.0)
# After the shared cache fails, each process goes on without it for this many seconds.
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
# Public pages and feeds (core/public_cache.py) sent to anonymous visitors without a token or a
# cookie: browsers may keep them a minute, shared caches (a CDN) five. A change of what the
# public sees moves the public version at once; a CDN holding pages learns of it through
# PUBLIC_CACHE_PURGE, the dotted path of a function called as purge(version=...) after every
# bump (empty: none; a failing purge is logged, never raised). It runs in the request that
# approved the change: keep it short (a timeout of a few seconds) or hand the call to a worker.
PUBLIC_CACHE_CONTROL = env.str("PUBLIC_CACHE_CONTROL", default="public, max-age=60, s-maxage=300")
PUBLIC_CACHE_PURGE = env.str("PUBLIC_CACHE_PURGE", default="")
# nginx in front honours s-maxage, and its cache cannot be purged: X-Accel-Expires (read by
# nginx, never passed on) keeps its micro-cache at this many seconds. 0: the header is not sent.
PUBLIC_CACHE_ACCEL_EXPIRES = env.int("PUBLIC_CACHE_ACCEL_EXPIRES", default=1)
# Bytes of rendered page pieces (event cards) each process keeps in memory before the shared
# cache (core.fragments).
PUBLIC_FRAGMENTS_MEMORY_BYTES = env.int("PUBLIC_FRAGMENTS_MEMORY_BYTES", default=32 * 1024 * 1024)
# Whether each process keeps the week's public rows between versions and re-reads only the
# events a change names (public.week_snapshot); off: every page after a change reads them all.
PUBLIC_WEEK_SNAPSHOT = env.bool("PUBLIC_WEEK_SNAPSHOT", default=True)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "events.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before any password is checked.
    "shuangchuang.login_throttle.LoginThrottleBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shuangchuang" / "locale"]
# The public site's pages and feeds live under i18n_patterns (shuangchuang/urls.py): /schedule/
# in Chinese, /en/schedule/ in English, no cookie; other pages keep the cookie the switcher sets.
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
# S3 mode: private media is answered with a signed link valid this long (core/serving.py);
# public videos' web versions come from MEDIA_PUBLIC_BASE_URL (a CDN) when it is set.
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=3600)
MEDIA_PUBLIC_BASE_URL = env.str("MEDIA_PUBLIC_BASE_URL", default="").rstrip("/")
# What backs up the media (shuangchuang/scripts/backup.sh, core/checks.py): "copy" (the
# folder or every object, with a sha256 manifest) or "versioning" (S3 only: the bucket keeps
# every version; backup.sh dumps only the database).
MEDIA_BACKUP = env.str("MEDIA_BACKUP", default="copy")
if MEDIA_STORAGE == "s3":
    try:
        from boto3.s3.transfer import TransferConfig as _TransferConfig
        from botocore.config import Config as _S3Config
    except ImportError:  # `manage.py check --deploy` says so (core/checks.py)
        _TransferConfig = _S3Config = None
    _media_storage = {
        # django-storages' S3 backend, storing a finished resumable upload by a copy inside S3.
        "BACKEND": "core.resumable.storage.MediaS3Storage",
        "OPTIONS": {
            # Empty or missing values are reported by `manage.py check --deploy`, not here.
            "bucket_name": env.str("S3_BUCKET", default=""),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
            "file_overwrite": False,
            # AWS_S3_MAX_MEMORY_SIZE: a file opened through the storage API spools to disk
            # beyond 8 MB (unset, django-storages keeps whole objects in memory).
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
    if _S3Config is not None:
        _media_storage["OPTIONS"].update(
            # A store that does not answer must not hold a web worker for a minute.
            client_config=_S3Config(
                signature_version="s3v4",
                s3={"addressing_style": env.str("S3_ADDRESSING_STYLE", default="auto")},
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
            # Uploads go in 8 MB parts, two at a time: ~16 MB of a web worker per upload.
            transfer_config=_TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=2),
        )
elif MEDIA_STORAGE == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")
# Pictures and videos on public pages follow the redirect to the object store or the CDN:
# the Content-Security-Policy below lets img and media elements load from there.
MEDIA_ORIGINS = []
if MEDIA_STORAGE == "s3":
    _endpoint = urlsplit(env.str("S3_ENDPOINT_URL", default="") or "https://amazonaws.com")
    if _endpoint.netloc != "amazonaws.com":
        MEDIA_ORIGINS.append(f"{_endpoint.scheme}://{_endpoint.netloc}")
    if any(c.isalpha() for c in _endpoint.hostname or ""):  # virtual-hosted buckets: <bucket>.<host>
        MEDIA_ORIGINS.append(f"{_endpoint.scheme}://*.{_endpoint.netloc}")
if MEDIA_PUBLIC_BASE_URL:
    _public = urlsplit(MEDIA_PUBLIC_BASE_URL)
    MEDIA_ORIGINS.append(f"{_public.scheme}://{_public.netloc}")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads larger than this go to a temporary file while they stream in, so a 2 GB video
# never sits in the web process's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821 - set just above
    # Printed as a person reads it: decoded subject and body, not MIME-encoded bytes.
    EMAIL_BACKEND = "core.console_mail.ReadableConsoleBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="双创周 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS ------------------------------------------------------------------------------
# core.sms: the console backend prints texts (`make run`); production names the provider's
# HTTP gateway (core.sms.HttpBackend) with its key, secret, sign name and template ids.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.sms.ConsoleBackend")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_KEY_ID = env.str("SMS_HTTP_KEY_ID", default="")
SMS_HTTP_SECRET = env.str("SMS_HTTP_SECRET", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="双创周")
# The portal's template names (core.sms.SMS_TEXTS) → the provider's approved template ids.
SMS_TEMPLATES = {"code": env.str("SMS_TEMPLATE_CODE", default="")}

# --- The office's group robot ------------------------------------------------------------
# The daily digest goes to this DingTalk or WeCom robot too (submissions/services/digest.py);
# OFFICE_ROBOT_SECRET: a DingTalk robot's 加签 secret ("SEC..."), empty when it has none.
OFFICE_ROBOT_URL = env.str("OFFICE_ROBOT_URL", default="")
OFFICE_ROBOT_SECRET = env.str("OFFICE_ROBOT_SECRET", default="")

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # No server at all: queues are folders. Good for one machine running `make run`.
    # kombu's file-system transport expects these folders to exist: shuangchuang/celery.py
    # makes them when the Celery app is configured, so importing settings writes nothing.
    _queue_dir = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # Without this the transport writes its exchange files to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    # A task not acknowledged within this many seconds is handed to another worker;
    # every task's hard time limit stays well below it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # How often a worker looks for messages whose worker died (kombu: interval x throttle).
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 900
CELERY_TASK_SOFT_TIME_LIMIT = 840
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    # A bump the shared cache missed while it was away starts a new public version.
    "resync-public-version": {"task": "core.resync_public_version", "schedule": 60.0},
    # E-mails whose delivery was never enqueued (broker away) or whose worker died.
    "sweep-outbox": {"task": "core.sweep_outbox", "schedule": 300.0},
    # Resumable uploads left unfinished for RESUMABLE_EXPIRE_SECONDS (24 h): rows and staged bytes.
    "expire-resumable-uploads": {"task": "core.expire_resumable_uploads", "schedule": 3600.0},
    # Proof for /readyz that beat schedules and a worker runs.
    "heartbeat": {
        "task": "core.heartbeat",
        "schedule": (HEARTBEAT_SECONDS := 30.0),
        "options": {"expires": 30.0},
    },
    # Checks whose worker died (lease not renewed for a minute) are taken over within two.
    "sweep-stuck-media-checks": {"task": "submissions.sweep_stuck_checks", "schedule": 60.0},
    # Exhibition project videos: checks and web versions whose work was lost or whose worker died.
    "sweep-project-videos": {"task": "exhibits.sweep_videos", "schedule": 60.0},
    # Contest pitch videos: web versions of new vote candidates' videos, lost or dead work.
    "sweep-contest-videos": {"task": "contests.sweep_entry_videos", "schedule": 60.0},
    # Failed uploads of reports older than MEDIA_PURGE_FAILED_AFTER_DAYS (default 7), once a day.
    "purge-failed-media": {"task": "submissions.purge_failed_media", "schedule": 24 * 3600.0},
    "sweep-stuck-reminders": {"task": "submissions.sweep_stuck_reminders", "schedule": 300.0},
    # Sub-venues' portals (federation): one task per enabled source, each with its own limits.
    "federation-sync": {"task": "federation.sync_all", "schedule": 600.0, "options": {"expires": 600.0}},
    # Reminders, overdue notices and the office digest; a tick not started within its own
    # period is dropped (the next one covers it). REMINDERS_TICK_SECONDS: tests use seconds.
    "reminders-tick": {
        "task": "submissions.reminders_tick",
        "schedule": (_tick := env.float("REMINDERS_TICK_SECONDS", default=60.0)),
        "options": {"expires": _tick},
    },
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Origins of HLS live relays (云活动) played in the event page, e.g. "https://live.example.cn":
# hls.js fetches the playlist and segments from there (an organizer's .m3u8 from elsewhere is
# refused by events.validation.relay_errors; a platform's page link needs no entry).
LIVE_RELAY_ORIGINS = [origin.rstrip("/") for origin in env.list("LIVE_RELAY_ORIGINS", default=[])]

# Content-Security-Policy (django-csp 4): only our own files, no inline script or style
# attribute anywhere, and no nonce, because anonymous pages are served from the cache.
# Bootstrap's CSS draws its icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        # blob: the HLS player (hls.js) plays a relay through a MediaSource.
        "media-src": ["'self'", "blob:", *MEDIA_ORIGINS, *LIVE_RELAY_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *LIVE_RELAY_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# nginx serves a file itself when a view answers with X-Accel-Redirect: <prefix>/<storage name>
# (an `internal` location aliased to MEDIA_ROOT). Empty: the view streams the file.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="").rstrip("/")

# Login throttling (django-axes): a guess is counted against the username *and* the address
# together, so a wrong password from elsewhere never locks out an office's shared address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "shuangchuang.login_throttle.lockout_page"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless the proxy in front overwrites a header with it
# (nginx: `proxy_set_header X-Real-IP $remote_addr;` -> CLIENT_IP_HEADER=HTTP_X_REAL_IP).
# With X-Forwarded-For, CLIENT_IP_PROXY_COUNT says how many proxies appended to it; only the
# address the nearest proxy saw is used, so a forged left-hand entry changes nothing.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=1)

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------
# One JSON object per line, each with the request id (or the Celery task id) it belongs to.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shuangchuang.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "shuangchuang.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PORTAL_NAME = _("双创周")
