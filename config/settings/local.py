"""Local development: DEBUG on, mails as files, SQLite and the filesystem broker by default."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
