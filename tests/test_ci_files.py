"""The files behind `make run`, `make test` and CI stay consistent with each other."""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_procfile_starts_web_worker_and_beat():
    processes = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )

    assert set(processes) == {"web", "worker", "beat"}
    assert "runserver" in processes["web"]
    assert "celery -A config worker" in processes["worker"]
    assert "celery -A config beat" in processes["beat"]


def test_makefile_recipes_are_indented_with_tabs():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))

    assert {"setup", "run", "test", "lint", "messages", "clean"} <= targets
    assert not re.search(r"^ {2,}\S", makefile, flags=re.MULTILINE), "make needs tabs, not spaces"


def test_ci_script_is_valid_bash():
    bash = shutil.which("bash")
    result = subprocess.run([bash, "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True, check=False)  # noqa: S603

    assert result.returncode == 0, result.stderr
