"""`manage.py seed_demo` creates `admin` with the public demo password: only on demo settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def test_the_real_command_refuses_on_other_settings_and_says_how_to_override(tmp_path):
    # Settings of an installation that happens to install the demo app, without DEMO=true.
    (tmp_path / "installation_settings.py").write_text("from config.settings.test import *  # noqa\n")
    env = {key: value for key, value in os.environ.items() if key != "DEMO"}
    env.update(
        DJANGO_SETTINGS_MODULE="installation_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEMO_RECOVERY_CODES_FILE=str(tmp_path / "codes.txt"),
    )
    result = subprocess.run(  # noqa: S603 (the project's own manage.py, fixed arguments)
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert "seed_demo refused" in result.stderr
    assert "'installation_settings'" in result.stderr
    assert "public demo password" in result.stderr
    assert "DEMO=true" in result.stderr
    assert not (tmp_path / "codes.txt").exists()


@pytest.mark.django_db
def test_refused_before_anything_is_written(monkeypatch):
    monkeypatch.delenv("DEMO", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.base")

    with pytest.raises(CommandError, match="DEMO=true"):
        call_command("seed_demo", verbosity=0)

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["false", "1", ""])
def test_only_demo_true_overrides(monkeypatch, value):
    monkeypatch.setenv("DEMO", value)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.base")

    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)


@pytest.mark.django_db
def test_demo_true_in_the_environment_runs_it(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO", "true")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.base")
    settings.DEMO_RECOVERY_CODES_FILE = str(tmp_path / "codes.txt")

    call_command("seed_demo", verbosity=0)

    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


@pytest.mark.django_db
def test_make_run_local_settings_run_it(settings, monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.local")
    settings.DEMO_RECOVERY_CODES_FILE = str(tmp_path / "codes.txt")

    call_command("seed_demo", verbosity=0)

    assert get_user_model().objects.filter(username="admin").exists()
