"""Settings for bench.access_log: the project's settings plus two bench-only views."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.access_urls"
SAMMEN_MFA_REQUIRED = False
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": True}
