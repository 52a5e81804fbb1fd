"""Local development: DEBUG on, mails as files, SQLite and the filesystem broker by default."""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import INSTALLED_APPS  # noqa: E402

# The demo world (manage.py seed_demo): development and tests only, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
