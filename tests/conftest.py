"""Fixtures shared by the whole suite. App-specific factories live in tests/<app>/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another test or into var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
