"""`bench.bare.settings` plus the what-if patches of `bench/bare/whatif.py` (bench/server.py --what-if)."""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare.whatif.WhatIfConfig"]
