"""`config.settings.base` (production's module, everything read from the environment) with one
change: the URLs are the product's plus the bare insert views of `bench/server.py`."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.bare.urls"
