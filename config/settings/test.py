"""Test runs: the same settings, with defaults that make tests fast and self-contained.

DATABASE_URL and REDIS_URL still win, so CI runs the same suite on PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
# Tasks run inline unless a test starts a real worker; CELERY_TASK_ALWAYS_EAGER=false turns this off.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# The test client and the live server speak plain http: no HTTPS redirect, no HSTS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# Tests must not need a collectstatic run: serve from the finders.
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import INSTALLED_APPS, VAR_DIR  # noqa: E402

# The demo world (manage.py seed_demo) is part of the tests; production does not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(VAR_DIR / "test-media")
DEMO_RECOVERY_CODES_FILE = str(VAR_DIR / "test-demo-recovery-codes.txt")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
