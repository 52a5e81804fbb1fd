"""The application's own Python files, parsed, for tests that read the code (audit actions,
translated text formatted at import time)."""

import ast
from pathlib import Path

from django.conf import settings

APPS = [
    "accounts",
    "api",
    "audit",
    "budgets",
    "core",
    "config",
    "demo",
    "initiatives",
    "municipalities",
    "notifications",
    "villages",
    "vision",
]


def application_modules():
    """(path relative to the project, parsed tree) of every module outside the migrations."""
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path.relative_to(settings.BASE_DIR), ast.parse(path.read_text(encoding="utf-8"))
