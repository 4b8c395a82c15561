"""Bloc settings, read from the environment (see .env.example for every variable).

SQLite when DATABASE_URL is unset; PostgreSQL when it says so. Production is the default:
DEBUG is off unless DJANGO_DEBUG says otherwise, and the security settings follow from it.
"""

from pathlib import Path

import environ

from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdefghijklmnopqrs"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("BLOC_SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    # The Django admin, signed in to through the app's sign-in and second factor.
    "bloc.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    "bloc.core",
    "bloc.accounts",
    "bloc.people",
    "bloc.democracy",
    "bloc.coalition",
    "bloc.comms",
    "bloc.program",
    "bloc.electoral",
    "bloc.events",
    "bloc.contact",
    "bloc.home",
    # The REST API (django-ninja; its Swagger UI files come from the "ninja" app's static files).
    "ninja",
    "bloc.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: private, no-store on personal responses; above the session and CSRF
    # middleware, so it sees the cookies they set.
    "bloc.core.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id on every log line and in X-Request-ID; no personal data (bloc/core/logs.py).
    "bloc.core.logs.RequestLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bloc.accounts.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bloc.accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bloc.core.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "csp.context_processors.nonce",
                "bloc.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'bloc.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE lets the task worker and the web server write side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "bloc.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (Django's Tasks API via the django-tasks backport) -----------------------
TASK_BACKEND = env.str("BLOC_TASK_BACKEND", default="database")
if TASK_BACKEND == "redis":
    if not REDIS_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("BLOC_TASK_BACKEND=redis needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Broadcasts on a queue of their own (run a worker for it: `bloc db_worker --queue-name comms`),
# so a big send never delays sign-in codes and confirmations. Empty: they share "default".
BLOC_COMMS_QUEUE = env.str("BLOC_COMMS_QUEUE", default="")
if BLOC_COMMS_QUEUE and "QUEUES" in TASKS["default"]:
    TASKS["default"]["QUEUES"] = [*TASKS["default"]["QUEUES"], BLOC_COMMS_QUEUE]
    if TASK_BACKEND == "redis":
        RQ_QUEUES[BLOC_COMMS_QUEUE] = {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}
# Stopping and losing workers (docs/decisions/0801-delivery-semantics.md, addendum): what a
# process manager waits between SIGTERM and SIGKILL (workers finish the message in flight and
# give back the rest well inside it); how long a claimed outbox row may go without its worker
# renewing the lease before it is taken back; how long a job or task may go without a
# heartbeat before it is treated as left by a dead worker (resumed or failed).
BLOC_WORKER_GRACE_SECONDS = env.int("BLOC_WORKER_GRACE_SECONDS", default=10)
BLOC_COMMS_LEASE_SECONDS = env.int("BLOC_COMMS_LEASE_SECONDS", default=60)
BLOC_STALE_JOB_SECONDS = env.int("BLOC_STALE_JOB_SECONDS", default=300)

# --- Accounts (django-allauth) ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# The front door sends each signed-in person on to their home (staff: the dashboard).
LOGIN_REDIRECT_URL = "home:front-door"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "bloc.accounts.adapter.AccountAdapter"
# Anyone may create an account with the sign-up form (off: accounts come from membership).
BLOC_OPEN_SIGNUP = env.bool("BLOC_OPEN_SIGNUP", default=False)
# Asking for a sign-in code also makes the account of a member who never had one (they claim it
# by proving their email; docs/decisions/0007-dues-and-payments.md).
ACCOUNT_FORMS = {"request_login_code": "bloc.accounts.claims.ClaimingRequestLoginCodeForm"}
# Supporters (RSVPs, pledges, no membership) may claim an account too.
BLOC_SUPPORTER_ACCOUNTS = env.bool("BLOC_SUPPORTER_ACCOUNTS", default=False)
# Days a one-click sign-in link in a "your Bloc account" invitation works (once).
BLOC_SIGN_IN_LINK_DAYS = env.int("BLOC_SIGN_IN_LINK_DAYS", default=14)
# Failed passwords: "login_failed" counts per client address and per (account, client address);
# "login_failed_account" per account, for browsers that never signed in to it (a stranger cannot
# lock a member out: bloc/accounts/adapter.py). Empty turns the per-account limit off.
_login_failed_account = env.str("BLOC_RATE_LOGIN_FAILED_ACCOUNT", default="20/h")
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "login_failed_account": f"{_login_failed_account}/key" if _login_failed_account else "",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
}
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Bloc"
# Staff roles (anyone who can read other people's data) must have a second factor.
BLOC_STAFF_MFA_REQUIRED = env.bool("BLOC_STAFF_MFA_REQUIRED", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions and security headers ------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("BLOC_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
BLOC_SESSION_IDLE_SECONDS = env.int("BLOC_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_TLS = env.bool("BLOC_SECURE_TLS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_TLS
CSRF_COOKIE_SECURE = SECURE_TLS
SECURE_SSL_REDIRECT = env.bool("BLOC_SSL_REDIRECT", default=SECURE_TLS)
SECURE_HSTS_SECONDS = env.int("BLOC_HSTS_SECONDS", default=31536000 if SECURE_TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_TLS
SECURE_HSTS_PRELOAD = env.bool("BLOC_HSTS_PRELOAD", default=SECURE_TLS)
if env.bool("BLOC_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A report-only policy instead of the enforced one (django-csp's setting); unset: enforced.
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Email ------------------------------------------------------------------------------------
# In debug (make demo) each email is one line on the console: recipients and subject.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="bloc.core.mail.OneLineEmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bloc <no-reply@bloc.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Any ESP through django-anymail: set EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend and
# ANYMAIL_* variables (e.g. ANYMAIL_POSTMARK_SERVER_TOKEN); they are passed through as-is.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in env.ENVIRON.items()
    if key.startswith("ANYMAIL_")
}
# Whose webhooks to mount (config/urls.py): by default the ESP of EMAIL_BACKEND
# (anymail.backends.<esp>.EmailBackend).
BLOC_EMAIL_WEBHOOK_ESP = env.str(
    "BLOC_EMAIL_WEBHOOK_ESP",
    default=EMAIL_BACKEND.split(".")[2] if EMAIL_BACKEND.startswith("anymail.backends.") else "",
)

# --- Comms: the outbox, SMS (docs/decisions/0801-delivery-semantics.md) ----------------------
# Twilio, or any provider speaking its API (TWILIO_API_BASE_URL: its address; empty: Twilio's).
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")
# Shared secret of the STOP/inbound webhook of providers that sign with one (not Twilio's own).
BLOC_COMMS_WEBHOOK_SECRET = env.str("BLOC_COMMS_WEBHOOK_SECRET", default="")
# Provider backends per channel (dotted paths; empty: email through EMAIL_BACKEND, SMS Twilio).
BLOC_COMMS_BACKENDS = env.dict("BLOC_COMMS_BACKENDS", default={})
BLOC_COMMS_BATCH_SIZE = env.int("BLOC_COMMS_BATCH_SIZE", default=500)
BLOC_COMMS_MAX_ATTEMPTS = env.int("BLOC_COMMS_MAX_ATTEMPTS", default=6)
BLOC_COMMS_PARALLEL_TASKS = env.int("BLOC_COMMS_PARALLEL_TASKS", default=4)
# Whether the email provider de-duplicates by our message id (then a retry after an unknown
# outcome is safe); the domain of those ids.
BLOC_COMMS_EMAIL_IDEMPOTENT = env.bool("BLOC_COMMS_EMAIL_IDEMPOTENT", default=False)
BLOC_COMMS_MESSAGE_ID_DOMAIN = env.str("BLOC_COMMS_MESSAGE_ID_DOMAIN", default="bloc.invalid")

# --- Static files, i18n -----------------------------------------------------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # never served: uploads are imports, deleted once read
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "bloc.core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "US"

# --- Logging: no personal data, ever (config/logs.py, bloc/core/logs.py) ---------------------
# One JSON object a line with the request's id (structlog); "console" reads better by eye.
BLOC_LOG_FORMAT = env.str("BLOC_LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = logging_config(level=env.str("BLOC_LOG_LEVEL", default="INFO"), fmt=BLOC_LOG_FORMAT)
# django-structlog's request lines: never the client's address; the user as a number.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = "pk"

# --- Error tracking (optional): Sentry or a self-hosted GlitchTip (config/error_tracking.py) --
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
if SENTRY_DSN:
    from config.error_tracking import init_error_tracking

    init_error_tracking(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)

# --- Metrics (/metrics, bloc/core/metrics.py) --------------------------------------------------
# Set: Prometheus sends "Authorization: Bearer <token>" from anywhere. Empty: only this machine.
BLOC_METRICS_TOKEN = env.str("BLOC_METRICS_TOKEN", default="")

# --- Health (/health/, bloc/core/health.py) ---------------------------------------------------
# A task due this many seconds ago and still waiting in the database queue fails the check; so
# does an outbox row still claimed this many seconds after its lease expired.
BLOC_HEALTH_TASK_BACKLOG_SECONDS = env.int("BLOC_HEALTH_TASK_BACKLOG_SECONDS", default=300)
BLOC_HEALTH_OUTBOX_STUCK_SECONDS = env.int("BLOC_HEALTH_OUTBOX_STUCK_SECONDS", default=300)

# --- The organization: every page's header, the public home (bloc/core/organization.py) -------
BLOC_ORG_NAME = env.str("BLOC_ORG_NAME", default="Bloc")
BLOC_ORG_ABOUT = env.str(
    "BLOC_ORG_ABOUT",
    default="We are a national membership organization of working people, organized in local "
    "chapters. Members decide what we fight for, who we endorse and how we spend our dues.",
)
# A path under the static files, or an https address (its origin is allowed for images).
BLOC_ORG_LOGO = env.str("BLOC_ORG_LOGO", default="img/logo.svg")
# The accent colour, #rrggbb; darkened where needed so links and buttons stay readable.
BLOC_ORG_COLOR = env.str("BLOC_ORG_COLOR", default="#b3122e")
if BLOC_ORG_LOGO.startswith(("https://", "http://")):
    from urllib.parse import urlsplit as _urlsplit

    _logo = _urlsplit(BLOC_ORG_LOGO)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_logo.scheme}://{_logo.netloc}")

# --- Dues from payment processors (docs/decisions/0007-dues-and-payments.md) -------------------
# Stripe: the webhook's signing secret (whsec_…) mounts /people/payments/stripe/webhook/ (404
# without it); the Payment Link of each dues plan is where the join page sends new members.
BLOC_STRIPE_WEBHOOK_SECRET = env.str("BLOC_STRIPE_WEBHOOK_SECRET", default="")
BLOC_STRIPE_WEBHOOK_TOLERANCE = env.int("BLOC_STRIPE_WEBHOOK_TOLERANCE", default=300)
BLOC_STRIPE_LINK_MONTHLY = env.str("BLOC_STRIPE_LINK_MONTHLY", default="")
BLOC_STRIPE_LINK_ANNUAL = env.str("BLOC_STRIPE_LINK_ANNUAL", default="")
BLOC_STRIPE_LINK_INCOME_BASED = env.str("BLOC_STRIPE_LINK_INCOME_BASED", default="")
BLOC_STRIPE_LINK_LOW_INCOME = env.str("BLOC_STRIPE_LINK_LOW_INCOME", default="")
# ActBlue-style webhooks: basic-auth user and password (both needed; 404 without them), the
# contribution form new members pay on, and the months a one-time contribution pays for.
BLOC_ACTBLUE_WEBHOOK_USER = env.str("BLOC_ACTBLUE_WEBHOOK_USER", default="")
BLOC_ACTBLUE_WEBHOOK_PASSWORD = env.str("BLOC_ACTBLUE_WEBHOOK_PASSWORD", default="")
BLOC_ACTBLUE_FORM_URL = env.str("BLOC_ACTBLUE_FORM_URL", default="")
BLOC_ACTBLUE_ONE_TIME_MONTHS = env.int("BLOC_ACTBLUE_ONE_TIME_MONTHS", default=12)
# A third processor: name=dotted.path.to.Processor pairs (bloc/people/payments/base.py).
BLOC_PAYMENT_PROCESSORS = env.dict("BLOC_PAYMENT_PROCESSORS", default={})

# --- Bloc policy defaults (organizations change these by configuration) ---------------------
BLOC_DEFAULT_GRACE_DAYS = env.int("BLOC_DEFAULT_GRACE_DAYS", default=30)
IMPORT_MAX_BYTES = env.int("BLOC_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# Events: national vetting flags events closer than this in space and time to an approved one.
BLOC_EVENTS_CONFLICT_MILES = env.float("BLOC_EVENTS_CONFLICT_MILES", default=1.0)
BLOC_EVENTS_CONFLICT_HOURS = env.float("BLOC_EVENTS_CONFLICT_HOURS", default=3.0)
# Days a chapter has to follow up a first-time volunteer.
BLOC_EVENTS_FOLLOW_UP_DAYS = env.int("BLOC_EVENTS_FOLLOW_UP_DAYS", default=7)
# Per-client limits on public forms (django-ratelimit, counted in the default cache; "" turns a
# limit off). Behind a proxy, name the header with the visitor's address (e.g. HTTP_X_REAL_IP).
BLOC_RATE_PUBLIC_RSVP = env.str("BLOC_RATE_PUBLIC_RSVP", default="60/m")
BLOC_RATE_EVENT_SUBMISSION = env.str("BLOC_RATE_EVENT_SUBMISSION", default="10/h")
BLOC_RATE_PLEDGE_SIGN = env.str("BLOC_RATE_PLEDGE_SIGN", default="60/m")
# Requests per API token (docs/api.md): over it the API answers 429 with Retry-After.
BLOC_API_RATE = env.str("BLOC_API_RATE", default="600/m")
# Outbound webhooks: tries per event before giving up; plain http:// receivers (default: debug).
BLOC_WEBHOOK_MAX_ATTEMPTS = env.int("BLOC_WEBHOOK_MAX_ATTEMPTS", default=10)
BLOC_WEBHOOKS_ALLOW_HTTP = env.bool("BLOC_WEBHOOKS_ALLOW_HTTP", default=DEBUG)
BLOC_RATE_JOIN = env.str("BLOC_RATE_JOIN", default="20/h")
# Messages from a chapter page's contact form, per client address.
BLOC_RATE_CHAPTER_CONTACT = env.str("BLOC_RATE_CHAPTER_CONTACT", default="5/h")
# Wrong personal voting codes on the vote-by-code page (docs/voting-security.md): after this many
# from one client address, it waits for the window (429); after this many against one ballot,
# further wrong codes on it get 429 and each address may try only a few more. Right codes never
# count. Raise the ballot's limit for a large mailed ballot ("" turns a limit off).
BLOC_RATE_WRONG_CODE_CLIENT = env.str("BLOC_RATE_WRONG_CODE_CLIENT", default="20/h")
BLOC_RATE_WRONG_CODE_BALLOT = env.str("BLOC_RATE_WRONG_CODE_BALLOT", default="300/h")
# The visitor's address (bloc.core.ratelimit.client_ip, for these limits and sign-in's): the
# connection's peer, unless BLOC_TRUSTED_PROXY_COUNT says how many proxies of ours append to
# X-Forwarded-For, or BLOC_CLIENT_IP_HEADER names the header our proxy sets (X-Real-IP or
# HTTP_X_REAL_IP). Without either, forwarded headers are ignored: anyone can write them.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("BLOC_TRUSTED_PROXY_COUNT", default=0)
_client_ip_header = env.str("BLOC_CLIENT_IP_HEADER", default="").strip()
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = (
    _client_ip_header.removeprefix("HTTP_").replace("_", "-") if _client_ip_header else None
)
RATELIMIT_IP_META_KEY = "bloc.core.ratelimit.client_ip"
# Seconds each web process keeps an open ballot for the vote page (0: never); casting re-checks.
BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS = env.int(
    "BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS", default=5
)
# Ballots (docs/voting-security.md): the secret that personal voting codes and the pending-box
# layer are derived from (default: derived from DJANGO_SECRET_KEY). Never change it while a
# ballot is frozen or open. Cast ballots are mixed into the box in batches of at least
# BLOC_BALLOT_MIX_MIN (all of them at closing); receipts by email: at most N per voter a ballot.
BLOC_VOTING_SECRET = env.str("BLOC_VOTING_SECRET", default="")
BLOC_BALLOT_MIX_MIN = env.int("BLOC_BALLOT_MIX_MIN", default=20)
BLOC_BALLOT_RECEIPTS_PER_VOTER = env.int("BLOC_BALLOT_RECEIPTS_PER_VOTER", default=3)
# Seconds each web process keeps an event and its shifts for the RSVP form (0: never).
BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS = env.int("BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS", default=10)
# The RSVP drain yields to the public form during a spike (decision 0706): while at least
# BLOC_EVENTS_DRAIN_YIELD_RATE RSVPs a second are arriving, it waits between batches, looking
# again every BLOC_EVENTS_DRAIN_YIELD_SECONDS, until the oldest waiting RSVP has waited
# BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT seconds. 0 seconds turns this off.
BLOC_EVENTS_DRAIN_YIELD_RATE = env.int("BLOC_EVENTS_DRAIN_YIELD_RATE", default=100)
BLOC_EVENTS_DRAIN_YIELD_SECONDS = env.float("BLOC_EVENTS_DRAIN_YIELD_SECONDS", default=0.5)
BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT = env.int("BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT", default=120)
# A web process that found the drain already scheduled does not ask the cache again for this
# many seconds (one round trip fewer per RSVP in a spike); a finishing drain waits twice this
# before its last look for pending RSVPs. 0 turns this off, as it is when tasks run inline
# (the drain then runs inside a request, which should not wait).
BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS = env.float(
    "BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS", default=0 if TASK_BACKEND == "immediate" else 0.25
)
# Map tiles (public tiles need internet; the event list works without them). Empty: no tiles.
BLOC_MAP_TILES_URL = env.str("BLOC_MAP_TILES_URL", default="")
BLOC_MAP_TILES_ATTRIBUTION = env.str("BLOC_MAP_TILES_ATTRIBUTION", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
if BLOC_MAP_TILES_URL:
    # The browser fetches tiles from the tile server: allow exactly that origin for images.
    from urllib.parse import urlsplit

    _tiles = urlsplit(BLOC_MAP_TILES_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.hostname}")
